import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/output/format.js';
import { Multiplexer, type MultiplexerOptions } from '../../src/output/multiplexer.js';
import type { OutputRecord } from '../../src/output/record.js';

const NOON = new Date(2024, 0, 2, 12, 0, 1).getTime();
const web1: Source = { name: 'web.1', typeIndex: 0, pid: 101 };
const worker1: Source = { name: 'worker.1', typeIndex: 1, pid: 102 };
const lines = (...texts: string[]): Buffer[] => texts.map((text) => Buffer.from(text));

/** A sink that keeps every write; `writes` counts calls so tests can see lines go out whole. */
function memorySink() {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, chunks, text: () => Buffer.concat(chunks).toString('utf8') };
}

function mux(sink: Writable, options: Partial<MultiplexerOptions> = {}): Multiplexer {
  return new Multiplexer(sink, { color: false, timestamps: false, json: false, now: () => NOON, ...options });
}

/** A child's stdout stand-in, flowing as a piped stream would be. */
function flowingSource(): Readable {
  const stream = new Readable({ read() {} });
  stream.resume();
  return stream;
}

describe('Multiplexer: text', () => {
  it('prefixes every line and writes one batch in one write', () => {
    const out = memorySink();
    const m = mux(out.sink);
    m.lines(web1, 'stdout', lines('one', '', 'three'));
    expect(out.text()).toBe('web.1  | one\nweb.1  | \nweb.1  | three\n');
    expect(out.chunks).toHaveLength(1);
  });

  it('writes nothing for an empty batch', () => {
    const out = memorySink();
    mux(out.sink).lines(web1, 'stdout', []);
    expect(out.chunks).toHaveLength(0);
  });

  it('pads names to the widest reserved name, also for lines after the widening', () => {
    const out = memorySink();
    const m = mux(out.sink);
    m.lines(web1, 'stdout', lines('before'));
    m.reserve(['web.1', 'worker.1', 'web.2']);
    m.lines(web1, 'stdout', lines('after'));
    m.lines(worker1, 'stderr', lines('work'));
    m.system('hello');
    expect(out.text().split('\n')).toEqual(['web.1  | before', 'web.1    | after', 'worker.1 | work', 'system   | hello', '']);
  });

  it('never narrows the column', () => {
    const out = memorySink();
    const m = mux(out.sink);
    m.reserve(['a-long-name.1']);
    m.reserve(['x.1']);
    m.lines({ name: 'x.1', typeIndex: 0 }, 'stdout', lines('hi'));
    expect(out.text()).toBe('x.1           | hi\n');
  });

  it('adds the clock time from the injected clock', () => {
    const out = memorySink();
    let now = NOON;
    const m = mux(out.sink, { timestamps: true, now: () => now });
    m.lines(web1, 'stdout', lines('a'));
    now += 1000;
    m.lines(web1, 'stdout', lines('b'));
    m.system('c');
    expect(out.text()).toBe('12:00:01 web.1  | a\n12:00:02 web.1  | b\n12:00:02 system | c\n');
  });

  it('colors by type when asked', () => {
    const out = memorySink();
    mux(out.sink, { color: true }).lines(worker1, 'stdout', lines('hi'));
    expect(out.text()).toBe('\u001b[33mworker.1 |\u001b[39m hi\n');
  });

  it('makes lines printable', () => {
    const out = memorySink();
    mux(out.sink).lines(web1, 'stdout', [Buffer.from([0x61, 0x00, 0xff, 0x62])]);
    expect(out.text()).toBe('web.1  | a\u2400\uFFFDb\n');
  });

  it('keeps colours and shows every other control sequence, so no line can be forged', () => {
    const out = memorySink();
    mux(out.sink).lines(web1, 'stdout', [Buffer.from('\x1b[31mred\x1b[0m'), Buffer.from('\x1b[1A\x1b[2K\rsystem | all good'), Buffer.from('\x1b]52;c;aGk=\x07')]);
    expect(out.text()).toBe('web.1  | \x1b[31mred\x1b[0m\nweb.1  | \u241b[1A\u241b[2K\u240dsystem | all good\nweb.1  | \u241b]52;c;aGk=\u2407\n');
  });

  it('shows control characters in a system message that quotes a child', () => {
    const out = memorySink();
    mux(out.sink).system('  \x1b]0;title\x07 last words');
    expect(out.text()).toBe('system |   \u241b]0;title\u2407 last words\n');
  });

  it('prints system messages under "system" even when they concern a process', () => {
    const out = memorySink();
    mux(out.sink).system('web.1 exited with code 3', web1);
    expect(out.text()).toBe('system | web.1 exited with code 3\n');
  });
});

