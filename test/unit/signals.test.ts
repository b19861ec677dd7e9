import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseSignal, signalExitCode, signalNumber } from '../../src/config/signals.js';

describe('parseSignal', () => {
  it.each([
    ['TERM', 'SIGTERM'],
    ['term', 'SIGTERM'],
    ['SIGTERM', 'SIGTERM'],
    ['sigint', 'SIGINT'],
    [' QUIT ', 'SIGQUIT'],
    ['Hup', 'SIGHUP'],
    ['usr2', 'SIGUSR2'],
    ['KILL', 'SIGKILL'],
  ])('%j is %s', (input, signal) => {
    expect(parseSignal(input)).toBe(signal);
  });

  it.each(['', 'SIG', 'NOPE', 'SIGNOPE', '15', 'SIG TERM'])('%j is not a signal', (input) => {
    expect(parseSignal(input)).toBeUndefined();
  });
});

describe('signalNumber and signalExitCode', () => {
  // POSIX fixes these numbers on every platform tf runs on.
  it.each<[NodeJS.Signals, number]>([
    ['SIGHUP', 1],
    ['SIGINT', 2],
    ['SIGQUIT', 3],
    ['SIGKILL', 9],
    ['SIGTERM', 15],
  ])('%s is %i, and a shell reports 128 + %i', (signal, n) => {
    expect(signalNumber(signal)).toBe(n);
    expect(signalExitCode(signal)).toBe(128 + n);
  });

  it('agrees with the OS for every signal it knows', () => {
    for (const [name, n] of Object.entries(constants.signals)) {
      expect(signalExitCode(name as NodeJS.Signals)).toBe(128 + n);
    }
  });
});
