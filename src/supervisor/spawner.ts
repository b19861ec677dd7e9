import { plainEnvironment, type Environment } from '../config/env.js';
import { contain, type Contained, type ContainedEvents, type TerminalSize } from '../platform/containment.js';
import { shellScript } from './shell-command.js';

export interface SpawnRequest {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** 'ignore' for a ready-check command, whose output nobody reads. Default: piped to tf. */
  output?: 'pipe' | 'ignore';
  /** The capacity of each output pipe, from pipeBytesFor(). */
  pipeBytes?: number;
  /** Run it on a pseudo-terminal of this size (tty mode): stdin, stdout and stderr are that terminal. */
  tty?: TerminalSize;
}

/**
 * Linux charges pipe buffers to their user and, past fs.pipe-user-pages-soft (64 MiB by default),
 * gives that user's new pipes one page each and refuses to grow them: every program of the user then
 * crawls. So one tf start keeps all its pipes within a quarter of that, and a small formation gets big
 * pipes (a chatty process then blocks, and switches, far less often: ~10% more throughput at 1 MiB).
 */
const PIPE_BUDGET_BYTES = 16 * 1024 * 1024;
const MIN_PIPE_BYTES = 64 * 1024;
const MAX_PIPE_BYTES = 1024 * 1024;

/** The capacity of each of a process's two output pipes when tf runs PROCESSES of them: a power of two. */
export function pipeBytesFor(processes: number): number {
  const share = PIPE_BUDGET_BYTES / (2 * Math.max(1, processes));
  return Math.min(MAX_PIPE_BYTES, Math.max(MIN_PIPE_BYTES, 2 ** Math.floor(Math.log2(share))));
}

/** A process's environment as it is spawned: its spec's, plus what the supervisor adds (its marker, FORCE_COLOR). */
export function spawnEnvironment(env: Environment, extra: Record<string, string>): Record<string, string> {
  return { ...plainEnvironment(env), ...extra };
}

/** Starts one process; a parameter of the supervisor so tests can see what it spawns. */
export type Spawn = (request: SpawnRequest, events: ContainedEvents) => Contained;

/**
 * `/bin/sh -c COMMAND` (with `exec` where that is safe), contained (src/platform/containment.ts):
 * its own session and process group, stdin from /dev/null, stdout and stderr piped to tf (or, in
 * tty mode, a pseudo-terminal as its stdin, stdout and stderr).
 */
export const spawnContained: Spawn = (request, events) =>
  contain({ file: '/bin/sh', args: ['-c', shellScript(request.command)], cwd: request.cwd, env: request.env, output: request.output ?? 'pipe', pipeBytes: request.pipeBytes, ...(request.tty ? { tty: request.tty } : {}) }, events);
