/**
 * Loads a module on first use, synchronously. dotenv and dotenv-expand cost ~15 ms to load, which
 * `tf run` pays on every call; an app without env files (or without `$` in them) should not.
 * `load` must call require() with a literal name, so that the build's bundler finds the module.
 */
export function loadOnce<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
