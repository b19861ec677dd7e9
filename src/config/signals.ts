import { constants } from 'node:os';

/** "TERM", "sigterm" or "SIGTERM" -> "SIGTERM"; undefined for a name the OS does not know. */
export function parseSignal(input: string): NodeJS.Signals | undefined {
  const upper = input.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name in constants.signals ? (name as NodeJS.Signals) : undefined;
}

export function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}

/** The exit status a shell reports for a process ended by a signal. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + signalNumber(signal);
}
