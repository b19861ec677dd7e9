import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NEEDS_CARE, PrefixKernel } from '../../src/output/prefix-kernel.js';
// @ts-expect-error: a plain .mjs build script, without types of its own
import { assemble } from '../../scripts/build-wasm.mjs';

const kernel = PrefixKernel.load();
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** What the kernel must produce, one line at a time. */
function expected(prefix: Buffer, parts: Buffer[]): Buffer {
  const all = Buffer.concat(parts);
  const out: Buffer[] = [];
  let start = 0;
  for (let end = all.indexOf(10); end !== -1; start = end + 1, end = all.indexOf(10, start)) out.push(prefix, all.subarray(start, end + 1));
  return Buffer.concat(out);
}

/** A deterministic byte generator, so a failure can be replayed. */
function generator(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  };
}

function randomLines(next: (below: number) => number, count: number): Buffer {
  const lines: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const length = next(4) === 0 ? next(3) : next(200);
    const line = Buffer.alloc(length + 1);
    // Any byte but the ones that need care (controls, DEL, the C1 lead byte 0xC2).
    for (let j = 0; j < length; j++) line[j] = ((byte) => (byte === 0x7f || byte === 0xc2 ? 0x41 : byte))(0x20 + next(224));
    line[length] = 10;
    lines.push(line);
  }
  return Buffer.concat(lines);
}

describe('PrefixKernel', () => {
  it('is built from the committed prefix-lines.wat', async () => {
    const committed = readFileSync(new URL('../../src/output/prefix-lines-wasm.ts', import.meta.url), 'utf8');
    expect(await assemble()).toBe(committed);
  });

  it('loads on this Node', () => {
    expect(kernel).toBeInstanceOf(PrefixKernel);
  });

  it.each([1, 9, 15, 16, 17, 31, 32, 33, 200])('puts a %i-byte prefix before lines of every length around the vector size', (prefixLength) => {
    const prefix = ascii('p'.repeat(prefixLength - 1) + '|');
    const lines = Array.from({ length: 70 }, (_, n) => ascii(`${'abcdefghij'.repeat(7).slice(0, n)}\n`));
    const block = Buffer.concat(lines);
    expect(kernel!.prefixLines(prefix, [block])).toEqual(expected(prefix, [block]));
  });

  it('matches the line-by-line result on random lines, prefixes and splits into parts', () => {
    const next = generator(7);
    for (let round = 0; round < 300; round++) {
      const prefix = ascii('x'.repeat(1 + next(60)));
      const block = randomLines(next, 1 + next(50));
      const cut = block.indexOf(10, next(block.length)) + 1;
      const parts = cut > 0 && cut < block.length ? [block.subarray(0, cut), block.subarray(cut)] : [block];
      expect(kernel!.prefixLines(prefix, parts), `round ${round}`).toEqual(expected(prefix, parts));
    }
  });

  it('keeps multi-byte characters, empty lines and the bytes of a 64 KiB read as they were', () => {
    const block = Buffer.from(`€ ünïcödé 🎉\n\n${'y'.repeat(80)}\n`.repeat(500));
    const prefix = ascii('\x1b[36mweb.1 |\x1b[0m ');
    expect(kernel!.prefixLines(prefix, [block])).toEqual(expected(prefix, [block]));
  });

  it.each<[string, Buffer, Buffer[]]>([
    ['a block larger than its memory', ascii('w | '), [Buffer.alloc(300 * 1024, 10)]],
    ['lines so much shorter than the prefix that the output would not fit', ascii('p'.repeat(40)), [Buffer.alloc(100 * 1024, 10)]],
    ['a prefix longer than its room', ascii('p'.repeat(2000)), [ascii('a\n')]],
    ['a part that does not end in LF', ascii('w | '), [ascii('a\nb')]],
  ])('declines %s, and works again after', (_, prefix, parts) => {
    expect(kernel!.prefixLines(prefix, parts)).toBeUndefined();
    expect(kernel!.prefixLines(ascii('w | '), [ascii('a\n')])?.toString()).toBe('w | a\n');
  });

  it.each([[0x00], [0x01], [0x07], [0x08], [0x0b], [0x0d], [0x1b], [0x1f], [0x7f], [0xc2, 0x80], [0xc2, 0x9b], [0xc2, 0x9f]])('refuses %i %s at every position around the vector size, writing nothing', (...bytes) => {
    for (let at = 0; at < 40; at++) {
      const line = Buffer.alloc(42, 0x61);
      line.set(bytes, at);
      line[41] = 10;
      expect(kernel!.prefixLines(ascii('w | '), [ascii('ok\n'), line]), `at ${at}`).toBe(NEEDS_CARE);
    }
  });

  it('ends a line at a CRLF (a terminal\'s newline) as at an LF, at every position around the vector size', () => {
    for (let length = 0; length < 40; length++) {
      const line = `${'a'.repeat(length)}\r\n`;
      const block = ascii(`${line}\r\nok\r\n${line}`);
      expect(kernel!.prefixLines(ascii('w | '), [block])?.toString(), `length ${length}`).toBe(`w | ${'a'.repeat(length)}\nw | \nw | ok\nw | ${'a'.repeat(length)}\n`);
    }
  });

  it('matches the line-by-line result on random CRLF lines split into parts, the cut between CR and LF too', () => {
    const next = generator(11);
    for (let round = 0; round < 200; round++) {
      const prefix = ascii('x'.repeat(1 + next(40)));
      const lf = randomLines(next, 1 + next(40));
      const block = Buffer.from(lf.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
      const cut = block.indexOf(10, next(block.length)) + 1;
      const parts = cut > 0 && cut < block.length ? [block.subarray(0, cut), block.subarray(cut)] : [block];
      expect(kernel!.prefixLines(prefix, parts), `round ${round}`).toEqual(expected(prefix, [lf]));
    }
  });

  it.each(['a\rb\n', 'a\r\r\n', '\r\n\rx', 'a\r\n\rb\n'])('still refuses a CR that no LF follows: %j', (text) => {
    const block = ascii(text.endsWith('\n') ? text : `${text}\n`);
    expect(kernel!.prefixLines(ascii('w | '), [block])).toBe(NEEDS_CARE);
  });

  it('takes Latin-1 characters that share the C1 lead byte (©, °, NBSP) at every position', () => {
    for (let at = 0; at < 40; at++) {
      const line = Buffer.concat([Buffer.alloc(at, 0x61), Buffer.from('© °\u00a0\n')]);
      expect(kernel!.prefixLines(ascii('w | '), [line]), `at ${at}`).toEqual(Buffer.concat([ascii('w | '), line]));
    }
  });

  it('lets TAB through, and never counts stale bytes past the end of a block', () => {
    expect(kernel!.prefixLines(ascii('w | '), [ascii('a\tb\n')])?.toString()).toBe('w | a\tb\n');
    // The memory after the next block still holds these ESC bytes.
    expect(kernel!.prefixLines(ascii('w | '), [ascii(`aaaaa\n${'\x1b'.repeat(60)}\n`)])).toBe(NEEDS_CARE);
    for (const length of [1, 5, 15, 16, 17]) expect(kernel!.prefixLines(ascii('w | '), [ascii(`${'a'.repeat(length - 1)}\n`)])?.toString()).toBe(`w | ${'a'.repeat(length - 1)}\n`);
  });

  it('returns a copy that later calls do not overwrite', () => {
    const first = kernel!.prefixLines(ascii('1 '), [ascii('one\n')]);
    kernel!.prefixLines(ascii('2 '), [ascii('two\n')]);
    expect(first?.toString()).toBe('1 one\n');
  });
});
