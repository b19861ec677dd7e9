import { controlRequest } from '../control/client.js';
import { controlTarget, type ControlFlags } from './control-target.js';

/**
 * `tf quit` (drain everything, as on SIGTERM) and `tf kill` (SIGKILL everything at once): stops the
 * whole running tf start from another terminal, and returns once it has stopped (its socket
 * closes as it exits), so a script can go on knowing nothing of the app is left.
 */
export function quitCommand(command: 'quit' | 'kill'): (flags: ControlFlags) => Promise<number> {
  return async (flags) => {
    const target = controlTarget(flags);
    await controlRequest(target, { cmd: command }, () => {});
    process.stdout.write(`tf start in ${target.root} has stopped\n`);
    return 0;
  };
}
