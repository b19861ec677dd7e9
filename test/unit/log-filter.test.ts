import { describe, expect, it } from 'vitest';
import { grepPattern, sinceTime } from '../../src/control/log-filter.js';
import { LogTail, TAIL_BYTES_PER_SOURCE } from '../../src/control/log-tail.js';
import { jsonLines } from '../../src/control/logs-reply.js';
import type { Source } from '../../src/output/format.js';
import type { OutputLine, OutputRecord } from '../../src/output/record.js';

const NOW = Date.UTC(2026, 11, 1, 5, 0, 0);

describe('sinceTime', () => {
  it.each([
    ['10m', NOW - 600_000],
    ['2h', NOW - 7_200_000],
    ['90', NOW - 90_000],
    ['500ms', NOW - 500],
    ['2026-12-01T04:50:00Z', Date.UTC(2026, 11, 1, 4, 50)],
    ['2026-12-01T04:50:00.250+01:00', Date.UTC(2026, 11, 1, 3, 50, 0, 250)],
  ])('%s', (text, expected) => {
    expect(sinceTime(text, NOW)).toBe(expected);
  });

  it.each(['yesterday', '10 minutes', '2026-13-45T99:00Z', '-5m', ''])('refuses %j in one line', (text) => {
    expect(() => sinceTime(text, NOW)).toThrow(/^--since: ".*" is neither a duration nor a time$/);
  });
});

describe('grepPattern', () => {
  it('names a bad pattern', () => {
    expect(() => grepPattern('(')).toThrow(/^--grep: "\(" is not a regular expression/);
    expect(grepPattern('a|b').test('b')).toBe(true);
  });
});

const web1: Source = { name: 'web.1', typeIndex: 0 };
const web2: Source = { name: 'web.2', typeIndex: 0 };
const worker1: Source = { name: 'worker.1', typeIndex: 1 };
const system: Source = { name: 'system' };

const lines = (source: Source, time: number, ...texts: string[]): OutputRecord => ({ kind: 'lines', source, stream: 'stdout', time, lines: texts.map((text) => Buffer.from(text)) });
const block = (source: Source, time: number, text: string): OutputRecord => ({ kind: 'block', source, stream: 'stderr', time, parts: [Buffer.from(text)] });
const said = (time: number, text: string): OutputRecord => ({ kind: 'system', source: system, stream: 'system', time, text });
const texts = (found: OutputLine[]): string[] => found.map((line) => `${line.source.name} ${line.stream} ${String(line.text)}`);

describe('LogTail', () => {
  function filled(): LogTail {
    const tail = new LogTail();
    tail.write(said(1000, 'web.1 started'));
    tail.write(lines(web1, 1000, 'a', 'b'));
    tail.write(block(worker1, 2000, 'c\nd\n'));
    tail.write(lines(web2, 3000, '\x1b[31mERROR\x1b[0m e'));
    tail.write(lines(web1, 4000, 'f'));
    return tail;
  }

  it('merges the sources in the order printed and takes the last N', () => {
    const tail = filled();
    expect(texts(tail.tail(100, { targets: [] }))).toEqual(['system system web.1 started', 'web.1 stdout a', 'web.1 stdout b', 'worker.1 stderr c', 'worker.1 stderr d', 'web.2 stdout \x1b[31mERROR\x1b[0m e', 'web.1 stdout f']);
    expect(texts(tail.tail(3, { targets: [] }))).toEqual(['worker.1 stderr d', 'web.2 stdout \x1b[31mERROR\x1b[0m e', 'web.1 stdout f']);
    expect(tail.tail(0, { targets: [] })).toEqual([]);
  });

  it('keeps a type or a process, never a look-alike or tf itself', () => {
    const tail = filled();
    tail.write(lines({ name: 'webby.1' }, 5000, 'g'));
    expect(texts(tail.tail(100, { targets: ['web'] }))).toEqual(['web.1 stdout a', 'web.1 stdout b', 'web.2 stdout \x1b[31mERROR\x1b[0m e', 'web.1 stdout f']);
    expect(texts(tail.tail(2, { targets: ['web.1', 'worker'] }))).toEqual(['worker.1 stderr d', 'web.1 stdout f']);
  });

  it('filters by time and by pattern (colour aside), -n counting what passes', () => {
    const tail = filled();
    expect(texts(tail.tail(100, { targets: [], since: 2000 }))).toEqual(['worker.1 stderr c', 'worker.1 stderr d', 'web.2 stdout \x1b[31mERROR\x1b[0m e', 'web.1 stdout f']);
    expect(texts(tail.tail(100, { targets: [], grep: /^ERROR e$/ }))).toEqual(['web.2 stdout \x1b[31mERROR\x1b[0m e']);
    expect(texts(tail.tail(1, { targets: [], since: 1500, grep: /^[a-d]$/ }))).toEqual(['worker.1 stderr d']);
    expect(texts(tail.tail(100, { targets: [], since: 1500, grep: /^[ab]$/ }))).toEqual([]);
  });

  it('bounds each source on its own: a flood from one keeps the others', () => {
    const tail = filled();
    const chunk = `${'x'.repeat(99)}\n`.repeat(1000);
    for (let i = 0; i < 50; i++) tail.write(block(worker1, 5000, chunk));
    const kept = tail.tail(10_000, { targets: ['worker'] });
    expect(kept.length * 100).toBeLessThanOrEqual(TAIL_BYTES_PER_SOURCE + chunk.length);
    expect(kept.length * 100).toBeGreaterThanOrEqual(TAIL_BYTES_PER_SOURCE - chunk.length);
    expect(texts(tail.tail(100, { targets: ['web'] }))).toEqual(['web.1 stdout a', 'web.1 stdout b', 'web.2 stdout \x1b[31mERROR\x1b[0m e', 'web.1 stdout f']);
  });

  it('feeds each record to a subscriber until it unsubscribes', () => {
    const tail = new LogTail();
    const seen: string[] = [];
    const stop = tail.subscribe((record) => seen.push(record.source.name));
    tail.write(lines(web1, 1, 'a'));
    stop();
    tail.write(lines(web2, 2, 'b'));
    expect(seen).toEqual(['web.1']);
  });
});

describe('jsonLines', () => {
  it('writes one plain record a line, colour codes dropped', () => {
    const tail = new LogTail();
    tail.write(lines(web2, Date.UTC(2026, 11, 1, 4, 50, 0, 123), '\x1b[31mERROR\x1b[0m "e"'));
    expect(jsonLines(tail.tail(1, { targets: [] }))).toBe('{"time":"2026-12-01T04:50:00.123Z","name":"web.2","stream":"stdout","line":"ERROR \\"e\\""}\n');
  });
});
