import { formatDuration } from '../config/duration.js';
import { CrashHistory } from './backoff.js';
import type { Slot } from './slot.js';

/** What to do about a process that exited on its own while tf runs. */
export type CrashDecision =
  | { kind: 'stop-all' }
  | { kind: 'restart'; delayMs: number; message: string }
  | { kind: 'give-up'; messages: string[] }
  | { kind: 'let-go' };

/**
 * Applies the slot's crash policy (recording the crash for `restart`); pure but for the slot's
 * history. The process's last lines are asked for only when tf gives up on it.
 */
export function decideOnCrash(slot: Slot, now: number, uptimeMs: number, recentLines: () => string[]): CrashDecision {
  const policy = slot.spec.restart;
  if (policy.kind === 'stop') return { kind: 'stop-all' };
  if (policy.kind === 'ignore') return { kind: 'let-go' };
  slot.crashes ??= new CrashHistory(policy);
  const delayMs = slot.crashes.record(now, uptimeMs);
  const within = `${policy.limit} allowed in ${formatDuration(policy.windowMs)}`;
  if (delayMs !== undefined) {
    return { kind: 'restart', delayMs, message: `restarting ${slot.spec.name} in ${formatDuration(delayMs)} (crash ${slot.crashes.crashesInWindow} of ${within})` };
  }
  const recent = recentLines();
  const times = policy.limit === 1 ? 'once' : `${policy.limit} times`;
  const head = `${slot.spec.name} crashed ${times} within ${formatDuration(policy.windowMs)}; not restarting it${recent.length ? '. Its last lines:' : ''}`;
  return { kind: 'give-up', messages: [head, ...recent.map((line) => `  ${line}`)] };
}
