// Release benchmark for bench/run.mjs: `tf release create` of a generated app against `cp -a` of the
// same tree, measured in the same run; a second create with nothing changed; `tf release rollback`.
//
// The app: SIZES.files files totalling SIZES.mb MB of random (so incompressible and all distinct)
// bytes, 200 files a folder, plus a Procfile and no build command. Disk is `du -sk` (hard links
// counted once, as the filesystem stores them). The page cache is warm for both sides: the tree was
// just written, and cp -a runs first.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, mib, now, ratio, round, seconds, timed } from './support.mjs';

export const RELEASE_TARGETS = { secondCreateRatio: 0.25, secondCreateExtraMiB: 5, rollbackMs: 300 };

function duKiB(path) {
  const out = spawnSync('du', ['-sk', path], { encoding: 'utf8' }).stdout;
  return Number(out.split('\t')[0]);
}

function generateApp(dir, files, bytes) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n');
  const mean = Math.floor(bytes / files);
  let written = 0;
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `pkg${Math.floor(i / 200)}`);
    if (i % 200 === 0) mkdirSync(folder);
    // Sizes from 0.2x to 1.8x the mean, the last file taking up the rest.
    const size = i === files - 1 ? Math.max(0, bytes - written) : Math.floor(mean * (0.2 + 1.6 * ((i * 7919) % 1000) / 1000));
    writeFileSync(join(folder, `f${i}.js`), randomBytes(size));
    written += size;
  }
  return written;
}

/**
 * ctx: { tmp, quick, tf, node, check(name, ok, detail), target(bench, metric, baseline, tf, text, pass, note), results }
 */
export async function benchRelease(ctx) {
  const files = ctx.quick ? 2_000 : 20_000;
  const mb = ctx.quick ? 20 : 200;
  const base = join(ctx.tmp, 'release');
  const app = join(base, 'app');
  console.log(`\n== release: an app of ${files} files / ${mb} MB, no build command ==`);
  const genStart = now();
  const written = generateApp(app, files, mb * 1e6);
  console.log(`  generated ${(written / 1e6).toFixed(0)} MB in ${seconds((now() - genStart) / 1000)}`);

  const cp = timed('cp', ['-a', app, join(base, 'copy')], base);
  ctx.check('release: cp -a exits 0', cp.status === 0, cp.stderr.trim());
  const cpKiB = duKiB(join(base, 'copy'));

  const tfArgs = (...args) => [ctx.tf, 'release', ...args, '-d', app];
  const first = timed(ctx.node, tfArgs('create', '--message', 'first'), base);
  ctx.check('release: first create exits 0', first.status === 0, first.stderr.trim());
  const store = join(app, 'releases');
  const firstKiB = duKiB(store);

  const second = timed(ctx.node, tfArgs('create', '--message', 'unchanged'), base);
  ctx.check('release: second create exits 0 and reuses the build', second.status === 0 && second.stdout.includes('(unchanged, reused)'), `${second.stdout.trim()} ${second.stderr.trim()}`);
  const secondExtraKiB = duKiB(store) - firstKiB;

  const rollbacks = [];
  for (let i = 0; i < 3; i++) {
    const r = timed(ctx.node, tfArgs('rollback'), base);
    ctx.check(`release: rollback ${i + 1} exits 0`, r.status === 0, r.stderr.trim());
    rollbacks.push(r.s);
  }
  const nodeStart = median([0, 1, 2].map(() => timed(ctx.node, ['-e', '0'], base).s));
  const current = readlinkSync(join(store, 'current'));
  ctx.check('release: current is the last rollback (v5)', current === 'v5', `current -> ${current}`);
  const manifest = readFileSync(join(store, 'v5', 'release.yml'), 'utf8');
  ctx.check('release: v5 is a rollback to v3', /description: "Rollback to v3"/.test(manifest), manifest);
  const verify = timed(ctx.node, tfArgs('verify'), base);
  ctx.check('release: tf release verify of the current release exits 0', verify.status === 0, `${verify.stdout.slice(0, 300)} ${verify.stderr.trim()}`);

  const rollback = median(rollbacks);
  const T = RELEASE_TARGETS;
  const secondRatio = ratio(second.s, first.s);
  const passes = {
    second: secondRatio !== undefined && secondRatio <= T.secondCreateRatio,
    disk: secondExtraKiB / 1024 < T.secondCreateExtraMiB,
    rollback: rollback * 1000 < T.rollbackMs,
  };
  const v = (pass) => (pass ? 'PASS' : 'FAIL');
  console.log(`release     first create            baseline cp -a ${seconds(cp.s)} (${mib(cpKiB)})   tf ${seconds(first.s)} (${ratio(first.s, cp.s)?.toFixed(2)}x cp -a), store ${mib(firstKiB)}   reference, no target`);
  console.log(`release     second create           tf ${seconds(second.s)} (${secondRatio?.toFixed(2)}x the first, target <= ${T.secondCreateRatio}x) ${v(passes.second)}   extra disk ${mib(secondExtraKiB)} (target < ${T.secondCreateExtraMiB} MiB) ${v(passes.disk)}`);
  console.log(`release     rollback                tf ${seconds(rollback)} (target < ${T.rollbackMs} ms) ${v(passes.rollback)}   runs ${rollbacks.map(seconds).join(', ')}   node -e 0 ${seconds(nodeStart)}, so tf's own share is ~${((rollback - nodeStart) * 1000).toFixed(0)} ms`);
  console.log(`  verify (re-hash all ${files} files) ${seconds(verify.s)}`);

  ctx.target('release', 'first create', `${seconds(cp.s)} (cp -a)`, seconds(first.s), 'reference', undefined, `${ratio(first.s, cp.s)?.toFixed(2)}x cp -a; ${mib(firstKiB)} vs ${mib(cpKiB)}`);
  ctx.target('release', 'second create, unchanged', seconds(first.s), seconds(second.s), `<= ${T.secondCreateRatio}x first`, passes.second, `${secondRatio?.toFixed(2)}x`);
  ctx.target('release', 'second create, extra disk', '-', mib(secondExtraKiB), `< ${T.secondCreateExtraMiB} MiB`, passes.disk);
  ctx.target('release', 'rollback', `${seconds(nodeStart)} (node -e 0)`, seconds(rollback), `< ${T.rollbackMs} ms`, passes.rollback, `node -e 0 + ${((rollback - nodeStart) * 1000).toFixed(0)} ms`);
  ctx.results.benchmarks.release = {
    files,
    bytes: written,
    cpA: { s: round(cp.s), diskKiB: cpKiB },
    firstCreate: { s: round(first.s), storeKiB: firstKiB, ratioToCp: round(ratio(first.s, cp.s)) },
    secondCreate: { s: round(second.s), extraKiB: secondExtraKiB, ratio: round(secondRatio), pass: passes.second, diskPass: passes.disk },
    rollback: { medianS: round(rollback, 4), runsS: rollbacks.map((s) => round(s, 4)), pass: passes.rollback, nodeStartS: round(nodeStart, 4) },
    verifyS: round(verify.s),
    targets: T,
  };
}
