import { formatDuration } from '../config/duration.js';
import { signalExitCode } from '../config/signals.js';

/** Why the supervisor is stopping everything; it fixes tf's exit status. */
export type StopReason =
  | { kind: 'signal'; signal: NodeJS.Signals }
  /** `tf quit` (drain, as on SIGTERM) or `tf kill` (SIGKILL at once) from another terminal. */
  | { kind: 'request'; command: 'quit' | 'kill' }
  | { kind: 'exit'; name: string; status: number }
  | { kind: 'all-exited'; status: number }
  | { kind: 'output-closed' };

/** 141 = 128 + SIGPIPE, what a shell reports for a writer whose reader went away. */
const OUTPUT_CLOSED_STATUS = 141;

export function exitStatusOf(reason: StopReason): number {
  switch (reason.kind) {
    case 'signal':
      return signalExitCode(reason.signal);
    case 'request':
      return signalExitCode(reason.command === 'quit' ? 'SIGTERM' : 'SIGKILL');
    case 'exit':
    case 'all-exited':
      return reason.status;
    case 'output-closed':
      return OUTPUT_CLOSED_STATUS;
  }
}

/** A process's exit as a shell reports it: its code, or 128 + n when a signal ended it. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal ? signalExitCode(signal) : 1;
}

export function describeExit(name: string, code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `${name} was terminated by ${signal}`;
  if (code === 127) return `${name} exited with code 127 (command not found: check its command in the Procfile and PATH)`;
  if (code === 126) return `${name} exited with code 126 (command not executable: check its permissions)`;
  return `${name} exited with code ${code ?? 'unknown'}`;
}

/** ORDER ("web, worker; then postgres") when depends_on orders the stop; otherwise all at once. */
export function describeStop(reason: StopReason, drainMs: number, order?: string): string {
  if (isKill(reason)) return `${causeOf(reason)}, killing all processes now`;
  const each = order ? ' each' : '';
  const tail = drainMs > 0 ? ` (waiting up to ${formatDuration(drainMs)}${each}; Ctrl-C again to kill now)` : '';
  return `${causeOf(reason)}, stopping ${order ?? 'all processes'}${tail}`;
}

function causeOf(reason: StopReason): string {
  switch (reason.kind) {
    case 'signal':
      return `received ${reason.signal}`;
    case 'request':
      return `tf ${reason.command} was run`;
    case 'exit':
      return `${reason.name} has exited`;
    case 'all-exited':
      return 'no process is left running';
    case 'output-closed':
      return 'output closed';
  }
}

/** `tf kill`: no drain, SIGKILL to every process group at once. */
export function isKill(reason: StopReason): boolean {
  return reason.kind === 'request' && reason.command === 'kill';
}
