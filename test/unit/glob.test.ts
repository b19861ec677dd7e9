import { describe, expect, it } from 'vitest';
import { matcher } from '../../src/control/glob.js';

describe('watch globs', () => {
  it.each([
    ['*.js', 'a.js', true],
    ['*.js', 'src/deep/a.js', true],
    ['*.js', 'a.jsx', false],
    ['src/*.js', 'src/a.js', true],
    ['src/*.js', 'src/x/a.js', false],
    ['src/**/*.js', 'src/a.js', true],
    ['src/**/*.js', 'src/x/y/a.js', true],
    ['src/**', 'src/x/y', true],
    ['src', 'src/x/y.txt', true],
    ['src', 'srcs/a', false],
    ['./lib/?.ts', 'lib/a.ts', true],
    ['lib/?.ts', 'lib/ab.ts', false],
    ['*.{js,ts}', 'x/a.ts', true],
    ['*.{js,ts}', 'a.css', false],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'b.txt', false],
    ['a+b.(1).txt', 'a+b.(1).txt', true],
    ['a+b.(1).txt', 'aab.(1).txt', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(matcher([glob])(path)).toBe(expected);
  });
});
