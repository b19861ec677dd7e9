import { spawn, type ChildProcess } from 'node:child_process';
import { plainEnvironment, type Environment } from '../config/env.js';
import { errnoCode } from '../util/errors.js';
import { loadOnce } from '../util/load-once.js';
import { shellScript } from './shell-command.js';

const treeKill = loadOnce(() => require('tree-kill') as typeof import('tree-kill'));

export interface SpawnRequest {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** 'ignore' for a ready-check command, whose output nobody reads. Default: piped to tf. */
  output?: 'pipe' | 'ignore';
}

/** A process's environment as it is spawned: its spec's, plus what the supervisor adds (its marker, FORCE_COLOR). */
export function spawnEnvironment(env: Environment, extra: Record<string, string>): Record<string, string> {
  return { ...plainEnvironment(env), ...extra };
}

/** Starts one process; a parameter of the supervisor so tests can see what it spawns. */
export type Spawn = (request: SpawnRequest) => ChildProcess;

/**
 * `/bin/sh -c COMMAND` (with `exec` where that is safe) as the leader of a new process group (detached), stdin from /dev/null,
 * stdout and stderr piped. Signalling the group reaches the shell and everything it started.
 */
export const spawnInGroup: Spawn = (request) =>
  spawn('/bin/sh', ['-c', shellScript(request.command)], {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ['ignore', request.output ?? 'pipe', request.output ?? 'pipe'],
  });

/** Signals a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
    throw error;
  }
}

export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs a process and every descendant still attached to it, including ones that moved to a
 * group of their own (which a group kill misses). tree-kill walks the tree with ps, so it works
 * where /proc does not (macOS); it is loaded only when something actually needs killing.
 */
export async function killTree(pid: number): Promise<void> {
  await new Promise<void>((resolve) => treeKill()(pid, 'SIGKILL', () => resolve()));
}
