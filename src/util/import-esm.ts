/** The dependencies published only as ES modules, which CommonJS tf loads with import(). */
interface EsModules {
  execa: typeof import('execa');
  chokidar: typeof import('chokidar');
}

/**
 * import() of an ES-module package. This is what runs from source (the tests); the build puts in
 * its place one that require()s a CommonJS copy of the package made at build time (see
 * scripts/bundle.mjs): on Node 20, code that V8 takes from a code cache cannot run import().
 */
export function importEsm<Name extends keyof EsModules>(name: Name): Promise<EsModules[Name]> {
  return import(name) as Promise<EsModules[Name]>;
}
