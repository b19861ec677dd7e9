import type { expand as Expand } from 'dotenv-expand';
import { displayPath } from '../util/fs.js';
import { location } from '../util/errors.js';
import type { EnvEntry } from './env-file.js';
import { loadOnce } from '../util/load-once.js';

const dotenvExpand = loadOnce(() => require('dotenv-expand') as { expand: typeof Expand });

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
 * `${VAR:-default}` and `$VAR` against everything defined before it (the shell, earlier files,
 * earlier lines), so `PATH=./bin:$PATH` works. Values are never run as commands.
 */
export function layerEnvFiles(base: Environment, files: EnvFile[]): Environment {
  const out = new Map(base);
  for (const file of files) {
    const shown = displayPath(file.path);
    for (const entry of file.entries) {
      const value = entry.literal ? entry.value : expandValue(entry.value, out);
      out.set(entry.key, { value, source: location(shown, entry.line) });
    }
  }
  return out;
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

// dotenv-expand resolves a key against process.env first and skips the file's value when the
// shell has one; tf wants files to win. Expanding one value under a key nobody uses keeps
// dotenv-expand's substitution rules while tf decides precedence.
const EXPANDING = '\0tf-value';

function expandValue(raw: string, env: Environment): string {
  if (!raw.includes('$')) return raw;
  const parsed: Record<string, string> = { [EXPANDING]: raw };
  dotenvExpand().expand({ parsed, processEnv: escapedDollars(env) });
  return parsed[EXPANDING] ?? '';
}

// dotenv-expand rescans its own output, so a `$` inside a substituted value would be expanded
// again ('pa$word' would lose "$word"). Escaped, it is skipped and then unescaped to a plain `$`.
function escapedDollars(env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, { value }] of env) out[key] = value.replaceAll('$', '\\$');
  return out;
}
