import { constants } from 'node:os';

/** The kernel's number for a signal name (SIGTERM -> 15). */
export function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal];
}

/** The name for a signal number (15 -> SIGTERM), null if Node does not know it. */
export function signalName(number: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(constants.signals)) if (value === number) return name as NodeJS.Signals;
  return null;
}
