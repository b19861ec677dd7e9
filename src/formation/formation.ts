import type { Environment } from '../config/env.js';
import { withVariables } from '../config/env.js';
import type { ProcessType } from '../config/procfile.js';
import type { ReadyCheck, RestartPolicy, Settings } from '../config/settings.js';
import type { Scale } from './scale.js';
import { TfError } from '../util/errors.js';

/** One process to run, fully resolved: the supervisor needs nothing else. */
export interface ProcessSpec {
  /** "web.2" */
  name: string;
  type: string;
  /** 1-based instance number within its type. */
  instance: number;
  /** Position of the type in the Procfile (release excluded); fixes its port block and color. */
  typeIndex: number;
  command: string;
  cwd: string;
  env: Environment;
  port: number;
  stopSignal: NodeJS.Signals;
  drainMs: number;
  restart: RestartPolicy;
  ready?: ReadyCheck;
  readyTimeoutMs?: number;
  /** Types that must be ready before this one starts (tf.yml depends_on). */
  dependsOn?: string[];
  /** The release it runs (tf start --release), absent for the working tree. */
  release?: string;
  /** It runs on its own pseudo-terminal (tf.yml tty, tf start --tty). */
  tty?: boolean;
  /** tf start's keyboard goes to it (tf.yml interactive; always with tty). */
  interactive?: boolean;
  /** tf.yml memory_limit in bytes: over it (with its descendants), it is restarted through its crash policy. */
  memoryLimit?: number;
}

export interface FormationInput {
  types: ProcessType[];
  scale: Scale;
  settings: Settings;
  root: string;
  environment: Environment;
  basePort: number;
  /** Drain timeout for types tf.yml does not set (-t). */
  drainMs: number;
  /** Types whose crash policy is `restart` by --restart, over tf.yml. */
  restartTypes?: ReadonlySet<string>;
  restartPolicy?: RestartPolicy;
  /** The release the app is, if it is one. */
  release?: string;
  /** tf start --tty: every type runs on terminals. */
  ttyAll?: boolean;
}

export const DEFAULT_BASE_PORT = 5000;
export const PORT_BLOCK = 100;
/** Why a type cannot run more than PORT_BLOCK processes, and what to do instead. */
export const PORT_BLOCK_HINT = `each type has a block of ${PORT_BLOCK} ports, base + ${PORT_BLOCK} x its place in the Procfile; split the work over more types`;
const MAX_PORT = 65535;

/** Foreman's port scheme: base + 100 x the type's index + instance - 1. */
export function portFor(basePort: number, typeIndex: number, instance: number): number {
  return basePort + PORT_BLOCK * typeIndex + instance - 1;
}

/** The variables tf itself gives a process; they win over the shell and env files. No port: no PORT. */
export function processVariables(name: string, port: number | undefined): Record<string, string> {
  return { ...(port === undefined ? {} : { PORT: String(port) }), PS: name, DYNO: name };
}

/** Makes the spec of any instance of any type; `tf scale` uses it for instances started later. */
export type SpecFactory = (type: string, instance: number) => ProcessSpec;

/** The error for a type the Procfile does not define; WHERE says which input named it. */
export function unknownType(type: string, known: Iterable<string>, where?: string): TfError {
  return new TfError(`${where ? `${where}: ` : ''}unknown process type "${type}"`, `known types: ${[...new Set(known)].join(', ')}`);
}

/** What makes a spec instance INSTANCE of TYPE: its name, its PORT, and the variables tf sets. */
export function instanceParts(type: string, instance: number, port: number, environment: Environment, tty = false): Pick<ProcessSpec, 'name' | 'instance' | 'port' | 'env'> {
  const name = `${type}.${instance}`;
  // Past its block, an instance would take the port of the next type's first ones.
  if (instance > PORT_BLOCK) throw new TfError(`${name}: a type runs at most ${PORT_BLOCK} processes`, PORT_BLOCK_HINT);
  if (port > MAX_PORT) throw new TfError(`${name} would get port ${port}, above ${MAX_PORT}`, 'choose a lower base port with -p');
  const terminal = tty ? terminalVariables(environment) : unbuffered(environment);
  return { name, instance, port, env: withVariables(environment, { ...terminal, ...processVariables(name, port) }, 'tf') };
}

/**
 * Python block-buffers stdout when it is not a terminal: its lines would show up late, and be lost
 * when a stop signal kills it. Unless the environment says otherwise, tf asks it not to buffer.
 */
function unbuffered(environment: Environment): Record<string, string> {
  return environment.has('PYTHONUNBUFFERED') ? {} : { PYTHONUNBUFFERED: '1' };
}

/** On a terminal, Python line-buffers by itself (PYTHONUNBUFFERED is not needed); TERM says which terminal. */
export function terminalVariables(environment: Environment): Record<string, string> {
  return environment.get('TERM')?.value ? {} : { TERM: 'xterm-256color' };
}

export function buildFormation(input: FormationInput): ProcessSpec[] {
  const specFor = specFactory(input);
  return input.types.flatMap((type) => Array.from({ length: input.scale.get(type.name) ?? 0 }, (_, i) => specFor(type.name, i + 1)));
}

export function specFactory(input: Omit<FormationInput, 'scale'>): SpecFactory {
  return (typeName, instance) => {
    const typeIndex = input.types.findIndex((t) => t.name === typeName);
    const type = input.types[typeIndex];
    if (!type) throw unknownType(typeName, input.types.map((t) => t.name));
    const settings = input.settings.types.get(type.name) ?? {};
    const interactive = settings.interactive === true;
    const tty = input.ttyAll === true || settings.tty === true || interactive;
    const restart = input.restartTypes?.has(type.name) && input.restartPolicy ? input.restartPolicy : (settings.restart ?? { kind: 'stop' as const });
    return {
      ...instanceParts(type.name, instance, portFor(input.basePort, typeIndex, instance), input.environment, tty),
      type: type.name,
      typeIndex,
      command: type.command,
      cwd: input.root,
      stopSignal: settings.stopSignal ?? 'SIGTERM',
      drainMs: settings.drainMs ?? input.drainMs,
      restart,
      ...(settings.ready ? { ready: settings.ready } : {}),
      ...(settings.readyTimeoutMs !== undefined ? { readyTimeoutMs: settings.readyTimeoutMs } : {}),
      ...(settings.dependsOn?.length ? { dependsOn: settings.dependsOn } : {}),
      ...(input.release ? { release: input.release } : {}),
      ...(tty ? { tty } : {}),
      ...(interactive ? { interactive } : {}),
      ...(settings.memoryLimit !== undefined ? { memoryLimit: settings.memoryLimit } : {}),
    };
  };
}
