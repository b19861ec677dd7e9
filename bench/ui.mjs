// tf ui benchmark for bench/run.mjs: tf's own CPU during the throughput workload (8 writers x N lines
// of 80 bytes, output to a file) with one dashboard tab attached to /api/events (reading everything:
// ps, log and metrics events) against the same run with the dashboard served but no tab. Each
// writer waits for a `go` file, so the tab is connected before the first line; tf's CPU is counted
// from then on (its rusage at exit, bench/rusage.mjs, minus /proc's reading at `go`). Median of 9 of
// each, alternating. Target: at most 10% more CPU with the tab.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEnv, median, ratio, round, seconds, sleep, spawnTracked, within } from './support.mjs';

export const UI_TARGETS = { cpuRatio: 1.1 };

const TICKS_PER_S = 100;

/**
 * The CPU time of a live process so far, in seconds, all its threads (V8's collector and compiler
 * threads count in the rusage at exit too): the run time in each /proc/PID/task/TID/schedstat
 * (nanoseconds; /proc/PID/stat's utime + stime count 10 ms ticks, a tenth of the difference this
 * row measures).
 */
function cpuOf(pid) {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e9;
  } catch {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  }
}

/** GET PATH; resolves with the response (its body still to read). */
function get(url, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, headers: { Host: url.host, ...(cookie ? { Cookie: cookie } : {}) } }, resolve);
    req.once('error', reject);
    req.end();
  });
}

/** A dashboard tab: signs in with the URL's token, then reads /api/events to the end. */
async function attachTab(url) {
  const signIn = await get(url, `/${url.search}`);
  signIn.resume();
  const cookie = String(signIn.headers['set-cookie']?.[0] ?? '').split(';')[0];
  const events = await get(url, '/api/events', cookie);
  const tab = { bytes: 0, logEvents: 0, gaps: 0 };
  events.setEncoding('utf8').on('data', (text) => {
    tab.bytes += text.length;
    tab.logEvents += text.split('event: log\n').length - 1;
    tab.gaps += text.split('event: gap\n').length - 1;
  });
  events.on('error', () => {});
  return tab;
}

async function oneRun(ctx, dir, withTab, run) {
  const go = join(dir, 'go');
  rmSync(go, { force: true });
  const rusageFile = join(dir, `rusage-${withTab ? 'tab' : 'none'}-${run}.json`);
  const out = join(dir, 'tf.out');
  const fd = openSync(out, 'w');
  let child;
  try {
    child = spawnTracked(ctx.node, ['--import', pathToFileURL(join(ctx.bench, 'rusage.mjs')).href, ctx.tf, 'start', '--ui', '--no-timestamps'], {
      cwd: dir,
      env: benchEnv({ BENCH_RUSAGE_FILE: rusageFile }),
      stdio: ['ignore', fd, 'pipe'],
    });
  } finally {
    closeSync(fd);
  }
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  let url;
  for (let i = 0; i < 1000 && !url; i++) {
    const line = stderr.split('\n').find((l) => l.startsWith('tf | dashboard '));
    if (line) url = new URL(line.slice('tf | dashboard '.length));
    else await sleep(10);
  }
  if (!url) throw new Error(`tf start --ui printed no dashboard address: ${stderr}`);
  const tab = withTab ? await attachTab(url) : undefined;
  // Let start-up settle (the writers are all waiting for go), then start the clock.
  await sleep(300);
  const cpuAtGo = cpuOf(child.pid);
  const started = performance.now();
  writeFileSync(go, '');
  const exit = await within(child.exited, 180_000, 'tf start --ui (ui bench)');
  const wallS = (exit.at - started) / 1000;
  await child.closed;
  const usage = JSON.parse(readFileSync(rusageFile, 'utf8'));
  const cpuS = (usage.userCPUTime + usage.systemCPUTime) / 1e6 - cpuAtGo;
  return { ok: exit.code === 0, code: exit.code ?? exit.signal, wallS, cpuS, tab, stderr };
}

/** ctx: { tmp, quick, tf, node, bench, check(name, ok, detail), target(...), results } */
export async function benchUi(ctx) {
  const writers = 8;
  const lines = ctx.quick ? 20_000 : 200_000;
  const repeats = ctx.quick ? 1 : 9;
  const dir = join(ctx.tmp, 'ui');
  mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: writers }, (_, i) => `w${i + 1}`);
  const writer = join(ctx.bench, 'writer.mjs');
  writeFileSync(join(dir, 'Procfile'), ids.map((id) => `${id}: while [ ! -f go ]; do sleep 0.01; done; exec node '${writer}' ${lines}\n`).join(''));
  writeFileSync(join(dir, 'tf.yml'), `processes:\n${ids.map((id) => `  ${id}: {restart: ignore}\n`).join('')}`);
  console.log(`\n== ui: tf's CPU over ${writers} x ${lines} lines with one dashboard tab reading /api/events vs none, median of ${repeats} ==`);

  const none = [];
  const tab = [];
  for (let run = 0; run < repeats; run++) {
    for (const withTab of run % 2 === 0 ? [false, true] : [true, false]) {
      const result = await oneRun(ctx, dir, withTab, run);
      ctx.check(`ui run ${run + 1} (${withTab ? 'one tab' : 'no tab'}): tf exits 0 by itself`, result.ok, `exit ${result.code}; stderr: ${result.stderr.trim().slice(0, 300)}`);
      if (withTab) ctx.check(`ui run ${run + 1}: the tab received log events`, result.tab.logEvents > 0, `${result.tab.bytes} bytes, ${result.tab.logEvents} log events`);
      (withTab ? tab : none).push(result);
    }
  }
  const noneCpu = median(none.map((r) => r.cpuS));
  const tabCpu = median(tab.map((r) => r.cpuS));
  const r = ratio(tabCpu, noneCpu);
  const pass = r !== undefined && r <= UI_TARGETS.cpuRatio;
  const tabMiB = median(tab.map((t) => t.tab.bytes / 2 ** 20));
  console.log(`ui  tf cpu without a tab ${seconds(noneCpu)}   with one tab ${seconds(tabCpu)} (${r === undefined ? 'n/a' : `${r.toFixed(2)}x`}, target <= ${UI_TARGETS.cpuRatio}x) ${pass ? 'PASS' : 'FAIL'}`);
  console.log(`  runs without  ${none.map((n) => `${seconds(n.cpuS)} cpu / ${seconds(n.wallS)} wall`).join(', ')}`);
  console.log(`  runs with     ${tab.map((t) => `${seconds(t.cpuS)} cpu / ${seconds(t.wallS)} wall, ${(t.tab.bytes / 2 ** 20).toFixed(1)} MiB to the tab, ${t.tab.gaps} gaps`).join('; ')}`);
  ctx.target('ui', "tf's cpu, one tab attached", seconds(noneCpu), seconds(tabCpu), `<= ${UI_TARGETS.cpuRatio}x`, pass, r === undefined ? 'n/a' : `${r.toFixed(2)}x`);
  ctx.results.benchmarks.ui = {
    processes: writers,
    linesPerProcess: lines,
    none: { cpuS: round(noneCpu), runsCpuS: none.map((n) => round(n.cpuS)), runsWallS: none.map((n) => round(n.wallS)) },
    oneTab: { cpuS: round(tabCpu), runsCpuS: tab.map((t) => round(t.cpuS)), runsWallS: tab.map((t) => round(t.wallS)), tabMiB: round(tabMiB, 1), gaps: tab.map((t) => t.tab.gaps) },
    ratio: round(r),
    target: `tf cpu with one tab <= ${UI_TARGETS.cpuRatio}x without`,
    pass,
  };
}
