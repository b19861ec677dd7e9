// Run by `npm run build` after tsc. Joins dist/cli/main.js and the CommonJS modules it reaches,
// tf's own and its dependencies', into dist/tf.js, then records V8's compiled code for that bundle
// by running tf over a small app (see src/cli/bundle-loader.ts). esbuild is a dev dependency:
// only this script needs it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const BUNDLE = join(DIST, 'tf.js');

async function bundle() {
  const [output] = (await build({
    entryPoints: [join(DIST, 'cli', 'main.js')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ES modules, loaded with import() only by the commands that need them, through
    // dist/util/import-esm.js, which stays a module of its own (see src/util/import-esm.ts).
    external: ['execa', 'chokidar'],
    plugins: [keepOutside('import-esm.js', './util/import-esm.js')],
    legalComments: 'inline',
    logLevel: 'warning',
  })).outputFiles;
  const id = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
  for (const name of readdirSync(DIST)) if (/^tf-[0-9a-f]{16}\.cache$/.test(name)) rmSync(join(DIST, name));
  writeFileSync(BUNDLE, Buffer.concat([Buffer.from(`// tf bundle ${id}\n`), output.contents]));
}

/** Leaves the module whose file name is NAME out of the bundle: the bundle requires it from AT. */
function keepOutside(name, at) {
  return {
    name: `keep ${name} outside`,
    setup(build) {
      build.onResolve({ filter: new RegExp(`/${name.replace('.', '\\.')}$`) }, () => ({ path: at, external: true }));
    },
  };
}

/** The commands whose start-up matters, each run once; every run adds what it compiled to the cache. */
const TRAINING = [['--version'], ['--help'], ['check'], ['env'], ['run', 'true'], ['start', '--no-timestamps'], ['release', 'create'], ['release', 'list'], ['ps']];

function recordCodeCache() {
  const app = mkdtempSync(join(tmpdir(), 'tf-build-'));
  try {
    writeFileSync(join(app, 'Procfile'), 'worker: echo "worked $GREETING"\nclock: true\n');
    writeFileSync(join(app, '.env'), 'NAME=tf\nGREETING="hello ${NAME}"\n');
    writeFileSync(join(app, 'tf.yml'), 'processes:\n  worker: {restart: ignore, drain: 1s}\n  clock: {restart: ignore}\n');
    for (const args of TRAINING) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'bin', 'tf.js'), ...args], { cwd: app, env: { ...process.env, TF_RECORD_CODE_CACHE: '1' }, stdio: 'pipe' });
      } catch (error) {
        // `tf ps` with no tf running fails by design; only a crash means the training went wrong.
        if (args[0] !== 'ps' || error.status !== 1) throw new Error(`tf ${args.join(' ')} failed while recording the code cache: ${error.stderr}`);
      }
    }
  } finally {
    // The release store's folders are read-only: only root could remove them without u+w.
    execFileSync('chmod', ['-R', 'u+w', app]);
    rmSync(app, { recursive: true, force: true });
  }
}

await bundle();
recordCodeCache();
