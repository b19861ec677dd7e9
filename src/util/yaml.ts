/**
 * The yaml package, loaded on first use: from the one-file bundle the build makes
 * (scripts/bundle-yaml.mjs), else from node_modules (tests running the sources, or a build by tsc
 * alone). The package is 72 modules that take ~45 ms to load; `tf start` pays that before its first
 * process starts, so only apps with a tf.yml load it, and from the bundle they wait ~15 ms.
 */
type Yaml = typeof import('yaml');

const BUNDLE = '../vendor/yaml.js';
let loaded: Yaml | undefined;

export function yaml(): Yaml {
  return (loaded ??= loadYaml());
}

function loadYaml(): Yaml {
  try {
    return require(BUNDLE) as Yaml;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes(BUNDLE)) throw error;
    return require('yaml') as Yaml;
  }
}
