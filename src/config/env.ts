import { displayPath } from '../util/fs.js';
import { location, TfError } from '../util/errors.js';
import type { EnvEntry } from './env-file.js';
import { expand, MAX_DEPTH } from './expand.js';

/** A variable's value and where it came from ("shell", ".env:3", "tf"), for `tf env`. */
export interface EnvValue {
  value: string;
  source: string;
}

export type Environment = ReadonlyMap<string, EnvValue>;

export interface EnvFile {
  path: string;
  entries: EnvEntry[];
}

export function shellEnvironment(env: NodeJS.ProcessEnv): Environment {
  const out = new Map<string, EnvValue>();
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) out.set(key, { value, source: 'shell' });
  }
  return out;
}

/**
 * Layers env files over a base, in order: a later value wins, and each value expands `${VAR}`,
 * `${VAR:-default}` and `$VAR` (see expand.ts) against everything defined before it (the shell, earlier files,
 * earlier lines), so `PATH=./bin:$PATH` works. Values are never run as commands.
 */
export function layerEnvFiles(base: Environment, files: EnvFile[]): Environment {
  const out = new Map(base);
  let produced = 0;
  let size = 0;
  for (const [key, { value }] of out) size += variableBytes(key, value);
  for (const file of files) {
    const shown = displayPath(file.path);
    for (const entry of file.entries) {
      const source = location(shown, entry.line);
      const value = expandValue(entry, out, source);
      produced += value.length + entry.key.length + 2;
      if (produced > MAX_DEFINED_CHARS) {
        throw new TfError(`${source}: the env files define more than ${MAX_DEFINED_CHARS / 2 ** 20} Mi characters of variables by this line`, 'no process could be started with them: the kernel limits the size of an environment; check what they expand to');
      }
      const before = out.get(entry.key);
      size += variableBytes(entry.key, value) - (before ? variableBytes(entry.key, before.value) : 0);
      if (size > MAX_ENVIRONMENT_BYTES) {
        throw new TfError(`${source}: with this line the environment passes ${MAX_ENVIRONMENT_BYTES / 2 ** 10} KiB, more than a process can be given`, 'exec refuses an environment larger than ARG_MAX (2 MiB with the usual 8 MiB stack): make the values smaller');
      }
      out.set(entry.key, { value, source });
    }
  }
  return out;
}

/** What a variable takes of exec's ARG_MAX: "KEY=value", its NUL, and its pointer. */
function variableBytes(key: string, value: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(value) + 2 + 8;
}

export function withVariables(base: Environment, vars: Record<string, string>, source: string): Environment {
  const out = new Map(base);
  for (const [key, value] of Object.entries(vars)) out.set(key, { value, source });
  return out;
}

export function plainEnvironment(env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, { value }] of env) out[key] = value;
  return out;
}

/**
 * The largest variable a process can be given: Linux refuses to exec with a "KEY=value" string
 * over MAX_ARG_STRLEN (32 pages, 128 KiB, its NUL included). A value past it could only make
 * every spawn fail, so it is an error where it is defined.
 */
export const MAX_VARIABLE_BYTES = 128 * 1024;

/**
 * All the env files together, the values every line produced counted: twice what exec takes with
 * the usual 8 MiB stack (ARG_MAX, 2 MiB), so no real app meets it, and what a file of
 * values each built from the last costs stays bounded.
 */
export const MAX_DEFINED_CHARS = 4 * 2 ** 20;

/**
 * The whole environment a process gets (the shell's, the env files', tf's own): exec refuses one
 * past ARG_MAX with E2BIG, 2 MiB with the usual 8 MiB stack, which the arguments share. 128 KiB
 * are left for the command line and PORT/PS/DYNO.
 */
export const MAX_ENVIRONMENT_BYTES = 2 * 2 ** 20 - 128 * 2 ** 10;

function expandValue(entry: EnvEntry, env: Environment, where: string): string {
  const limit = MAX_VARIABLE_BYTES - Buffer.byteLength(entry.key) - 2;
  const result = entry.literal ? { ok: true as const, value: entry.value } : expand(entry.value, (name) => env.get(name)?.value, limit);
  if (result.ok && fits(result.value, limit)) return result.value;
  if (!result.ok && result.problem === 'too-deep') {
    throw new TfError(`${where}: the value of ${entry.key} nests \${...} more than ${MAX_DEPTH} deep`, 'simplify it');
  }
  throw new TfError(`${where}: the value of ${entry.key} is larger than 128 KiB${fits(entry.value, limit) ? ' once expanded' : ''}`, 'no process could be started with it: the kernel refuses a variable that large; check what it expands to');
}

function fits(value: string, limit: number): boolean {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most values need no count of their bytes.
  return value.length <= limit / 3 || Buffer.byteLength(value) <= limit;
}
