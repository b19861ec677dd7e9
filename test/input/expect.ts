import { expect } from 'vitest';
import type { TfResult } from '../helpers/tf.js';

/**
 * Bad input through the built binary: exit 1, exactly one stderr line "tf: ... (fix)", no stack
 * trace, no "internal error", nothing on stdout.
 */
export function expectOneLineError(result: TfResult, message: RegExp): void {
  const context = `exit ${result.code}, stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.stderr, context).not.toMatch(/internal error|^\s+at /m);
  expect(result.stderr, context).toMatch(/^tf: [^\n]+ \(.*\S.*\)\n$/);
  expect(result.stderr.trimEnd(), context).toMatch(message);
  expect(result.stdout, context).toBe('');
  expect(result.signal, context).toBeNull();
  expect(result.code, context).toBe(1);
}
