// Live-control benchmark for bench/run.mjs, against a running `tf start`:
//   scale     `tf scale worker=0`, then `tf scale worker=32`: time from running the command until all
//             32 printed READY through tf; baseline: the same 32 started directly by the bench.
//             Median of 3 of each, alternating.
//   ps        the control socket's round trip for a ps request (median of 50), and the whole
//             `tf ps` command (a node start-up, the request, the table), against `node -e 0`.
//   restarts  tf's memory over 3,000 restarts of a process (sh's `exec sleep`, so each restart is
//             cheap), against plain Node serving as many socket requests by spawning and killing a
//             child (bench/respawn.mjs). Both grow at first, in steps, as V8 sizes its heap (here
//             +10 to +22 MiB over the first 1,000, wherever a step falls) and then stay flat; a leak
//             keeps growing. So the target is the growth from restart 1,000 to 3,000 beyond plain
//             Node's, and tf's JS heap after a GC (bench/heap.mjs) over the same span. Memory is
//             RssAnon, what the process holds; VmRSS also counts the node binary's pages as code
//             paths first run, which grows more for a process that touched fewer at start-up.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEnv, controlRequest as request, kill, median, memoryOf, mib, now, onLines, ratio, round, seconds, sleep, spawnTracked, startReadyDirectly, within } from './support.mjs';

export const CONTROL_TARGETS = { scaleRatio: 1.5, psRoundTripMs: 50, restartRssExtraMiB: 5, restartHeapGrowthMiB: 2 };

/** "10: 52.1, 750: 60.3, ..." in MiB. */
function series(kib) {
  return Object.entries(kib).sort((a, b) => a[0] - b[0]).map(([n, k]) => `${n}: ${(k / 1024).toFixed(1)}`).join(', ');
}

/** tf's heapUsed after a full GC, via bench/heap.mjs. */
async function heapAfterGc(pid, file) {
  writeFileSync(file, '');
  kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    const text = readFileSync(file, 'utf8');
    if (text) return JSON.parse(text).heapUsed;
    await sleep(10);
  }
  return undefined;
}

/**
 * ctx: { tmp, quick, tf, node, bench, check(name, ok, detail), target(...), results }
 */
