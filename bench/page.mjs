// tf ui's page: what a browser transfers to show the dashboard, gzipped (index.html and every file
// it loads from dist/ui/assets). Target: under 150 kB. No baseline: the page has no "without tf".
// Checks that the page loads nothing from elsewhere (no CDN, font or analytics address in
// index.html or the stylesheet; the CSP would refuse them anyway) and that every file it names exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const PAGE_TARGETS = { gzippedKiB: 150 };

/** ctx: { root, check(name, ok, detail), target(bench, metric, baseline, tf, text, pass, note), results } */
export function benchPage(ctx) {
  console.log('\n== page: tf ui\'s built page, gzipped (dist/ui: index.html and the assets it loads) ==');
  const dir = join(ctx.root, 'dist', 'ui');
  const index = join(dir, 'index.html');
  if (!ctx.check('page: dist/ui/index.html is built (npm run build)', existsSync(index))) return;
  const html = readFileSync(index, 'utf8');
  const named = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((ref) => !ref.startsWith('data:'));
  const local = named.filter((ref) => ref.startsWith('/assets/'));
  ctx.check('page: index.html loads only its own assets', local.length === named.length && local.length > 0, named.join(', '));
  const files = [index, ...local.map((ref) => join(dir, ref.slice(1)))];
  const missing = files.filter((file) => !existsSync(file));
  if (!ctx.check('page: every asset index.html names exists', missing.length === 0, missing.join(', '))) return;
  const css = local.filter((ref) => ref.endsWith('.css')).map((ref) => readFileSync(join(dir, ref.slice(1)), 'utf8')).join('\n');
  ctx.check('page: the stylesheet fetches nothing (no url() but data:, no @import)', !/@import|url\((?!["']?data:)/.test(css));
  const sizes = files.map((file) => {
    const body = readFileSync(file);
    return { file: file.slice(dir.length + 1), bytes: body.length, gzipped: gzipSync(body).length };
  });
  const raw = sizes.reduce((sum, s) => sum + s.bytes, 0);
  const gzipped = sizes.reduce((sum, s) => sum + s.gzipped, 0);
  const kib = gzipped / 1024;
  const pass = kib < PAGE_TARGETS.gzippedKiB;
  console.log(`page        ${sizes.length} files   ${(raw / 1024).toFixed(1)} kB, gzipped ${kib.toFixed(1)} kB (target < ${PAGE_TARGETS.gzippedKiB} kB) ${pass ? 'PASS' : 'FAIL'}   ${sizes.map((s) => `${s.file} ${(s.gzipped / 1024).toFixed(1)} kB`).join(', ')}`);
  ctx.target('page', 'tf ui transfer size, gzipped', '-', `${kib.toFixed(1)} kB`, `< ${PAGE_TARGETS.gzippedKiB} kB`, pass, `${(raw / 1024).toFixed(1)} kB raw`);
  ctx.results.benchmarks.page = { files: sizes, bytes: raw, gzippedBytes: gzipped, pass, targets: PAGE_TARGETS };
}
