import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/output/line-splitter.js';

type Line = [text: string, split: boolean];

/** Feeds the chunks in order, then flushes; returns each emitted line with its split flag. */
function run(chunks: Buffer[], maxLineBytes?: number): Line[] {
  const splitter = new LineSplitter(maxLineBytes);
  const out: Line[] = [];
  const emit = (line: Buffer, split: boolean) => out.push([line.toString('utf8'), split]);
  for (const chunk of chunks) splitter.push(chunk, emit);
  splitter.flush(emit);
  return out;
}

/** Same, but returns raw bytes, to prove no character was cut. */
function runBytes(chunks: Buffer[], maxLineBytes?: number): Buffer[] {
  const splitter = new LineSplitter(maxLineBytes);
  const out: Buffer[] = [];
  for (const chunk of chunks) splitter.push(chunk, (line) => out.push(Buffer.from(line)));
  splitter.flush((line) => out.push(Buffer.from(line)));
  return out;
}

const b = (text: string): Buffer => Buffer.from(text, 'utf8');
const whole = (...lines: string[]): Line[] => lines.map((line) => [line, false]);

describe('LineSplitter', () => {
  it.each<[string, string[], Line[]]>([
    ['one line', ['hello\n'], whole('hello')],
    ['several lines in one chunk', ['a\nb\nc\n'], whole('a', 'b', 'c')],
    ['a line across chunks', ['hel', 'lo\nwor', 'ld\n'], whole('hello', 'world')],
    ['empty LF lines are kept', ['a\n\n\nb\n'], whole('a', '', '', 'b')],
    ['a lone newline', ['\n'], whole('')],
    ['CRLF is one break', ['a\r\nb\r\n'], whole('a', 'b')],
    ['CR at the end of one chunk, LF at the start of the next', ['a\r', '\nb\r', '\n'], whole('a', 'b')],
    ['an empty chunk between CR and LF', ['a\r', '', '\nb\n'], whole('a', 'b')],
    ['a lone CR breaks (progress bars)', ['10%\r50%\r100%\n'], whole('10%', '50%', '100%')],
    ['a CR at the very end of the stream', ['done\r'], whole('done')],
    ['empty CR segments are dropped', ['\r\r10%\r\r\r50%\r\n'], whole('10%', '50%')],
    ['LF then CR', ['a\n\rb\n'], whole('a', 'b')],
    ['a final partial line is flushed', ['a\nno newline'], whole('a', 'no newline')],
    ['a final partial line across chunks', ['par', 'tial'], whole('partial')],
    ['nothing', [], []],
    ['only empty chunks', ['', ''], []],
  ])('%s', (_case, chunks, expected) => {
    expect(run(chunks.map(b))).toEqual(expected);
  });

  it('flushes nothing after a complete last line', () => {
    const splitter = new LineSplitter();
    const out: string[] = [];
    splitter.push(b('a\n'), (line) => out.push(line.toString()));
    splitter.flush((line) => out.push(line.toString()));
    splitter.flush((line) => out.push(line.toString()));
    expect(out).toEqual(['a']);
  });

  it.each([
    ['2-byte', 'é'],
    ['3-byte', '€'],
    ['4-byte', '🎉'],
  ])('keeps a %s character split across pushes intact', (_case, char) => {
    const bytes = b(`x${char}y\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(run([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole(`x${char}y`));
    }
  });

  describe('lines longer than maxLineBytes', () => {
    it.each<[string, string[], number, Line[]]>([
      ['arriving in pieces', ['abcd', 'efgh', 'ij\n'], 4, [['abcd', true], ['efgh', true], ['ij', false]]],
      ['arriving whole', ['abcdefghij\n'], 4, [['abcd', true], ['efgh', true], ['ij', false]]],
      ['partly held, then whole', ['abc', 'defghij\nk\n'], 4, [['abcd', true], ['efgh', true], ['ij', false], ['k', false]]],
      ['ending with CR', ['abcdefghij\r'], 4, [['abcd', true], ['efgh', true], ['ij', false]]],
      ['exactly the limit is not split', ['abcd\n', 'efgh'], 4, whole('abcd', 'efgh')],
      ['never flushed', ['abcdefghij'], 4, [['abcd', true], ['efgh', true], ['ij', false]]],
    ])('%s', (_case, chunks, max, expected) => {
      expect(run(chunks.map(b), max)).toEqual(expected);
    });

    it.each([
      ['2-byte', 'é'],
      ['3-byte', '€'],
      ['4-byte', '🎉'],
    ])('does not cut a %s character', (_case, char) => {
      const text = `ab${char.repeat(20)}cd`;
      for (const max of [4, 5, 6, 7]) {
        const pieces = runBytes([b(`${text}\n`)], max);
        for (const piece of pieces) {
          expect(piece.length).toBeLessThanOrEqual(max);
          expect(piece.toString('utf8')).not.toContain('\uFFFD');
        }
        expect(Buffer.concat(pieces).toString('utf8')).toBe(text);
      }
    });
  });

  describe('any chunking gives the same lines', () => {
    // Every feature at once: multi-byte characters, CRLF, lone CRs, empty CR segments, empty LF lines,
    // a line over the 16-byte limit whose cut falls inside a character, and a last line without a newline.
    const input = b('héllo wörld\r\n\n€uro\r\r\n50%\r100%\r\nx🎉🎉🎉🎉🎉 party\n\n\rlast €');
    const max = 16;
    const expected: Line[] = [
      ['héllo wörld', false],
      ['', false],
      ['€uro', false],
      ['50%', false],
      ['100%', false],
      ['x🎉🎉🎉', true],
      ['🎉🎉 party', false],
      ['', false],
      ['last €', false],
    ];

    /** A small deterministic PRNG, so a failure can be replayed from its seed. */
    function random(seed: number): () => number {
      let state = seed >>> 0;
      return () => {
        state = (state * 1_664_525 + 1_013_904_223) >>> 0;
        return state / 2 ** 32;
      };
    }

    function chunked(bytes: Buffer, next: () => number): Buffer[] {
      const chunks: Buffer[] = [];
      let at = 0;
      while (at < bytes.length) {
        // Sizes from 0 (an empty read) up to 8 bytes.
        const size = Math.floor(next() * 9);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      return chunks;
    }

    it('in one chunk', () => {
      expect(run([input], max)).toEqual(expected);
    });

    it('byte by byte', () => {
      expect(run([...input].map((byte) => Buffer.from([byte])), max)).toEqual(expected);
    });

    it('cut at every single position', () => {
      for (let cut = 0; cut <= input.length; cut++) {
        expect(run([input.subarray(0, cut), input.subarray(cut)], max), `cut at ${cut}`).toEqual(expected);
      }
    });

    it('in 500 random chunkings', () => {
      for (let seed = 1; seed <= 500; seed++) {
        const chunks = chunked(input, random(seed));
        expect(run(chunks, max), `seed ${seed}: ${chunks.map((c) => c.length).join(',')}`).toEqual(expected);
      }
    });
  });
});

describe('blank lines written with CRLF', () => {
  it.each<[string, string[], string[]]>([
    ['in one read', ['a\r\n\r\nb'], ['a', '', 'b']],
    ['CR and LF of the blank line in two reads', ['a\r\n\r', '\nb'], ['a', '', 'b']],
    ['a lone CR then CRLF is no blank line', ['a\r', '\r\nb'], ['a', 'b']],
    ['a CRLF split by an empty read', ['a\r', '', '\nb'], ['a', 'b']],
    ['a blank CRLF line at the very start', ['\r\nx'], ['', 'x']],
  ])('%s', (_, chunks, lines) => {
    expect(run(chunks.map(b))).toEqual(whole(...lines));
  });
});

describe('takeBlock: the fast path hands out whole lines at once', () => {
  it('returns the held start of a line with the whole lines after it, and leaves the rest', () => {
    const splitter = new LineSplitter(64);
    splitter.push(b('hel'), () => {});
    const chunk = b('lo\nworld\npart');
    const taken = splitter.takeBlock(chunk);
    expect(taken?.parts.map(String)).toEqual(['hello\n', 'world\n']);
    expect(taken?.rest.toString()).toBe('part');
    // Only the held line is copied: the other lines are the read's own bytes.
    expect(taken?.parts[1]?.buffer).toBe(chunk.buffer);
  });

  it('returns a read of whole lines as one part, without copying it', () => {
    const splitter = new LineSplitter(64);
    const chunk = b('a\nb\n');
    const taken = splitter.takeBlock(chunk);
    expect(taken?.parts.map(String)).toEqual(['a\nb\n']);
    expect(taken?.parts[0]?.buffer).toBe(chunk.buffer);
    expect(taken?.rest.length).toBe(0);
  });

  it('returns only the joined line when the held line ends at the read\'s last LF', () => {
    const splitter = new LineSplitter(64);
    splitter.push(b('hel'), () => {});
    const taken = splitter.takeBlock(b('lo\nmore'));
    expect(taken?.parts.map(String)).toEqual(['hello\n']);
    expect(taken?.rest.toString()).toBe('more');
  });

  it('hands out CRs with the lines: a CRLF is a line end to the caller, a lone CR its cue to push() them', () => {
    const splitter = new LineSplitter(64);
    const taken = splitter.takeBlock(b('a\r\nb\rc\nd\r'));
    expect(taken?.parts.map(String)).toEqual(['a\r\nb\rc\n']);
    expect(taken?.rest.toString()).toBe('d\r');
  });

  it.each<[string, string[], string]>([
    ['a CR held from the last read', ['x\r'], 'a\n'],
    ['no LF in the read', [], 'abc'],
    ['a read that would pass the line limit', ['0123456789'], `${'y'.repeat(60)}\n`],
  ])('declines %s', (_, before, chunk) => {
    const splitter = new LineSplitter(64);
    for (const part of before) splitter.push(b(part), () => {});
    expect(splitter.takeBlock(b(chunk))).toBeUndefined();
  });
});
