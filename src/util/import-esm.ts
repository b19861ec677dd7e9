/** The dependencies published only as ES modules, which CommonJS tf loads with import(). */
interface EsModules {
  execa: typeof import('execa');
  chokidar: typeof import('chokidar');
}

/**
 * import() of an ES-module package. The build keeps this module out of dist/tf.js (see
 * scripts/bundle.mjs): on Node 20, code that V8 takes from a recorded cache cannot run import()
 * unless Node runs with --experimental-vm-modules, so the call must live in a module Node loaded itself.
 */
export function importEsm<Name extends keyof EsModules>(name: Name): Promise<EsModules[Name]> {
  return import(name) as Promise<EsModules[Name]>;
}
