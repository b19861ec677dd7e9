import { expect } from 'vitest';
import { TfError } from '../../src/util/errors.js';

/** Runs `run`, expects it to throw a TfError, and returns it so the test can check message and hint. */
export function tfError(run: () => unknown): TfError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TfError);
    return error as TfError;
  }
  throw new Error('expected a TfError, but nothing was thrown');
}
