import { controlRequest } from '../control/client.js';
import { controlTarget, type ControlFlags } from './control-target.js';

export async function restart(targets: string[], flags: ControlFlags): Promise<number> {
  const { restarted } = (await controlRequest(controlTarget(flags), { cmd: 'restart', targets })) as { restarted: string[] };
  process.stdout.write(restarted.length ? `restarted ${restarted.join(', ')}\n` : 'nothing to restart\n');
  return 0;
}

export async function stop(targets: string[], flags: ControlFlags): Promise<number> {
  const { stopped } = (await controlRequest(controlTarget(flags), { cmd: 'stop', targets })) as { stopped: string[] };
  process.stdout.write(stopped.length ? `stopped ${stopped.join(', ')}\n` : 'nothing to stop\n');
  return 0;
}
