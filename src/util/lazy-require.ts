/**
 * Loads a CommonJS package on first use, synchronously. dotenv and dotenv-expand cost ~15 ms to
 * load, which `tf run` pays on every call; an app without env files (or without `$` in them)
 * should not.
 */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
