import { expect } from 'vitest';
import type { TfResult } from './tf.js';

/** tf failed with exactly one line on stderr matching `message`, no stack trace, and status `code`. */
export function expectOneLineError(result: TfResult, message: RegExp, code = 1): void {
  const context = `exit ${result.code ?? result.signal}, stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, context).toBe(code);
  expect(result.stderr, context).toMatch(/^tf: [^\n]+\n$/);
  expect(result.stderr.trimEnd(), context).toMatch(message);
}
