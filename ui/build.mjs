// Builds the tf ui page (run by `npm run build` after tf's own build, type-checked just before by
// `tsc -p ui/tsconfig.json`):
//
//   dist/ui/index.html              the one HTML page: a stylesheet link and a module script, no inline
//                                   script or style (the server's Content-Security-Policy forbids both)
//   dist/ui/assets/main-HASH.js     ui/src and Preact in one minified file
//   dist/ui/assets/style-HASH.css   ui/src/style.css
//
// Hashed names let the server cache assets for ever; the page holds nothing from the network.
// The licences of the packages inside the page (Preact) are added to dist/THIRD-PARTY-LICENSES.txt,
// which scripts/bundle.mjs wrote just before. Prints the gzipped size of the whole page (the bench
// row `page` measures the same thing).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'ui');
const ASSETS = join(OUT, 'assets');

// Only the page's own files: tsc's output of src/ui shares the folder, and scripts/bundle.mjs
// reads it (a bundle run on its own after a build must still find it).
rmSync(ASSETS, { recursive: true, force: true });
rmSync(join(OUT, 'index.html'), { force: true });
mkdirSync(ASSETS, { recursive: true });

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [join(ROOT, 'ui', 'src', 'main.tsx'), join(ROOT, 'ui', 'src', 'style.css')],
  outdir: ASSETS,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.endsWith('.js'));
const style = outputs.find((name) => name.endsWith('.css'));
if (!script || !style) throw new Error(`ui build: expected one .js and one .css, got ${outputs.join(', ')}`);

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>tf</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"><noscript>tf ui needs JavaScript.</noscript></div>
</body>
</html>
`;
writeFileSync(join(OUT, 'index.html'), html);

addLicences(Object.keys(result.metafile.inputs));

/** Appends the licence of every npm package in the page to dist/THIRD-PARTY-LICENSES.txt (once). */
function addLicences(inputs) {
  const target = join(ROOT, 'dist', 'THIRD-PARTY-LICENSES.txt');
  const marker = '\n\ntf ui\'s page (dist/ui/assets) holds these packages. Their licences follow.\n';
  const before = existsSync(target) ? readFileSync(target, 'utf8').split(marker)[0] : '';
  const dirs = new Set(inputs.map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean));
  const sections = [...dirs].sort().map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(ROOT, dir)).find((entry) => /^licen[cs]e/i.test(entry));
    if (!file) throw new Error(`ui build: ${name} has no licence file to ship`);
    return `\n== ${name}@${version} (${license})\n\n${readFileSync(join(ROOT, dir, file), 'utf8').trim()}\n`;
  });
  writeFileSync(target, `${before.trimEnd()}${marker}${sections.join('')}`);
}

const files = [join(OUT, 'index.html'), join(ASSETS, script), join(ASSETS, style)];
const gzipped = files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
if (process.env.TF_UI_BUILD_QUIET !== '1') console.log(`ui: dist/ui (${(gzipped / 1024).toFixed(1)} kB gzipped)`);