export async function benchControl(ctx) {
  const count = 32;
  const psRuns = ctx.quick ? 20 : 50;
  const restarts = ctx.quick ? 600 : 3000;
  const scaleRepeats = ctx.quick ? 1 : 3;
  const warm = restarts / 3;
  const ready = join(ctx.bench, 'ready.mjs');
  const dir = join(ctx.tmp, 'control');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Procfile'), `worker: node '${ready}'\nsleeper: sleep 600\n`);
  writeFileSync(join(dir, 'tf.yml'), 'processes:\n  sleeper: { drain: 1s }\n');
  console.log(`\n== control: scale to ${count}, tf ps latency, RSS over ${restarts} restarts ==`);

  const heapFile = join(dir, 'heap.json');
  const preload = ['--expose-gc', '--import', pathToFileURL(join(ctx.bench, 'heap.mjs')).href];
  const tf = spawnTracked(ctx.node, [...preload, ctx.tf, 'start', '--no-timestamps', 'worker=1', 'sleeper=1'], { cwd: dir, env: benchEnv({ BENCH_HEAP_FILE: heapFile }), stdio: ['ignore', 'pipe', 'inherit'] });
  const socket = join(dir, '.tf', 'control.sock');
  let readyLines = 0;
  let waiter;
  onLines(tf.stdout, (line) => {
    if (/^worker\.\d+ +\| READY /.test(line)) readyLines++;
    waiter?.();
  });
  const until = (test, what) => within(new Promise((resolve) => (waiter = () => test() && resolve())), 60_000, what);
  const tfCli = (...args) => spawnSync(ctx.node, [ctx.tf, ...args], { cwd: dir, env: benchEnv(), encoding: 'utf8' });
  try {
    await until(() => readyLines >= 1, 'tf start');

    // scale: runs alternate with the baseline, and each side's median is taken, as one run of
    // either moved by half a second on a busy machine.
    const gone = async () => (await request(socket, { cmd: 'ps' })).every((p) => p.type !== 'worker');
    const scaleRuns = [];
    const baseRuns = [];
    for (let run = 0; run < scaleRepeats; run++) {
      tfCli('scale', 'worker=0');
      for (let i = 0; i < 500 && !(await gone()); i++) await sleep(20);
      readyLines = 0;
      const scaleStart = now();
      const scaled = tfCli('scale', `worker=${count}`);
      ctx.check(`control: tf scale exits 0 (run ${run + 1})`, scaled.status === 0, scaled.stderr);
      await until(() => readyLines >= count, `${count} READY lines after tf scale`);
      scaleRuns.push((now() - scaleStart) / 1000);
      const rows = await request(socket, { cmd: 'ps' });
      ctx.check(`control: tf ps shows ${count} running workers (run ${run + 1})`, rows.filter((p) => p.type === 'worker' && p.state === 'running').length === count);
      tfCli('scale', 'worker=0');
      baseRuns.push(await startReadyDirectly({ node: ctx.node, script: ready, cwd: ctx.tmp, type: 'worker', count, timeoutMs: 60_000 }));
    }
    const scaleS = median(scaleRuns);
    const baseS = median(baseRuns);

    // ps
    const trips = [];
    for (let i = 0; i < psRuns; i++) {
      const t = now();
      await request(socket, { cmd: 'ps' });
      trips.push(now() - t);
    }
    const commands = [];
    const nodes = [];
    for (let i = 0; i < Math.min(psRuns, 20); i++) {
      let t = now();
      const r = tfCli('ps');
      commands.push(now() - t);
      if (i === 0) ctx.check('control: tf ps exits 0', r.status === 0, r.stderr);
      t = now();
      spawnSync(ctx.node, ['-e', '0']);
      nodes.push(now() - t);
    }

    // restarts
    const rss = {};
    const anon = {};
    const heap = {};
    for (let i = 1; i <= restarts; i++) {
      await request(socket, { cmd: 'restart', targets: ['sleeper.1'] });
      if (i === 10 || i % (restarts / 12) === 0) {
        heap[i] = await heapAfterGc(tf.pid, heapFile);
        ({ rssKiB: rss[i], anonKiB: anon[i] } = memoryOf(tf.pid));
      }
    }
    const respawn = spawnSync(ctx.node, ['--expose-gc', join(ctx.bench, 'respawn.mjs'), String(restarts)], { env: benchEnv(), encoding: 'utf8' });
    const base = JSON.parse(respawn.stdout || '{}');
    const last = (await request(socket, { cmd: 'ps' })).find((p) => p.name === 'sleeper.1');
    ctx.check(`control: sleeper.1 restarted ${restarts} times`, last?.restarts === restarts, JSON.stringify(last));

    const T = CONTROL_TARGETS;
    const scaleRatio = ratio(scaleS, baseS);
    const trip = median(trips);
    const growthMiB = (anon[restarts] - anon[warm]) / 1024;
    const baseGrowthMiB = (base.anon[restarts] - base.anon[warm]) / 1024;
    const rssGrowthMiB = (rss[restarts] - rss[warm]) / 1024;
    const baseRssGrowthMiB = (base.rss[restarts] - base.rss[warm]) / 1024;
    const heapGrowthMiB = (heap[restarts] - heap[warm]) / 2 ** 20;
    const extraMiB = growthMiB - baseGrowthMiB;
    const passes = {
      scale: scaleRatio !== undefined && scaleRatio <= T.scaleRatio,
      ps: trip < T.psRoundTripMs,
      rss: extraMiB < T.restartRssExtraMiB && heapGrowthMiB < T.restartHeapGrowthMiB,
    };
    const v = (pass) => (pass ? 'PASS' : 'FAIL');
    console.log(`control     tf scale worker=${count}     baseline ${seconds(baseS)}   tf ${seconds(scaleS)} (${scaleRatio?.toFixed(2)}x, target <= ${T.scaleRatio}x) ${v(passes.scale)}   (tf's figure includes starting the tf scale command)`);
    console.log(`  runs: baseline ${scaleRuns.length > 1 ? baseRuns.map((s) => seconds(s)).join(', ') : '-'}   tf ${scaleRuns.length > 1 ? scaleRuns.map((s) => seconds(s)).join(', ') : '-'}`);
    console.log(`control     ps round trip           ${seconds(trip / 1000)} median of ${psRuns} (target < ${T.psRoundTripMs} ms) ${v(passes.ps)}   whole tf ps command ${seconds(median(commands) / 1000)} (node -e 0 ${seconds(median(nodes) / 1000)})`);
    console.log(`control     memory, restarts ${warm} -> ${restarts}   tf's RssAnon +${growthMiB.toFixed(1)} MiB; plain Node spawning as many +${baseGrowthMiB.toFixed(1)} MiB; tf's extra ${extraMiB.toFixed(1)} MiB (target < ${T.restartRssExtraMiB} MiB) ${v(passes.rss)}`);
    console.log(`  RssAnon after restart  ${series(anon)}\n                         plain Node ${series(base.anon)}`);
    console.log(`  VmRSS after restart    ${series(rss)}\n                         plain Node ${series(base.rss)}`);
    const heapMiB = (at) => mib(heap[at] / 1024);
    console.log(`  tf's JS heap after a GC: after 10 ${heapMiB(10)}, ${warm} ${heapMiB(warm)}, ${restarts} ${heapMiB(restarts)} (target: growth from ${warm} < ${T.restartHeapGrowthMiB} MiB)`);
    ctx.target('control', `tf scale to ${count} READY`, seconds(baseS), seconds(scaleS), `<= ${T.scaleRatio}x`, passes.scale, `${scaleRatio?.toFixed(2)}x`);
    ctx.target('control', 'tf ps socket round trip', '-', seconds(trip / 1000), `< ${T.psRoundTripMs} ms`, passes.ps, `tf ps command ${seconds(median(commands) / 1000)}`);
    ctx.target('control', `memory growth, restarts ${warm} -> ${restarts}`, `+${baseGrowthMiB.toFixed(1)} MiB (node)`, `+${growthMiB.toFixed(1)} MiB`, `< +${T.restartRssExtraMiB} MiB over node`, passes.rss, `heap +${heapGrowthMiB.toFixed(1)} MiB`);
    ctx.results.benchmarks.control = {
      scale: { processes: count, runs: scaleRuns.length, baselineS: round(baseS), tfS: round(scaleS), baselineRunsS: baseRuns.map((s) => round(s)), tfRunsS: scaleRuns.map((s) => round(s)), ratio: round(scaleRatio), pass: passes.scale },
      ps: { runs: psRuns, roundTripMedianMs: round(trip, 2), roundTripsMs: trips.map((t) => round(t, 2)), commandMedianMs: round(median(commands), 1), nodeMedianMs: round(median(nodes), 1), pass: passes.ps },
      restarts: { count: restarts, anonKiB: anon, rssKiB: rss, heapUsedBytes: heap, growthMiB: round(growthMiB, 2), rssGrowthMiB: round(rssGrowthMiB, 2), baselineKiB: base, baselineGrowthMiB: round(baseGrowthMiB, 2), baselineRssGrowthMiB: round(baseRssGrowthMiB, 2), extraMiB: round(extraMiB, 2), heapGrowthMiB: round(heapGrowthMiB, 2), pass: passes.rss },
      targets: T,
    };
  } finally {
    kill(tf.pid, 'SIGTERM');
    const exit = await within(tf.exited, 30_000, 'tf to exit').catch(() => undefined);
    ctx.check('control: tf exits 143 on SIGTERM', exit?.code === 143, JSON.stringify(exit));
  }
}
