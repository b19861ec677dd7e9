import { describe, expect, it } from 'vitest';
import { parseSize, readSize } from '../../src/config/size.js';

describe('parseSize', () => {
  it.each([
    ['10M', 10 * 1024 * 1024],
    ['512K', 512 * 1024],
    ['1G', 1024 ** 3],
    ['10MB', 10 * 1024 * 1024],
    ['10 MiB', 10 * 1024 * 1024],
    ['1.5k', 1536],
    ['2048', 2048],
    [4096, 4096],
  ])('%j is %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each(['', 'ten', '10 parsecs', '-1M', '1T', 1.5, -3, null, '9'.repeat(30)])('%j is not a size', (input) => {
    expect(parseSize(input)).toBeUndefined();
  });
});

describe('readSize: a size that names its unit (memory_limit)', () => {
  it.each([
    ['512M', 512 * 1024 ** 2],
    ['512Mi', 512 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    ['800kb', 800 * 1024],
  ])('%j is %d bytes', (input, bytes) => {
    expect(readSize(input)).toEqual({ ok: true, bytes });
  });

  it.each(['512', 512, '0M', '512B', 'lots', '5i'])('%j is refused, with a hint naming the units', (input) => {
    const reading = readSize(input);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.hint).toMatch(/K, M or G/);
  });
});
