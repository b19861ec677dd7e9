// Bundles the yaml package into dist/vendor/yaml.js, one file instead of its 72 modules. Loading it
// so costs about 15 ms instead of 45 ms, which every `tf start` with a tf.yml pays before its first
// process starts (src/util/yaml.ts loads the bundle, or the package when there is no bundle).
// Run by `npm run build` after tsc; esbuild is a dev dependency, only this script needs it.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');

buildSync({
  entryPoints: [require.resolve('yaml')],
  outfile: resolve(root, 'dist', 'vendor', 'yaml.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'inline',
  logLevel: 'warning',
});
