// Env expansion: `tf check` of an app whose .env has 20,000 lines that each hold a `$` to expand.
// Baseline: the same command on a .env of 20,000 lines of the same length without a `$`, which tf
// reads without expanding anything, so the difference is the expansion. Target: under 1 s for the
// whole command (dotenv-expand took 57 s at 8,000 lines: it was quadratic).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, round, seconds, timed } from './support.mjs';

export const ENV_TARGETS = { expandS: 1 };

/** LINES lines KEY=VALUE; with `dollar`, every value expands a shell-set name, an earlier line and a default. */
function envFile(lines, dollar) {
  const out = ['BASE=/srv/app'];
  for (let i = 1; i <= lines; i++) out.push(dollar ? `V${i}=\${BASE}/$BASE-\${V${i - 1}:+x}-\${NOPE:-d}-${i}` : `V${i}=/srv/app//srv/app-x-d-d-${i}`);
  return `${out.join('\n')}\n`;
}

/** ctx: { tmp, quick, tf, node, check(name, ok, detail), target(bench, metric, baseline, tf, text, pass, note), results } */
export async function benchEnvExpansion(ctx) {
  const lines = 20_000; // the target's own size: small enough even for a quick run
  const runs = ctx.quick ? 1 : 5;
  console.log(`\n== env: tf check with a .env of ${lines} lines, each with a $ to expand (median of ${runs}) ==`);
  const apps = Object.fromEntries(['plain', 'dollar'].map((kind) => {
    const dir = join(ctx.tmp, `env-${kind}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n');
    writeFileSync(join(dir, '.env'), envFile(lines, kind === 'dollar'));
    return [kind, dir];
  }));
  const samples = { plain: [], dollar: [] };
  for (let run = 0; run < runs; run++) {
    for (const kind of ['plain', 'dollar']) {
      const r = timed(ctx.node, [ctx.tf, 'check'], apps[kind]);
      ctx.check(`env: tf check of the ${kind} .env exits 0 and reads ${lines + 1} variables`, r.status === 0 && r.stdout.includes(`(${lines + 1} variables)`), r.stderr.trim());
      samples[kind].push(r.s);
    }
  }
  const env = timed(ctx.node, [ctx.tf, 'env', '--json', '--no-shell'], apps.dollar);
  const last = env.status === 0 ? JSON.parse(env.stdout)[`V${lines}`]?.value : undefined;
  ctx.check('env: the last line expands as sh would', last === `/srv/app//srv/app-x-d-${lines}`, `got ${last} ${env.stderr.trim()}`);
  const base = median(samples.plain);
  const tf = median(samples.dollar);
  const pass = tf < ENV_TARGETS.expandS;
  console.log(`env         ${lines} lines with \$   baseline (no \$) ${seconds(base)}   tf ${seconds(tf)} (target < ${ENV_TARGETS.expandS} s) ${pass ? 'PASS' : 'FAIL'}   expansion's share ~${((tf - base) * 1000).toFixed(0)} ms   runs ${samples.dollar.map(seconds).join(', ')}`);
  ctx.target('env', `tf check, ${lines} lines with $`, `${seconds(base)} (no $)`, seconds(tf), `< ${ENV_TARGETS.expandS} s`, pass, `expansion ~${((tf - base) * 1000).toFixed(0)} ms`);
  ctx.results.benchmarks.env = { lines, runs, baselineS: round(base), tfS: round(tf), baselineRunsS: samples.plain.map((s) => round(s)), tfRunsS: samples.dollar.map((s) => round(s)), pass, targets: ENV_TARGETS };
}
