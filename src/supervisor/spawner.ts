import { plainEnvironment, type Environment } from '../config/env.js';
import { contain, type Contained, type ContainedEvents } from '../platform/containment.js';
import { shellScript } from './shell-command.js';

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
export type Spawn = (request: SpawnRequest, events: ContainedEvents) => Contained;

/**
 * `/bin/sh -c COMMAND` (with `exec` where that is safe), contained (src/platform/containment.ts):
 * its own session and process group, stdin from /dev/null, stdout and stderr piped to tf.
 */
export const spawnContained: Spawn = (request, events) =>
  contain({ file: '/bin/sh', args: ['-c', shellScript(request.command)], cwd: request.cwd, env: request.env, output: request.output ?? 'pipe' }, events);
