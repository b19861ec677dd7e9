import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * The build (scripts/bundle.mjs) joins tf and its dependencies into one file, dist/tf.js, whose
 * first line names that exact bundle. Started this way tf resolves no module one by one, and it
 * keeps V8's compiled code for the bundle in a code cache: made on the user's machine by tf's
 * first run there, for the user's own Node (a cache only helps the Node version that wrote it,
 * so the package ships none), and taken by every later run (Node 20 has no module.enableCompileCache()).
 */
export interface LoadedBundle<T> {
  exports: T;
  /** Whether V8 took the recorded code (false: none recorded for this bundle and Node, or V8 refused it). */
  cacheUsed: boolean;
}

/** The bundle's first line, written by the build: `// tf bundle ID`. */
const ID_LINE = /^\/\/ tf bundle ([0-9a-f]{16})\n/;
const CACHE_NAME = /^tf-([0-9a-f]{16})-.*\.cache$/;
/** A cache of another bundle (an older tf) untouched this long is deleted when tf records a new one. */
const STALE_MS = 30 * 24 * 3600 * 1000;

export function bundleId(source: string): string | undefined {
  return ID_LINE.exec(source)?.[1];
}

/** One file per bundle and Node version: two Node versions in use (nvm) never overwrite each other's. */
export function cachePath(cacheDir: string, id: string): string {
  return join(cacheDir, `tf-${id}-node${process.version.slice(1)}-${process.arch}.cache`);
}

/**
 * Where the user's code cache lives: $TF_CACHE_DIR (empty: keep none), else the platform's per-user
 * cache folder. Never a shared folder such as /tmp: compiled code another user could write is code
 * that user could make tf run.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = safeHomedir()): string | undefined {
  if (env.TF_CACHE_DIR !== undefined) return env.TF_CACHE_DIR === '' ? undefined : env.TF_CACHE_DIR;
  if (platform === 'darwin' && home !== '') return join(home, 'Library', 'Caches', 'tf');
  if (env.XDG_CACHE_HOME?.startsWith('/')) return join(env.XDG_CACHE_HOME, 'tf');
  return home === '' ? undefined : join(home, '.cache', 'tf');
}

/**
 * Runs the bundle as Node would run a CommonJS file, taking the code recorded in `cacheDir` for
 * this bundle and Node. When there is none (or V8 refuses it), the code V8 compiled by the time
 * the process exits is recorded there for the next run. Every failure to read or write the cache
 * is silent: it only costs start-up time.
 */
export function loadBundle<T>(bundle: string, options: { cacheDir?: string | undefined } = {}): LoadedBundle<T> {
  const source = readFileSync(bundle, 'utf8');
  const id = bundleId(source);
  const cache = id === undefined || options.cacheDir === undefined ? undefined : { id, path: cachePath(options.cacheDir, id) };
  const script = new Script(wrap(source), {
    filename: bundle,
    cachedData: cache === undefined ? undefined : readIfPresent(cache.path),
  });
  const cacheUsed = script.cachedDataRejected === false;
  if (cache !== undefined && !cacheUsed) process.on('exit', () => record(cache, script));
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  run(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { exports: module.exports, cacheUsed };
}

function record(cache: { id: string; path: string }, script: Script): void {
  try {
    mkdirSync(dirname(cache.path), { recursive: true, mode: 0o700 });
    // Written whole under a temporary name, then renamed: two tf starting at once never read half a file.
    const temp = `${cache.path}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cache.path);
    removeStale(dirname(cache.path), cache.id);
  } catch {
    // A read-only or missing home: tf runs as well without a cache.
  }
}

/** Deletes other bundles' caches (older tf versions) that nobody has recorded for a month. */
function removeStale(dir: string, id: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const match = CACHE_NAME.exec(name);
    if (match === null || match[1] === id) continue;
    const path = join(dir, name);
    if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
  }
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}