describe('Multiplexer: JSON', () => {
  const records = (text: string) => text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  const time = new Date(NOON).toISOString();

  it('writes one record per line and per system message', () => {
    const out = memorySink();
    const m = mux(out.sink, { json: true, color: true, timestamps: true });
    m.lines(web1, 'stderr', [Buffer.from('oops'), Buffer.from([0x00, 0xff])]);
    m.system('starting');
    m.system('web.1 exited', web1);
    expect(records(out.text())).toEqual([
      { time, process: 'web.1', pid: 101, stream: 'stderr', text: 'oops' },
      { time, process: 'web.1', pid: 101, stream: 'stderr', text: '\u2400\uFFFD' },
      { time, process: 'system', pid: null, stream: 'system', text: 'starting' },
      { time, process: 'web.1', pid: 101, stream: 'system', text: 'web.1 exited' },
    ]);
  });
});

describe('Multiplexer: backpressure', () => {
  /** A sink that accepts one byte before it is "full" and finishes writes only when told. */
  function slowSink() {
    const pending: Array<() => void> = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        pending.push(() => callback());
      },
    });
    /** Completes every write, including those the sink buffered meanwhile. */
    const finishWrites = () => {
      while (pending.length > 0) pending.shift()!();
    };
    return { sink, finishWrites };
  }

  it('pauses tracked sources when the sink is full and resumes them on drain', async () => {
    const { sink, finishWrites } = slowSink();
    const m = mux(sink);
    const a = flowingSource();
    const b = flowingSource();
    m.track(a);
    m.track(b);
    expect([a.isPaused(), b.isPaused()]).toEqual([false, false]);

    m.lines(web1, 'stdout', lines('fills the sink'));
    expect([a.isPaused(), b.isPaused()]).toEqual([true, true]);

    // A source tracked while the sink is full starts paused.
    const late = flowingSource();
    m.track(late);
    expect(late.isPaused()).toBe(true);
    // And one no longer tracked is left alone.
    m.untrack(b);

    const drained = once(sink, 'drain');
    finishWrites();
    await drained;
    expect([a.isPaused(), late.isPaused(), b.isPaused()]).toEqual([false, false, true]);
  });

  it('keeps sources running while the sink keeps up', () => {
    const out = memorySink();
    const m = mux(out.sink);
    const a = flowingSource();
    m.track(a);
    for (let i = 0; i < 100; i++) m.lines(web1, 'stdout', lines(`line ${i}`));
    expect(a.isPaused()).toBe(false);
  });

  it('flush resolves once the sink has taken everything written so far', async () => {
    const { sink, finishWrites } = slowSink();
    const m = mux(sink);
    m.system('one');
    let flushed = false;
    const flushing = m.flush().then(() => {
      flushed = true;
    });
    await Promise.resolve();
    expect(flushed).toBe(false);
    finishWrites();
    await flushing;
    expect(flushed).toBe(true);
  });
});

describe('Multiplexer: closed sink', () => {
  function brokenSink() {
    let writes = 0;
    let broken = false;
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(broken ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    return { sink, writes: () => writes, breakIt: () => (broken = true) };
  }

  it('reports EPIPE once to every listener, then drops output', async () => {
    const out = brokenSink();
    const m = mux(out.sink);
    const seen: string[] = [];
    m.onClosed((error) => seen.push(`first: ${(error as NodeJS.ErrnoException).code}`));
    m.onClosed((error) => seen.push(`second: ${(error as NodeJS.ErrnoException).code}`));

    m.lines(web1, 'stdout', lines('delivered'));
    expect(m.isClosed).toBe(false);
    out.breakIt();
    const failed = once(out.sink, 'error');
    m.lines(web1, 'stdout', lines('hits the broken pipe'));
    await failed;

    expect(m.isClosed).toBe(true);
    expect(seen).toEqual(['first: EPIPE', 'second: EPIPE']);

    // A second error from the same sink is not reported again.
    out.sink.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(seen).toHaveLength(2);

    const writesBefore = out.writes();
    m.lines(web1, 'stdout', lines('dropped'));
    m.system('dropped too');
    expect(out.writes()).toBe(writesBefore);
    await expect(m.flush()).resolves.toBeUndefined();
  });

  it('lets paused sources flow again when the sink goes away', async () => {
    const pending: Array<(error?: Error) => void> = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        pending.push(callback);
      },
    });
    const m = mux(sink);
    const source = flowingSource();
    m.track(source);
    m.lines(web1, 'stdout', lines('fills the sink'));
    expect(source.isPaused()).toBe(true);

    const failed = once(sink, 'error');
    pending.shift()!(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await failed;
    expect(m.isClosed).toBe(true);
    expect(source.isPaused()).toBe(false);
  });
});

