import { controlRequest } from '../control/client.js';
import type { RestartResult } from '../supervisor/live-control.js';
import { controlTarget, type ControlFlags } from './control-target.js';

export interface RestartFlags extends ControlFlags {
  withDependents?: boolean;
}

/** Exit 1 when a process did not come back up, naming it and why; the others are still reported. */
export async function restart(targets: string[], flags: RestartFlags): Promise<number> {
  const request = { cmd: 'restart' as const, targets, ...(flags.withDependents ? { dependents: true } : {}) };
  const { restarted, failed = [] } = (await controlRequest(controlTarget(flags), request)) as RestartResult;
  if (restarted.length > 0 || failed.length === 0) process.stdout.write(restarted.length ? `restarted ${restarted.join(', ')}\n` : 'nothing to restart\n');
  for (const { name, why } of failed) process.stderr.write(`tf: ${name} did not come back up: ${why} (see its output with tf logs)\n`);
  return failed.length > 0 ? 1 : 0;
}

export async function stop(targets: string[], flags: ControlFlags): Promise<number> {
  const { stopped } = (await controlRequest(controlTarget(flags), { cmd: 'stop', targets })) as { stopped: string[] };
  process.stdout.write(stopped.length ? `stopped ${stopped.join(', ')}\n` : 'nothing to stop\n');
  return 0;
}
