import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * The build (scripts/bundle.mjs) joins tf and its CommonJS dependencies into one file, dist/tf.js,
 * and records V8's compiled code for it in dist/tf-ID.cache, ID naming that exact bundle. Started
 * this way, tf skips resolving ~130 modules and compiling what it runs: `tf run` and `tf start`
 * reach their first process ~50 ms sooner on Node 20, which has no module.enableCompileCache().
 */
export interface LoadedBundle<T> {
  exports: T;
  /** Whether V8 took the recorded code (false: none recorded for this bundle, or V8 refused it). */
  cacheUsed: boolean;
}

/** The bundle's first line, written by the build: `// tf bundle ID`. */
const ID_LINE = /^\/\/ tf bundle ([0-9a-f]{16})\n/;

export function bundleId(source: string): string | undefined {
  return ID_LINE.exec(source)?.[1];
}

export function cachePath(bundle: string, id: string): string {
  return join(dirname(bundle), `${basename(bundle, '.js')}-${id}.cache`);
}

/**
 * Runs the bundle as Node would run a CommonJS file. With `recordCache`, the code V8 compiled by
 * the time the process exits is written to the cache (the build runs tf a few times so): each run
 * starts from the last one's cache, so the record grows to cover every command the build ran.
 */
export function loadBundle<T>(bundle: string, options: { recordCache?: boolean } = {}): LoadedBundle<T> {
  const source = readFileSync(bundle, 'utf8');
  const id = bundleId(source);
  const cache = id === undefined ? undefined : cachePath(bundle, id);
  const script = new Script(wrap(source), {
    filename: bundle,
    cachedData: cache === undefined ? undefined : readIfPresent(cache),
  });
  const cacheUsed = script.cachedDataRejected === false;
  if (options.recordCache && cache !== undefined) process.on('exit', () => writeAtomically(cache, script.createCachedData()));
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  run(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { exports: module.exports, cacheUsed };
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}
