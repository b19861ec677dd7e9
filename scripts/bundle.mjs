// Run by `npm run build` after tsc. Makes everything the package ships besides bin/tf.js and the loader:
//
//   dist/tf.js                      dist/cli/main.js and every module it reaches, tf's own and its
//                                   CommonJS dependencies', in one file (see src/cli/bundle-loader.ts)
//   dist/vendor/execa.js            the two ES-module-only dependencies, each turned into one
//   dist/vendor/chokidar.js         CommonJS file, required only by the commands that use them
//   dist/THIRD-PARTY-LICENSES.txt   the licence of every package inside those files
//
// So the published package declares no dependency: a global install copies one tarball and
// fetches nothing. V8's compiled code is not recorded here but on the user's machine, for the
// user's own Node (see src/cli/bundle-loader.ts). esbuild is a dev dependency: only this script needs it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const VENDOR = join(DIST, 'vendor');
/** The ES-module-only dependencies, which src/util/import-esm.ts names. */
const ESM_ONLY = ['execa', 'chokidar'];

// Whitespace and syntax only: identifiers keep their names, so a bug's stack trace still names
// its functions. It takes the packed tarball from ~215 kB to ~170 kB and V8 has less to scan.
const COMMON = {
  bundle: true,
  write: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: ROOT,
};

async function bundleTf() {
  const result = await build({ ...COMMON, entryPoints: [join(DIST, 'cli', 'main.js')], plugins: [vendoredEsm()] });
  const contents = result.outputFiles[0].contents;
  const id = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  // The first line names this exact bundle: the loader keys its code cache on it.
  writeFileSync(join(DIST, 'tf.js'), Buffer.concat([Buffer.from(`// tf bundle ${id}\n`), contents]));
  return result.metafile;
}

async function bundleVendored(name) {
  const result = await build({ ...COMMON, entryPoints: [name] });
  writeFileSync(join(VENDOR, `${name}.js`), result.outputFiles[0].contents);
  return result.metafile;
}

/**
 * Replaces src/util/import-esm.ts inside the bundle: the same importEsm(), reading the vendored
 * CommonJS copy beside the bundle with require(). An import() would not do: on Node 20, code
 * that V8 takes from a code cache cannot run import() without --experimental-vm-modules.
 */
function vendoredEsm() {
  const loaders = ESM_ONLY.map((name) => `${JSON.stringify(name)}: () => require(${JSON.stringify(`./vendor/${name}.js`)})`).join(', ');
  return {
    name: 'vendored ES modules',
    setup(build) {
      build.onLoad({ filter: /[/\\]util[/\\]import-esm\.js$/ }, () => ({
        contents: `const load = { ${loaders} };\nexports.importEsm = (name) => Promise.resolve().then(() => load[name]());\n`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^\.\/vendor\// }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/** Every package whose code went into the output, with its licence text, for THIRD-PARTY-LICENSES.txt. */
function licences(metafiles) {
  const packages = new Map();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const dir = packageDir(resolve(ROOT, input));
      if (dir !== undefined) packages.set(dir, readPackage(dir));
    }
  }
  const sorted = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const missing = sorted.filter((p) => p.text === undefined).map((p) => p.name);
  if (missing.length > 0) throw new Error(`no licence file in ${missing.join(', ')}: add its text to THIRD-PARTY-LICENSES.txt by hand`);
  const header = 'tf ships these packages inside dist/tf.js and dist/vendor/. Their licences follow.\n';
  return header + sorted.map((p) => `\n== ${p.name}@${p.version} (${p.license})\n\n${p.text.trim()}\n`).join('');
}

/** The folder of the node_modules package that holds FILE, or undefined for tf's own files. */
function packageDir(file) {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const length = parts[at + 1].startsWith('@') ? at + 3 : at + 2;
  return parts.slice(0, length).join(sep);
}

function readPackage(dir) {
  const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)([.-]|$)/i.test(entry));
  return { name, version, license, text: file === undefined ? undefined : readFileSync(join(dir, file), 'utf8') };
}

// A build before this one recorded V8's code into dist/; nothing reads those files now.
for (const name of existsSync(DIST) ? readdirSync(DIST) : []) if (/^tf-[0-9a-f]{16}\.cache$/.test(name)) rmSync(join(DIST, name));
rmSync(VENDOR, { recursive: true, force: true });
mkdirSync(VENDOR, { recursive: true });
const metafiles = [await bundleTf(), ...(await Promise.all(ESM_ONLY.map(bundleVendored)))];
writeFileSync(join(DIST, 'THIRD-PARTY-LICENSES.txt'), licences(metafiles));
