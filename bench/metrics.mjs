// Metrics sampling benchmark for bench/run.mjs: what sampling CPU and memory costs tf.
//   tf start with 64 idle processes (`sleep`, each under the shim where it runs), three times: with
//   --metrics-interval 0 (the baseline), 2s (the default), and 250ms (enough samples to time one).
//   Each run waits until every process has started and has been sampled, then reads tf's own CPU
//   time (utime + stime of /proc/PID/stat: tf alone, not its children) over the same wall-clock
//   window. The row: tf's extra CPU per second of wall at 2 s over the baseline, as a percent of one
//   core (target under 1%); the 250 ms run gives the time one sample of 64 processes takes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEnv, controlRequest as request, kill, onLines, round, sleep, spawnTracked, within } from './support.mjs';

export const METRICS_TARGETS = { percentOfCore: 1 };
const COUNT = 64;
const CLOCK_TICKS = 100;

function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** One tf start of COUNT sleeps at INTERVAL; tf's CPU seconds over WINDOW_S once all run (and were sampled). */
async function run(ctx, dir, interval, windowS) {
  const tf = spawnTracked(ctx.node, [ctx.tf, 'start', '--no-timestamps', `idle=${COUNT}`, '--metrics-interval', interval], { cwd: dir, env: benchEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  let started = 0;
  let waiter;
  onLines(tf.stdout, (line) => {
    if (/ started \(pid /.test(line)) started++;
    waiter?.();
  });
  try {
    await within(new Promise((resolve) => (waiter = () => started >= COUNT && resolve())), 60_000, `${COUNT} processes started`);
    const socket = join(dir, '.tf', 'control.sock');
    if (interval !== '0') {
      // Two samples of every process: the rings and the trees are warm, as in a long run.
      for (let i = 0; i < 300; i++) {
        const reply = await request(socket, { cmd: 'metrics' });
        if (reply.processes.length === COUNT && reply.processes.every((p) => p.samples.length >= 2)) break;
        await sleep(100);
      }
    }
    const before = cpuSecondsOf(tf.pid);
    const samplesBefore = interval === '0' ? 0 : (await request(socket, { cmd: 'metrics' })).processes[0].samples.length;
    await sleep(windowS * 1000);
    const cpuS = cpuSecondsOf(tf.pid) - before;
    const reply = await request(socket, { cmd: 'metrics' });
    const samples = interval === '0' ? 0 : reply.processes[0].samples.length - samplesBefore;
    const rows = await request(socket, { cmd: 'ps' });
    return { cpuS, samples, reply, rows };
  } finally {
    kill(tf.pid, 'SIGTERM');
    await within(new Promise((resolve) => (tf.exitCode !== null ? resolve() : tf.once('exit', resolve))), 30_000, 'tf to stop');
  }
}

/** ctx: { tmp, quick, tf, node, check(name, ok, detail), target(...), results } */
export async function benchMetrics(ctx) {
  const windowS = ctx.quick ? 8 : 30;
  const dir = join(ctx.tmp, 'metrics');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Procfile'), 'idle: sleep 600\n');
  writeFileSync(join(dir, 'tf.yml'), 'processes:\n  idle: { drain: 1s }\n');
  console.log(`\n== metrics: tf's CPU with ${COUNT} processes, sampling off / every 2s / every 250ms, ${windowS}s each ==`);

  const off = await run(ctx, dir, '0', windowS);
  const every2s = await run(ctx, dir, '2s', windowS);
  const fast = await run(ctx, dir, '250ms', windowS);
  ctx.check('metrics: sampling off answers intervalMs 0 and no samples', off.reply.intervalMs === 0 && off.reply.processes.length === 0, JSON.stringify(off.reply).slice(0, 200));
  ctx.check(`metrics: at 2s every one of ${COUNT} processes has samples and a memory figure`, every2s.reply.processes.length === COUNT && every2s.rows.every((p) => p.rssBytes > 0), JSON.stringify(every2s.rows[0]));
  ctx.check('metrics: at 2s about one sample per 2s was taken', Math.abs(every2s.samples - windowS / 2) <= 2, `${every2s.samples} samples in ${windowS}s`);

  const percent = ((every2s.cpuS - off.cpuS) / windowS) * 100;
  const perSampleMs = fast.samples > 0 ? ((fast.cpuS - off.cpuS) / fast.samples) * 1000 : undefined;
  const pass = percent < METRICS_TARGETS.percentOfCore;
  console.log(`metrics     sampling ${COUNT} processes every 2s   baseline (off) ${(off.cpuS / windowS * 100).toFixed(2)}% of a core   tf ${(every2s.cpuS / windowS * 100).toFixed(2)}% (+${percent.toFixed(2)}%, target < ${METRICS_TARGETS.percentOfCore}%) ${pass ? 'PASS' : 'FAIL'}`);
  console.log(`  one sample of ${COUNT} processes: ${perSampleMs === undefined ? 'n/a' : `${perSampleMs.toFixed(1)} ms of CPU`} (${fast.samples} samples at 250ms: ${fast.cpuS.toFixed(2)}s of CPU in ${windowS}s)`);
  ctx.target('metrics', `sampling, ${COUNT} processes`, `${(off.cpuS / windowS * 100).toFixed(2)}% (off)`, `${(every2s.cpuS / windowS * 100).toFixed(2)}% (every 2s)`, `< +${METRICS_TARGETS.percentOfCore}% of a core`, pass, `+${percent.toFixed(2)}%`);
  ctx.results.benchmarks.metrics = {
    processes: COUNT,
    windowS,
    cpuS: { off: round(off.cpuS), every2s: round(every2s.cpuS), every250ms: round(fast.cpuS) },
    samples: { every2s: every2s.samples, every250ms: fast.samples },
    extraPercentOfCore: round(percent, 3),
    perSampleMs: round(perSampleMs, 2),
    target: `< ${METRICS_TARGETS.percentOfCore}% of one core`,
    pass,
  };
}