describe('block: whole lines printed in one piece', () => {
  it('prefixes every line of the block exactly as lines() would', () => {
    const viaBlock = memorySink();
    const viaLines = memorySink();
    const text = 'one\n\ntwo €\nthree\n';
    expect(mux(viaBlock.sink, { timestamps: true }).block(web1, [Buffer.from(text)])).toBe(true);
    mux(viaLines.sink, { timestamps: true }).lines(web1, 'stdout', lines('one', '', 'two €', 'three'));
    expect(viaBlock.text()).toBe(viaLines.text());
    expect(viaBlock.text()).toContain('web.1  | two €\n');
  });

  it('writes the same bytes through the WebAssembly kernel as through the string path, in one write', () => {
    const parts = [Buffer.from('held and joined\n'), Buffer.from('two €\n\n' + 'x'.repeat(40) + '\n')];
    const viaKernel = memorySink();
    const viaStrings = memorySink();
    const options = { timestamps: true, color: true };
    expect(mux(viaKernel.sink, options).block(worker1, parts)).toBe(true);
    expect(mux(viaStrings.sink, { ...options, kernel: null }).block(worker1, parts)).toBe(true);
    expect(viaKernel.chunks).toHaveLength(1);
    expect(viaKernel.chunks[0]).toEqual(viaStrings.chunks[0]);
    expect(viaKernel.text().split('\n').map((line) => line.replace(/\x1b\[\d+m/g, '').replace(/.*\| /, ''))).toEqual(['held and joined', 'two €', '', 'x'.repeat(40), '']);
  });

  it('declines when any part needs care, writing nothing', () => {
    const { sink, text: written } = memorySink();
    expect(mux(sink).block(web1, [Buffer.from('fine\n'), Buffer.from('bad \xff\n', 'latin1')])).toBe(false);
    expect(written()).toBe('');
  });

  it.each([
    ['JSON output', { json: true }, 'a\n'],
    ['invalid UTF-8', {}, 'bad \xff\n'],
    ['a NUL byte', {}, 'nul \0\n'],
    ['an escape sequence', {}, 'fine\n\x1b]0;title\x07\n'],
    ['an escape sequence, without the kernel', { kernel: null }, 'fine\n\x1b[2J\n'],
    ['a backspace', {}, 'a\bb\n'],
    ['a lone CR (progress)', {}, 'ok\r\n50%\r100%\n'],
    ['a CRLF, without the kernel', { kernel: null }, 'a\r\n'],
  ])('declines %s, writing nothing, so the lines take the careful path', (_, options, text) => {
    const { sink, text: written } = memorySink();
    expect(mux(sink, options).block(web1, [Buffer.from(text, 'latin1')])).toBe(false);
    expect(written()).toBe('');
  });
});

describe('Multiplexer.renderRecord: a record as it was printed (tf logs, the dashboard)', () => {
  it.each([
    ['a block, colours and timestamps on', ['one\ntwo\n', 'three\n'], { color: true, timestamps: true }],
    ['a block of CRLF lines (a terminal), printed as LF', ['one\r\ntwo\r\n'], {}],
    ['a block, without the kernel', ['one\ntwo\n', 'three\n'], { kernel: null }],
    ['lines that need care', ['bell \x07 here\n'], {}],
  ])('%s', (_what, parts, options) => {
    const out = memorySink();
    const m = mux(out.sink, options);
    const records: OutputRecord[] = [];
    m.onRecord((record) => records.push(record));
    const buffers = parts.map((part) => Buffer.from(part));
    if (!m.block(web1, buffers)) m.lines(web1, 'stdout', buffers.flatMap((part) => part.toString().slice(0, -1).split('\n').map((line) => Buffer.from(line))));
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((record) => m.renderRecord(record)).join('')).toBe(out.text());
    expect(out.text()).not.toContain('\r');
    // The dashboard's event-stream form: the same lines, each led by `data: `.
    const led = records.map((record) => String(m.renderRecordBytes(record, DATA))).join('');
    expect(led).toBe(out.text().replace(/^(?=.)/gm, 'data: '));
  });

  it('takes a CRLF block on the fast path and prints (and renders) it as LF lines', () => {
    const out = memorySink();
    const m = mux(out.sink);
    const records: OutputRecord[] = [];
    m.onRecord((record) => records.push(record));
    expect(m.block(web1, [Buffer.from('one\r\ntwo\r\n')])).toBe(true);
    expect(out.text()).toBe('web.1  | one\nweb.1  | two\n');
    expect(m.renderRecord(records[0]!)).toBe(out.text());
    // For the dashboard the kernel prefixes it again, into bytes: no string is made of a flood.
    const led = m.renderRecordBytes(records[0]!, DATA);
    expect(led).toBeInstanceOf(Buffer);
    expect(String(led)).toBe('data: web.1  | one\ndata: web.1  | two\n');
  });
});

const DATA = Buffer.from('data: ');
