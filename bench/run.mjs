#!/usr/bin/env node
// tf benchmark suite (npm run bench). Eight benchmarks, each measured against a baseline taken in the
// same run on the same machine: the same workload without tf.
//
//   1. throughput  8 writers x 200,000 lines of 80 bytes through `tf start`, output to a file; with
//                  BENCH_ONLY=tty (or the whole bench) also with `tty: true`, beside the pty floor: the
//                  same writers on ptys read by bench/pty-floor.c, which discards (what any pty runner pays)
//   2. spawn       64 processes started by `tf start r=64` until each printed READY; tf's peak RSS;
//                  (tty) the same with `tty: true` against piped, and tf's memory per pty process
//   3. stop        8 processes that drain 500 ms on SIGTERM: SIGTERM to tf until tf has exited; then 1,000
//                  descendants ignoring SIGTERM: SIGTERM and a second Ctrl-C until tf has exited (bench/stop-tree.mjs)
//   4. one-off     `tf run true` and `tf --version` against `node -e 0`; how soon `tf start` has its
//                  first process running, against mux.mjs (a reference, no target)
//   5. release     `tf release create` of a 20,000-file / 200 MB app against `cp -a` of it; a second
//                  create with nothing changed; `tf release rollback` (bench/release.mjs)
//   6. control     on a running tf: `tf scale worker=32` until 32 READY against starting them directly;
//                  `tf ps` round trip; tf's memory from restart 1,000 to 3,000, against plain Node (bench/control.mjs)
//   7. env         `tf check` of a .env of 20,000 lines that each expand a `$`, against the same size without
//                  one: env expansion must be linear (bench/env.mjs)
//   8. metrics     tf's CPU with 64 idle processes sampled every 2 s, against sampling off (bench/metrics.mjs)
//   9. ui          tf's CPU over the throughput workload with one dashboard tab on /api/events, against
//                  none (bench/ui.mjs)
//   page           tf ui's built page (dist/ui), gzipped: what a browser transfers (bench/page.mjs)
//
// Helpers: writer.mjs, ready.mjs and test/fixtures/drain.mjs (the workloads), verify.mjs (checks tf's throughput
// output line by line), rusage.mjs (preloaded into tf to record its own CPU time and peak RSS:
// /usr/bin/time would add in the children tf reaps), mux.mjs (a minimal multiplexer, printed as a
// reference next to tf, not a target), support.mjs (process tracking, /proc readings, formatting).
//
// Prints one block per benchmark and a summary, writes the figures to bench/results.json.
// Exit status: 0 when every correctness check passed, whether or not the speed targets were met (it is
// a report); 1 when a correctness check failed (lines lost, spliced, misattributed or out of order,
// a wrong exit status, a process left running); 2 when the bench itself broke.
//
// Baseline processes are started detached (a session and process group of their own), exactly as
// tf starts its processes: with the kernel's autogroup scheduling each session gets its own CPU
// share, so starting them any other way would skew the comparison on a busy machine.
//
// Environment: BENCH_QUICK=1 scales the sizes down about 10x for a smoke run;
// BENCH_ONLY=throughput,tty,spawn,stop,oneoff,release,control,env,metrics,ui,page runs a subset (tty: the tty rows of 1 and 2).
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  benchEnv,
  killEverything,
  kill,
  median,
  memoryOf,
  mib,
  now,
  onLines,
  ratio,
  reapedChildrenCpu,
  round,
  seconds,
  spawnTracked,
  startReadyDirectly,
  survivors,
  within,
} from './support.mjs';
import { verifyThroughputOutput } from './verify.mjs';
import { benchRelease } from './release.mjs';
import { benchControl } from './control.mjs';
import { benchEnvExpansion } from './env.mjs';
import { benchMetrics } from './metrics.mjs';
import { benchStopTree } from './stop-tree.mjs';
import { benchUi } from './ui.mjs';
import { benchPage } from './page.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BENCH = join(ROOT, 'bench');
const TF = join(ROOT, 'bin', 'tf.js');
const NODE = process.execPath;
const WRITER = join(BENCH, 'writer.mjs');
const READY = join(BENCH, 'ready.mjs');
// The shutdown workload is the tests' drain fixture: READY once its handler is in, a last line on exit.
const DRAIN = join(BENCH, '..', 'test', 'fixtures', 'drain.mjs');
const MUX = join(BENCH, 'mux.mjs');
const PTY_FLOOR_SOURCE = join(BENCH, 'pty-floor.c');
const RUSAGE_URL = pathToFileURL(join(BENCH, 'rusage.mjs')).href;
const RESULTS = join(BENCH, 'results.json');

const QUICK = Boolean(process.env.BENCH_QUICK) && process.env.BENCH_QUICK !== '0';
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const wanted = (name) => ONLY.length === 0 || ONLY.includes(name);

const SIZES = QUICK
  ? { writers: 8, lines: 20_000, throughputRuns: 1, spawnCount: 8, spawnRuns: 1, stopCount: 8, drainMs: 500, stopRuns: 2, oneOffRuns: 3 }
  : { writers: 8, lines: 200_000, throughputRuns: 5, spawnCount: 64, spawnRuns: 3, stopCount: 8, drainMs: 500, stopRuns: 5, oneOffRuns: 10 };

const TARGETS = {
  throughputRatio: 1.5,
  ttyThroughputRatio: 2,
  ttySpawnRatio: 1.5,
  spawnRatio: 1.3,
  spawnRssMiB: 60,
  stopOverDrainMs: 150,
  runRatio: 1.5,
  versionExtraMs: 100,
};

const TMP = mkdtempSync(join(tmpdir(), 'tf-bench-'));
const results = { quick: QUICK, targets: TARGETS, sizes: SIZES, benchmarks: {}, checks: [] };
const targetRows = [];
const checks = results.checks;

// ---------------------------------------------------------------------------------------------------
// Bookkeeping

function check(name, ok, detail = '') {
  checks.push({ name, ok, detail });
  if (!ok) console.log(`  CHECK FAILED  ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}

function target(bench, metric, baseline, tf, targetText, pass, note = '') {
  targetRows.push({ bench, metric, baseline, tf, target: targetText, pass, note });
  return pass;
}

const verdict = (pass) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');
const x = (r) => (r === undefined ? 'n/a' : `${r.toFixed(2)}x`);
const runs = (values, fmt = seconds) => values.map(fmt).join(', ');

/** A temporary app: a Procfile and optionally a tf.yml. */
function makeApp(name, procfile, tfYml) {
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Procfile'), procfile);
  if (tfYml) writeFileSync(join(dir, 'tf.yml'), tfYml);
  return { dir, procfile: join(dir, 'Procfile') };
}

/** Single-quoted for sh (the Procfile's commands run through /bin/sh -c). */
const q = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

async function noSurvivors(what) {
  const left = await survivors(2000);
  return check(`${what}: no process left running`, left.length === 0, left.join('; '));
}

/** Spawns tf (node bin/tf.js ARGS); `rusageFile` preloads bench/rusage.mjs to record tf's own CPU/RSS. */
function spawnTf(args, { cwd, stdout = 'pipe', rusageFile } = {}) {
  const nodeArgs = rusageFile ? ['--import', RUSAGE_URL, TF, ...args] : [TF, ...args];
  const child = spawnTracked(NODE, nodeArgs, {
    cwd,
    env: benchEnv(rusageFile ? { BENCH_RUSAGE_FILE: rusageFile } : {}),
    stdio: ['ignore', stdout, 'pipe'],
  });
  child.stderrText = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (child.stderrText += text));
  return child;
}

function readRusage(file) {
  try {
    const usage = JSON.parse(readFileSync(file, 'utf8'));
    return { cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6, userS: usage.userCPUTime / 1e6, systemS: usage.systemCPUTime / 1e6, maxRssKiB: usage.maxRSS };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// 1. Throughput

async function throughputBaseline(ids, lines, run) {
  const dir = join(TMP, `throughput-baseline-${run}`);
  mkdirSync(dir, { recursive: true });
  const files = ids.map((id) => join(dir, `${id}.out`));
  const fds = files.map((file) => openSync(file, 'w'));
  const cpu0 = reapedChildrenCpu();
  const start = now();
  let children;
  try {
    children = ids.map((id, i) => spawnTracked(NODE, [WRITER, String(lines), id], { cwd: dir, env: benchEnv({ PS: `${id}.1` }), stdio: ['ignore', fds[i], 'inherit'], detached: true }));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  const exits = await within(Promise.all(children.map((c) => c.exited)), 120_000, 'the baseline writers');
  const wallS = (Math.max(...exits.map((e) => e.at)) - start) / 1000;
  const cpuS = reapedChildrenCpu() - cpu0;
  const sizesOk = files.every((file) => statSync(file).size === lines * 80);
  check(`throughput baseline run ${run + 1}: writers exit 0 and write ${lines * 80} bytes each`, sizesOk && exits.every((e) => e.code === 0));
  rmSync(dir, { recursive: true, force: true });
  return { wallS, cpuS };
}

async function throughputTf(app, ids, lines, run, label = 'tf') {
  const out = join(app.dir, `tf-${run}.out`);
  const rusageFile = join(app.dir, `rusage-${run}.json`);
  const fd = openSync(out, 'w');
  const cpu0 = reapedChildrenCpu();
  const start = now();
  let child;
  try {
    child = spawnTf(['start', '--no-timestamps', '-f', app.procfile], { cwd: app.dir, stdout: fd, rusageFile });
  } finally {
    closeSync(fd);
  }
  const exit = await within(child.exited, 120_000, 'tf start (throughput)');
  const wallS = (exit.at - start) / 1000;
  await child.closed;
  const totalCpuS = reapedChildrenCpu() - cpu0;
  const own = readRusage(rusageFile);
  check(`throughput ${label} run ${run + 1}: tf exits 0 by itself`, exit.code === 0, `exit ${exit.code ?? exit.signal}; stderr: ${child.stderrText.trim().slice(0, 500)}`);
  await noSurvivors(`throughput ${label} run ${run + 1}`);
  const verifyStart = now();
  const verified = await verifyThroughputOutput(out, ids, lines);
  const verifyS = (now() - verifyStart) / 1000;
  const outBytes = statSync(out).size;
  check(
    `throughput ${label} run ${run + 1}: every line whole, in order and attributed (${verified.linesOk}/${verified.linesExpected})`,
    verified.ok,
    `malformed ${verified.malformed}, misattributed ${verified.misattributed}, out of order ${verified.outOfOrder}; ${verified.examples.join(' | ')}`,
  );
  rmSync(out, { force: true });
  return { wallS, totalCpuS, tfCpuS: own?.cpuS, tfUserS: own?.userS, tfSystemS: own?.systemS, tfMaxRssKiB: own?.maxRssKiB, outBytes, verifyS, verified };
}

/** The same writers through bench/mux.mjs, a minimal multiplexer: a reference point, not a target. */
async function throughputReference(ids, lines, run) {
  const dir = join(TMP, `throughput-reference-${run}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'mux.out');
  const rusageFile = join(dir, 'rusage.json');
  const fd = openSync(out, 'w');
  const start = now();
  let child;
  try {
    child = spawnTracked(NODE, ['--import', RUSAGE_URL, MUX, ...ids.map((id) => `${id}.1=node ${q(WRITER)} ${lines}`)], {
      cwd: dir,
      env: benchEnv({ BENCH_RUSAGE_FILE: rusageFile }),
      stdio: ['ignore', fd, 'inherit'],
    });
  } finally {
    closeSync(fd);
  }
  const exit = await within(child.exited, 120_000, 'the reference multiplexer');
  const wallS = (exit.at - start) / 1000;
  const width = Math.max('system'.length, ...ids.map((id) => `${id}.1`.length));
  const complete = exit.code === 0 && statSync(out).size === ids.length * lines * (80 + width + 3);
  if (!complete) console.log(`  note: the reference multiplexer did not produce its full output (exit ${exit.code ?? exit.signal}); its figure is left out`);
  const own = readRusage(rusageFile);
  rmSync(dir, { recursive: true, force: true });
  return complete ? { wallS, cpuS: own?.cpuS } : { wallS: undefined, cpuS: undefined };
}

/** The pty floor's reader, compiled into the bench's temporary directory; undefined (and why, printed) without cc. */
function buildPtyFloor() {
  const binary = join(TMP, 'pty-floor');
  try {
    execFileSync('cc', ['-O2', '-o', binary, PTY_FLOOR_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    return binary;
  } catch (error) {
    console.log(`  note: no pty floor (cc ${PTY_FLOOR_SOURCE.slice(ROOT.length + 1)}: ${String(error.stderr ?? error.message).trim().split('\n')[0]})`);
    return undefined;
  }
}

/**
 * The same writers, each on a pty of its own read by bench/pty-floor.c, which discards: the kernel's
 * tty layer alone (ONLCR makes each 80-byte line 81), what any pty-based runner pays before its own work.
 */
async function throughputPtyFloor(binary, ids, lines, run) {
  const start = now();
  const child = spawnTracked(binary, ids.map((id) => `exec node ${q(WRITER)} ${lines} ${id}`), { cwd: TMP, env: benchEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  let counts = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (counts += text));
  const exit = await within(child.exited, 120_000, 'the pty floor');
  const wallS = (exit.at - start) / 1000;
  await child.closed;
  const bytes = counts.trim().split('\n').map(Number);
  const ok = check(`throughput pty floor run ${run + 1}: writers exit 0 and each terminal gives ${lines * 81} bytes`, exit.code === 0 && bytes.length === ids.length && bytes.every((b) => b === lines * 81), `exit ${exit.code ?? exit.signal}; bytes ${bytes.join(', ')}`);
  return { wallS: ok ? wallS : undefined };
}

/** Throughput piped (PIPED) and/or in tty mode (TTY), against one direct baseline measured in the same rotation. */
async function benchThroughput({ piped, tty }) {
  const { writers, lines, throughputRuns } = SIZES;
  const ids = Array.from({ length: writers }, (_, i) => `w${i + 1}`);
  console.log(`\n== throughput${piped ? '' : ' (tty)'}: ${writers} processes x ${lines} lines of 80 bytes, median of ${throughputRuns} run(s)${piped && tty ? ', piped and with tty: true' : ''} ==`);
  const procfile = ids.map((id) => `${id}: node ${q(WRITER)} ${lines}\n`).join('');
  const tfYml = (extra) => `# every writer exits after its last line; with "ignore" tf runs until all have exited\nprocesses:\n${ids.map((id) => `  ${id}: {restart: ignore${extra}}\n`).join('')}`;
  const app = makeApp('throughput', procfile, tfYml(''));
  const ttyApp = tty ? makeApp('throughput-tty', procfile, tfYml(', tty: true')) : undefined;
  const floorBinary = tty ? buildPtyFloor() : undefined;
  const base = [];
  const tf = [];
  const ref = [];
  const ttyTf = [];
  const floor = [];
  const steps = [
    async (run) => base.push(await throughputBaseline(ids, lines, run)),
    piped && (async (run) => tf.push(await throughputTf(app, ids, lines, run))),
    piped && (async (run) => ref.push(await throughputReference(ids, lines, run))),
    tty && (async (run) => ttyTf.push(await throughputTf(ttyApp, ids, lines, run, 'tf (tty)'))),
    floorBinary && (async (run) => floor.push(await throughputPtyFloor(floorBinary, ids, lines, run))),
  ].filter(Boolean);
  for (let run = 0; run < throughputRuns; run++) {
    // Rotate the order so that drift (page cache, other load) does not favour one side.
    for (let i = 0; i < steps.length; i++) await steps[(i + run) % steps.length](run);
  }
  const baseWall = median(base.map((r) => r.wallS));
  if (piped) reportThroughput(base, tf, ref);
  if (tty) reportTtyThroughput(baseWall, ttyTf, floor);
}

/**
 * The tty rows. The direct baseline of a tty process is the same writers on a terminal with no tf:
 * each on a pty of its own, read by bench/pty-floor.c, which discards. The target (tf tty <= 2x it)
 * is measured against that; the files baseline of the piped row is printed beside it, since a
 * terminal costs a fast printer more than a file under any runner (the kernel's tty layer).
 */
function reportTtyThroughput(baseWall, tf, floor) {
  const { writers, lines } = SIZES;
  const tfWall = median(tf.map((t) => t.wallS));
  const floorWall = median(floor.map((f) => f.wallS));
  const r = ratio(tfWall, floorWall);
  const filesRatio = ratio(tfWall, baseWall);
  const floorRatio = ratio(floorWall, baseWall);
  const linesOk = tf.reduce((sum, t) => sum + t.verified.linesOk, 0);
  const linesExpected = tf.reduce((sum, t) => sum + t.verified.linesExpected, 0);
  // Without cc there is no direct tty baseline: no verdict rather than one against the wrong baseline.
  const pass = r === undefined ? undefined : r <= TARGETS.ttyThroughputRatio && linesOk === linesExpected;
  const tfCpu = median(tf.map((t) => t.tfCpuS));
  console.log(
    `throughput (tty)  ${writers} x ${lines} lines   direct on ptys ${seconds(floorWall)}   tf tty ${seconds(tfWall)} (${x(r)}, target <= ${TARGETS.ttyThroughputRatio}x) ${pass === undefined ? 'NO VERDICT (no cc for the direct tty baseline)' : verdict(pass)}   tf cpu ${seconds(tfCpu)}   lines ok ${linesOk}/${linesExpected}`,
  );
  console.log(`  tf tty runs    ${runs(tf.map((t) => t.wallS))}   tf cpu ${seconds(tfCpu)} (user ${seconds(median(tf.map((t) => t.tfUserS)))}, sys ${seconds(median(tf.map((t) => t.tfSystemS)))})   writers' and shims' cpu under tf ${seconds(median(tf.map((t) => (t.tfCpuS === undefined ? undefined : t.totalCpuS - t.tfCpuS))))}`);
  console.log(`  direct on ptys ${runs(floor.map((f) => f.wallS))}   median ${seconds(floorWall)}: the writers on ptys read by bench/pty-floor.c, which discards (the kernel's tty layer alone, what any pty runner pays)`);
  console.log(`  against the files baseline ${seconds(baseWall)}: the ptys alone ${x(floorRatio)}, tf tty ${x(filesRatio)}   tf peak rss ${mib(median(tf.map((t) => t.tfMaxRssKiB)))}`);
  target('throughput (tty)', 'wall time', `${seconds(floorWall)} (direct on ptys)`, seconds(tfWall), `<= ${TARGETS.ttyThroughputRatio}x`, pass, `${x(r)}; ${x(filesRatio)} of the files baseline`);
  target('throughput (tty)', 'ptys, no tf (reference)', seconds(baseWall), seconds(floorWall), '- (reference)', undefined, `${x(floorRatio)} of the files baseline`);
  results.benchmarks.throughputTty = {
    processes: writers,
    linesPerProcess: lines,
    baselineWallS: round(baseWall),
    tf: { wallS: round(tfWall), runsWallS: tf.map((t) => round(t.wallS)), cpuS: round(tfCpu), maxRssMiB: round(median(tf.map((t) => t.tfMaxRssKiB)) / 1024, 1) },
    ptyFloor: { what: 'the writers on ptys read by bench/pty-floor.c, which discards', wallS: round(floorWall), runsWallS: floor.map((f) => round(f.wallS)), ratio: round(floorRatio) },
    ratio: round(r),
    target: `tf tty wall <= ${TARGETS.ttyThroughputRatio}x the same writers on ptys without tf`,
    filesRatio: round(filesRatio),
    pass,
    lines: { ok: linesOk, expected: linesExpected },
  };
}

/** The piped rows: tf against the direct baseline, bench/mux.mjs beside them. */
function reportThroughput(base, tf, ref) {
  const { writers, lines } = SIZES;
  const baseWall = median(base.map((r) => r.wallS));
  const tfWall = median(tf.map((r) => r.wallS));
  const r = ratio(tfWall, baseWall);
  const pass = r !== undefined && r <= TARGETS.throughputRatio;
  const tfCpu = median(tf.map((t) => t.tfCpuS));
  const tfRss = median(tf.map((t) => t.tfMaxRssKiB));
  const writersUnderTf = median(tf.map((t) => (t.tfCpuS === undefined ? undefined : t.totalCpuS - t.tfCpuS)));
  const linesOk = tf.reduce((sum, t) => sum + t.verified.linesOk, 0);
  const linesExpected = tf.reduce((sum, t) => sum + t.verified.linesExpected, 0);
  const mbPerS = tfWall ? (tf[0].outBytes / 1e6) / tfWall : undefined;

  console.log(
    `throughput  ${writers} x ${lines} lines   baseline ${seconds(baseWall)}   tf ${seconds(tfWall)} (${x(r)}, target <= ${TARGETS.throughputRatio}x) ${verdict(pass)}   tf cpu ${seconds(tfCpu)}   lines ok ${linesOk}/${linesExpected}`,
  );
  console.log(`  baseline runs  ${runs(base.map((b) => b.wallS))}   writers' cpu ${seconds(median(base.map((b) => b.cpuS)))} (stdout to one file each)`);
  console.log(`  tf runs        ${runs(tf.map((t) => t.wallS))}   tf cpu ${seconds(tfCpu)} (user ${seconds(median(tf.map((t) => t.tfUserS)))}, sys ${seconds(median(tf.map((t) => t.tfSystemS)))})   writers' cpu under tf ${seconds(writersUnderTf)}`);
  const refWall = median(ref.map((m) => m.wallS));
  const refCpu = median(ref.map((m) => m.cpuS));
  console.log(`  reference      ${runs(ref.map((m) => m.wallS))}   median ${seconds(refWall)} (${x(ratio(refWall, baseWall))} of baseline), its cpu ${seconds(refCpu)}: bench/mux.mjs, a minimal multiplexer (not tf, not a target)`);
  console.log(`  tf peak rss ${mib(tfRss)}   tf output ${(tf[0].outBytes / 1e6).toFixed(1)} MB at ${mbPerS?.toFixed(1) ?? 'n/a'} MB/s   verified in ${seconds(median(tf.map((t) => t.verifyS)))}/run`);

  target('throughput', 'wall time', seconds(baseWall), seconds(tfWall), `<= ${TARGETS.throughputRatio}x`, pass, x(r));
  results.benchmarks.throughput = {
    processes: writers,
    linesPerProcess: lines,
    lineBytes: 80,
    baseline: { wallS: round(baseWall), runsWallS: base.map((b) => round(b.wallS)), cpuS: round(median(base.map((b) => b.cpuS))) },
    tf: {
      wallS: round(tfWall),
      runsWallS: tf.map((t) => round(t.wallS)),
      cpuS: round(tfCpu),
      userS: round(median(tf.map((t) => t.tfUserS))),
      systemS: round(median(tf.map((t) => t.tfSystemS))),
      writersCpuS: round(writersUnderTf),
      maxRssMiB: round(tfRss / 1024, 1),
      outputBytes: tf[0].outBytes,
      outputMBps: round(mbPerS, 1),
    },
    reference: { what: 'bench/mux.mjs, a minimal multiplexer (not tf, not a target)', wallS: round(refWall), runsWallS: ref.map((m) => round(m.wallS)), cpuS: round(refCpu), ratio: round(ratio(refWall, baseWall)) },
    ratio: round(r),
    target: `tf wall <= ${TARGETS.throughputRatio}x baseline`,
    pass,
    lines: { ok: linesOk, expected: linesExpected, runs: tf.map((t) => ({ ...t.verified, examples: t.verified.examples })) },
  };
}

// ---------------------------------------------------------------------------------------------------
// 2. Spawn

async function spawnRunTf(app, count, run, label = 'tf') {
  const rusageFile = join(app.dir, `rusage-${run}.json`);
  const start = now();
  const child = spawnTf(['start', `r=${count}`, '--no-timestamps', '-f', app.procfile], { cwd: app.dir, rusageFile });
  const ready = new Set();
  let misattributed = 0;
  let allReady;
  const done = new Promise((resolve) => (allReady = resolve));
  const output = [];
  onLines(child.stdout, (line) => {
    output.push(line);
    const match = /^(r\.\d+)\s+\| READY (\S+) pid=\d+$/.exec(line);
    if (!match) return;
    if (match[1] !== match[2]) misattributed++;
    ready.add(match[1]);
    if (ready.size === count) allReady(now());
  });
  const exitedEarly = child.exited.then((e) => {
    throw new Error(`tf exited (${e.code ?? e.signal}) before ${count} READY lines; stderr: ${child.stderrText}; output:\n${output.slice(-20).join('\n')}`);
  });
  const at = await within(Promise.race([done, exitedEarly]), 120_000, `${count} READY lines through tf`);
  exitedEarly.catch(() => {});
  const readyS = (at - start) / 1000;
  const memory = memoryOf(child.pid);
  const stopStart = now();
  kill(child.pid, 'SIGTERM');
  const exit = await within(child.exited, 30_000, 'tf to exit after SIGTERM');
  await child.closed;
  const stopS = (exit.at - stopStart) / 1000;
  const own = readRusage(rusageFile);
  check(`spawn ${label} run ${run + 1}: ${count} READY lines, each under its own name`, ready.size === count && misattributed === 0, `${ready.size} distinct, ${misattributed} misattributed`);
  check(`spawn ${label} run ${run + 1}: tf exits 143 on SIGTERM`, exit.code === 143, `exit ${exit.code ?? exit.signal}; stderr: ${child.stderrText.trim().slice(0, 300)}`);
  await noSurvivors(`spawn ${label} run ${run + 1}`);
  return { readyS, stopS, hwmKiB: memory.hwmKiB, rssKiB: memory.rssKiB, tfCpuS: own?.cpuS, exitMaxRssKiB: own?.maxRssKiB };
}

async function benchSpawn() {
  const { spawnCount: count, spawnRuns } = SIZES;
  console.log(`\n== spawn: ${count} processes until each printed READY, median of ${spawnRuns} run(s) ==`);
  const app = makeApp('spawn', `r: node ${q(READY)}\n`);
  const base = [];
  const tf = [];
  for (let run = 0; run < spawnRuns; run++) {
    if (run % 2 === 0) {
      base.push({ readyS: await startReadyDirectly({ node: NODE, script: READY, cwd: TMP, type: 'r', count, timeoutMs: 120_000 }) });
      tf.push(await spawnRunTf(app, count, run));
    } else {
      tf.push(await spawnRunTf(app, count, run));
      base.push({ readyS: await startReadyDirectly({ node: NODE, script: READY, cwd: TMP, type: 'r', count, timeoutMs: 120_000 }) });
    }
  }
  const baseReady = median(base.map((b) => b.readyS));
  const tfReady = median(tf.map((t) => t.readyS));
  const r = ratio(tfReady, baseReady);
  const pass = r !== undefined && r <= TARGETS.spawnRatio;
  const hwms = tf.map((t) => t.hwmKiB).filter((k) => typeof k === 'number');
  const hwm = hwms.length ? Math.max(...hwms) : undefined;
  const rssPass = hwm === undefined ? undefined : hwm / 1024 < TARGETS.spawnRssMiB;
  console.log(
    `spawn       ${count} x READY          baseline ${seconds(baseReady)}   tf ${seconds(tfReady)} (${x(r)}, target <= ${TARGETS.spawnRatio}x) ${verdict(pass)}   tf peak rss ${mib(hwm)} (target < ${TARGETS.spawnRssMiB} MiB) ${verdict(rssPass)}`,
  );
  console.log(`  baseline runs  ${runs(base.map((b) => b.readyS))} (the bench spawns the ${count} processes itself)`);
  console.log(`  tf runs        ${runs(tf.map((t) => t.readyS))}   tf cpu ${seconds(median(tf.map((t) => t.tfCpuS)))}   VmHWM per run ${runs(tf.map((t) => t.hwmKiB), mib)}   SIGTERM -> exit ${runs(tf.map((t) => t.stopS))}`);
  target('spawn', `time to ${count} READY`, seconds(baseReady), seconds(tfReady), `<= ${TARGETS.spawnRatio}x`, pass, x(r));
  target('spawn', 'tf peak RSS (VmHWM)', '-', mib(hwm), `< ${TARGETS.spawnRssMiB} MiB`, rssPass);
  results.benchmarks.spawn = {
    processes: count,
    baseline: { readyS: round(baseReady), runsReadyS: base.map((b) => round(b.readyS)) },
    tf: {
      readyS: round(tfReady),
      runsReadyS: tf.map((t) => round(t.readyS)),
      peakRssMiB: hwm === undefined ? null : round(hwm / 1024, 1),
      runsPeakRssMiB: tf.map((t) => (t.hwmKiB === undefined ? null : round(t.hwmKiB / 1024, 1))),
      cpuS: round(median(tf.map((t) => t.tfCpuS))),
      stopS: tf.map((t) => round(t.stopS)),
    },
    ratio: round(r),
    target: `tf <= ${TARGETS.spawnRatio}x baseline; tf VmHWM < ${TARGETS.spawnRssMiB} MiB`,
    pass,
    rssPass,
  };
}

/**
 * tty mode's start-up: 64 processes with tty: true until each printed READY, against the same
 * through pipes in the same runs (the target: within 1.5x of it). tf's memory per pty process is
 * its VmRSS with 64 tty processes READY minus with 64 piped ones, over 64 (the pty itself, the
 * shim's relay and the kernel's buffers are outside tf and not counted).
 */
async function benchSpawnTty() {
  const { spawnCount: count, spawnRuns } = SIZES;
  console.log(`\n== spawn (tty): ${count} processes with tty: true until each printed READY, against piped, median of ${spawnRuns} run(s) each ==`);
  const piped = makeApp('spawn-piped', `r: node ${q(READY)}\n`);
  const tty = makeApp('spawn-tty', `r: node ${q(READY)}\n`, 'processes:\n  r: {tty: true}\n');
  const pipedRuns = [];
  const ttyRuns = [];
  for (let run = 0; run < spawnRuns; run++) {
    if (run % 2 === 0) {
      pipedRuns.push(await spawnRunTf(piped, count, run, 'tf (piped, for tty)'));
      ttyRuns.push(await spawnRunTf(tty, count, run, 'tf (tty)'));
    } else {
      ttyRuns.push(await spawnRunTf(tty, count, run, 'tf (tty)'));
      pipedRuns.push(await spawnRunTf(piped, count, run, 'tf (piped, for tty)'));
    }
  }
  const pipedReady = median(pipedRuns.map((t) => t.readyS));
  const ttyReady = median(ttyRuns.map((t) => t.readyS));
  const r = ratio(ttyReady, pipedReady);
  const pass = r !== undefined && r <= TARGETS.ttySpawnRatio;
  const perPty = (field) => {
    const diff = median(ttyRuns.map((t) => t[field])) - median(pipedRuns.map((t) => t[field]));
    return Number.isFinite(diff) ? diff / count : undefined;
  };
  const rssPerPty = perPty('rssKiB');
  const hwmPerPty = perPty('hwmKiB');
  const kib = (value) => (value === undefined ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(0)} KiB`);
  console.log(`spawn (tty)  ${count} x READY   piped ${seconds(pipedReady)}   tty ${seconds(ttyReady)} (${x(r)}, target <= ${TARGETS.ttySpawnRatio}x) ${verdict(pass)}`);
  console.log(`  piped runs     ${runs(pipedRuns.map((t) => t.readyS))}   VmRSS at READY ${runs(pipedRuns.map((t) => t.rssKiB), mib)}   VmHWM ${runs(pipedRuns.map((t) => t.hwmKiB), mib)}`);
  console.log(`  tty runs       ${runs(ttyRuns.map((t) => t.readyS))}   VmRSS at READY ${runs(ttyRuns.map((t) => t.rssKiB), mib)}   VmHWM ${runs(ttyRuns.map((t) => t.hwmKiB), mib)}`);
  console.log(`  tf's memory per pty process ${kib(rssPerPty)} (median VmRSS of tf with ${count} tty processes READY minus with ${count} piped, / ${count}); peak (VmHWM) ${kib(hwmPerPty)}`);
  target('spawn (tty)', `time to ${count} READY`, `${seconds(pipedReady)} (piped)`, seconds(ttyReady), `<= ${TARGETS.ttySpawnRatio}x`, pass, x(r));
  target('spawn (tty)', 'tf memory per pty', '-', kib(rssPerPty), '- (reported)', undefined, `VmHWM ${kib(hwmPerPty)}`);
  results.benchmarks.spawnTty = {
    processes: count,
    piped: { readyS: round(pipedReady), runsReadyS: pipedRuns.map((t) => round(t.readyS)), rssKiB: pipedRuns.map((t) => t.rssKiB ?? null), hwmKiB: pipedRuns.map((t) => t.hwmKiB ?? null) },
    tty: { readyS: round(ttyReady), runsReadyS: ttyRuns.map((t) => round(t.readyS)), rssKiB: ttyRuns.map((t) => t.rssKiB ?? null), hwmKiB: ttyRuns.map((t) => t.hwmKiB ?? null) },
    ratio: round(r),
    target: `tty <= ${TARGETS.ttySpawnRatio}x piped`,
    pass,
    memoryPerPtyKiB: { rss: round(rssPerPty, 1), hwm: round(hwmPerPty, 1), how: `median VmRSS (VmHWM) of tf with ${count} tty processes READY minus with ${count} piped, / ${count}` },
  };
}

// ---------------------------------------------------------------------------------------------------
// 3. Stop

async function stopBaseline(count, drainMs) {
  const children = [];
  const lastLines = new Set();
  let ready = 0;
  let allReady;
  const done = new Promise((resolve) => (allReady = resolve));
  for (let i = 1; i <= count; i++) {
    const name = `d.${i}`;
    const child = spawnTracked(NODE, [DRAIN, String(drainMs)], { cwd: TMP, env: benchEnv({ PS: name }), stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    onLines(child.stdout, (line) => {
      if (line.startsWith(`READY ${name} `) && ++ready === count) allReady();
      if (line === `${name} last line`) lastLines.add(name);
    });
    children.push(child);
  }
  try {
    await within(done, 60_000, `${count} READY lines from the baseline drain processes`);
    const start = now();
    for (const child of children) kill(child.pid, 'SIGTERM');
    const exits = await within(Promise.all(children.map((c) => c.exited)), 20_000, 'the baseline drain processes to exit');
    const stopS = (Math.max(...exits.map((e) => e.at)) - start) / 1000;
    await Promise.all(children.map((c) => c.closed));
    check(`stop baseline: every process printed its last line`, lastLines.size === count, `${lastLines.size}/${count}`);
    return { stopS };
  } finally {
    for (const child of children) kill(child.pid, 'SIGKILL');
  }
}

async function stopTf(app, count, run) {
  const child = spawnTf(['start', `d=${count}`, '--no-timestamps', '-f', app.procfile], { cwd: app.dir });
  const ready = new Set();
  const lastLines = new Set();
  const output = [];
  let allReady;
  const done = new Promise((resolve) => (allReady = resolve));
  onLines(child.stdout, (line) => {
    output.push(line);
    const readyMatch = /^(d\.\d+)\s+\| READY (\S+) /.exec(line);
    if (readyMatch && readyMatch[1] === readyMatch[2]) {
      ready.add(readyMatch[1]);
      if (ready.size === count) allReady();
    }
    const last = /^(d\.\d+)\s+\| (\S+) last line$/.exec(line);
    if (last && last[1] === last[2]) lastLines.add(last[1]);
  });
  const exitedEarly = child.exited.then((e) => {
    throw new Error(`tf exited (${e.code ?? e.signal}) before ${count} READY lines; stderr: ${child.stderrText}`);
  });
  await within(Promise.race([done, exitedEarly]), 60_000, `${count} READY lines through tf`);
  exitedEarly.catch(() => {});
  const start = now();
  kill(child.pid, 'SIGTERM');
  const exit = await within(child.exited, 30_000, 'tf to exit after SIGTERM');
  const stopS = (exit.at - start) / 1000;
  await child.closed;
  check(`stop tf run ${run + 1}: every process's last line is in tf's output`, lastLines.size === count, `${lastLines.size}/${count}: ${[...lastLines].join(', ')}`);
  check(`stop tf run ${run + 1}: tf exits 143 on SIGTERM`, exit.code === 143, `exit ${exit.code ?? exit.signal}`);
  await noSurvivors(`stop tf run ${run + 1}`);
  const killed = output.filter((line) => /SIGKILL/.test(line));
  return { stopS, sigkills: killed.length, lastLinesOk: lastLines.size === count };
}

async function benchStop() {
  const { stopCount: count, drainMs, stopRuns } = SIZES;
  console.log(`\n== stop: ${count} processes that drain ${drainMs} ms on SIGTERM, median of ${stopRuns} run(s) ==`);
  const app = makeApp('stop', `d: node ${q(DRAIN)} ${drainMs}\n`);
  const base = [];
  const tf = [];
  for (let run = 0; run < stopRuns; run++) {
    if (run % 2 === 0) {
      base.push(await stopBaseline(count, drainMs));
      tf.push(await stopTf(app, count, run));
    } else {
      tf.push(await stopTf(app, count, run));
      base.push(await stopBaseline(count, drainMs));
    }
  }
  const baseStop = median(base.map((b) => b.stopS));
  const tfStop = median(tf.map((t) => t.stopS));
  const limitS = (drainMs + TARGETS.stopOverDrainMs) / 1000;
  const pass = tfStop !== undefined && tfStop < limitS;
  console.log(
    `stop        ${count} x drain ${drainMs} ms   baseline ${seconds(baseStop)}   tf ${seconds(tfStop)} (drain + ${((tfStop - drainMs / 1000) * 1000).toFixed(0)} ms, target < ${seconds(limitS)}) ${verdict(pass)}   worst ${seconds(Math.max(...tf.map((t) => t.stopS)))}   last lines ${tf.every((t) => t.lastLinesOk) ? 'all there' : 'MISSING'}`,
  );
  console.log(`  baseline runs  ${runs(base.map((b) => b.stopS))} (SIGTERM from the bench to each process, until the last exit)`);
  console.log(`  tf runs        ${runs(tf.map((t) => t.stopS))} (SIGTERM to tf until tf exits)${tf.some((t) => t.sigkills) ? '   NOTE: tf escalated to SIGKILL' : ''}`);
  target('stop', 'SIGTERM -> exit', seconds(baseStop), seconds(tfStop), `< ${seconds(limitS)}`, pass, `drain + ${((tfStop - drainMs / 1000) * 1000).toFixed(0)} ms`);
  results.benchmarks.stop = {
    processes: count,
    drainMs,
    baseline: { stopS: round(baseStop), runsStopS: base.map((b) => round(b.stopS)) },
    tf: { stopS: round(tfStop), runsStopS: tf.map((t) => round(t.stopS)), worstS: round(Math.max(...tf.map((t) => t.stopS))) },
    overDrainMs: round((tfStop - drainMs / 1000) * 1000, 0),
    target: `tf < drain + ${TARGETS.stopOverDrainMs} ms = ${drainMs + TARGETS.stopOverDrainMs} ms`,
    pass,
  };
}

// ---------------------------------------------------------------------------------------------------
// 4. One-off overhead

function timeOnce(file, args, cwd) {
  const start = now();
  const result = spawnSync(file, args, { cwd, env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const s = (now() - start) / 1000;
  return { s, status: result.status, stdout: result.stdout?.toString() ?? '', stderr: result.stderr?.toString() ?? '' };
}

async function benchOneOff() {
  const { oneOffRuns } = SIZES;
  console.log(`\n== one-off: median of ${oneOffRuns} interleaved runs each ==`);
  const app = makeApp('oneoff', `web: node server.js\n`);
  const commands = [
    { key: 'node', label: 'node -e 0', file: NODE, args: ['-e', '0'] },
    { key: 'run', label: 'tf run true', file: NODE, args: [TF, 'run', 'true'] },
    { key: 'version', label: 'tf --version', file: NODE, args: [TF, '--version'] },
    { key: 'sh', label: 'sh -c true', file: '/bin/sh', args: ['-c', 'true'] },
  ];
  const samples = Object.fromEntries(commands.map((c) => [c.key, []]));
  const statuses = Object.fromEntries(commands.map((c) => [c.key, new Set()]));
  for (const c of commands) timeOnce(c.file, c.args, app.dir); // warm the page cache
  for (let run = 0; run < oneOffRuns; run++) {
    // Rotate the order each round so no command always follows the same one.
    for (let i = 0; i < commands.length; i++) {
      const c = commands[(i + run) % commands.length];
      const t = timeOnce(c.file, c.args, app.dir);
      samples[c.key].push(t.s);
      statuses[c.key].add(t.status);
    }
  }
  for (const c of commands) check(`one-off: ${c.label} exits 0`, statuses[c.key].size === 1 && statuses[c.key].has(0), `statuses ${[...statuses[c.key]].join(',')}`);
  const version = timeOnce(NODE, [TF, '--version'], app.dir).stdout.trim();
  const pkgVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  check('one-off: tf --version prints the package version', version === pkgVersion, `printed ${JSON.stringify(version)}, package.json has ${pkgVersion}`);
  const shellForm = timeOnce(NODE, [TF, 'run', 'exit 3'], app.dir);
  check('one-off: tf run "exit 3" (a shell command line) returns 3', shellForm.status === 3, `returned ${shellForm.status}; stderr: ${shellForm.stderr.trim()}`);
  const argvForm = timeOnce(NODE, [TF, 'run', 'sh', '-c', 'exit 4'], app.dir);
  check('one-off: tf run sh -c "exit 4" (an argv) returns 4', argvForm.status === 4, `returned ${argvForm.status}; stderr: ${argvForm.stderr.trim()}`);

  const m = Object.fromEntries(commands.map((c) => [c.key, median(samples[c.key])]));
  const runRatio = ratio(m.run, m.node);
  const runPass = runRatio !== undefined && runRatio <= TARGETS.runRatio;
  const versionExtraMs = (m.version - m.node) * 1000;
  const versionPass = versionExtraMs <= TARGETS.versionExtraMs;
  console.log(`one-off     tf run true             baseline node -e 0 ${seconds(m.node)}   tf ${seconds(m.run)} (${x(runRatio)}, target <= ${TARGETS.runRatio}x) ${verdict(runPass)}`);
  console.log(`one-off     tf --version            baseline node -e 0 ${seconds(m.node)}   tf ${seconds(m.version)} (+${versionExtraMs.toFixed(0)} ms, target <= +${TARGETS.versionExtraMs} ms) ${verdict(versionPass)}`);
  console.log(`  reference sh -c true ${seconds(m.sh)}`);
  for (const c of commands) console.log(`  ${c.label.padEnd(13)} min ${seconds(Math.min(...samples[c.key])).padEnd(8)} runs ${runs(samples[c.key])}`);
  target('one-off', 'tf run true', `${seconds(m.node)} (node -e 0)`, seconds(m.run), `<= ${TARGETS.runRatio}x`, runPass, x(runRatio));
  target('one-off', 'tf --version', `${seconds(m.node)} (node -e 0)`, seconds(m.version), `<= +${TARGETS.versionExtraMs} ms`, versionPass, `+${versionExtraMs.toFixed(0)} ms`);
  results.benchmarks.oneoff = {
    runs: oneOffRuns,
    medianS: Object.fromEntries(commands.map((c) => [c.label, round(m[c.key], 4)])),
    minS: Object.fromEntries(commands.map((c) => [c.label, round(Math.min(...samples[c.key]), 4)])),
    samplesS: Object.fromEntries(commands.map((c) => [c.label, samples[c.key].map((s) => round(s, 4))])),
    run: { ratio: round(runRatio), target: `tf run true <= ${TARGETS.runRatio}x node -e 0`, pass: runPass },
    version: { extraMs: round(versionExtraMs, 1), target: `tf --version <= node -e 0 + ${TARGETS.versionExtraMs} ms`, pass: versionPass },
  };
}

/**
 * How soon `tf start` has its first process running: from exec of tf to the moment a `date +%s%N`
 * in the Procfile reads the clock, against bench/mux.mjs doing the same. A reference, not a target:
 * this is what start-up work moves, and what the throughput figure pays once before any line.
 */
function benchFirstProcess() {
  const { oneOffRuns } = SIZES;
  const app = makeApp('first-process', 'first: date +%s%N\n', 'processes:\n  first: {restart: ignore}\n');
  const sides = [
    { key: 'tf', args: [TF, 'start', '--no-timestamps'] },
    { key: 'mux', args: [MUX, 'first.1=date +%s%N'] },
  ];
  const samples = { tf: [], mux: [] };
  for (let run = 0; run < oneOffRuns; run++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(i + run) % sides.length];
      const startedNs = BigInt(Date.now()) * 1_000_000n;
      const t = timeOnce(NODE, side.args, app.dir);
      const read = /\b(\d{19})\b/.exec(t.stdout)?.[1];
      check(`first process: ${side.key} run ${run + 1} exits 0 and the process prints the clock`, t.status === 0 && read !== undefined, `status ${t.status}; ${t.stdout.slice(0, 200)}`);
      if (read !== undefined) samples[side.key].push(Number(BigInt(read) - startedNs) / 1e9);
    }
  }
  const tfS = median(samples.tf);
  const muxS = median(samples.mux);
  console.log(`start-up    tf start: first process  ${seconds(tfS)} after exec of tf   bench/mux.mjs ${seconds(muxS)} (a reference, not a target; median of ${oneOffRuns})`);
  console.log(`  runs: tf ${runs(samples.tf)}   mux ${runs(samples.mux)}`);
  results.benchmarks.firstProcess = { runs: oneOffRuns, tfS: round(tfS, 4), referenceS: round(muxS, 4), tfRunsS: samples.tf.map((s) => round(s, 4)), referenceRunsS: samples.mux.map((s) => round(s, 4)) };
}

// ---------------------------------------------------------------------------------------------------

function summary() {
  console.log('\n== summary ==');
  const header = ['benchmark', 'metric', 'baseline', 'tf', 'target', 'result'];
  const rows = targetRows.map((t) => [t.bench, t.metric, t.baseline, t.tf, t.target, `${verdict(t.pass)}${t.note ? ` (${t.note})` : ''}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}`);
  const met = targetRows.filter((t) => t.pass).length;
  // A reference row (no target, pass undefined) is shown but not counted.
  const targeted = targetRows.filter((t) => t.pass !== undefined).length;
  const failedChecks = checks.filter((c) => !c.ok);
  console.log(`targets met: ${met}/${targeted}   correctness checks: ${checks.length - failedChecks.length}/${checks.length} ok`);
  for (const c of failedChecks) console.log(`  FAILED: ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  results.summary = { targetsMet: met, targets: targeted, checksOk: checks.length - failedChecks.length, checks: checks.length, rows: targetRows };
}

async function main() {
  const started = now();
  const nodeStart = median([0, 1, 2].map(() => timeOnce(NODE, ['-e', '0'], TMP).s));
  console.log(`tf bench${QUICK ? ' (BENCH_QUICK: sizes scaled down, one run each: a smoke run; the targets are meant for the full sizes)' : ''}: node ${process.version}, ${cpus().length} cpu(s) ${cpus()[0]?.model ?? ''}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node -e 0 ~${seconds(nodeStart)}`);
  results.machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30, 1), loadavg: loadavg(), platform: process.platform };
  results.startedAt = new Date().toISOString();
  if (wanted('throughput') || wanted('tty')) await benchThroughput({ piped: wanted('throughput'), tty: wanted('tty') });
  if (wanted('spawn')) await benchSpawn();
  if (wanted('tty')) await benchSpawnTty();
  if (wanted('stop')) {
    await benchStop();
    await benchStopTree({ tmp: TMP, quick: QUICK, tf: TF, node: NODE, fixtures: join(ROOT, 'test', 'fixtures'), check, target, results });
  }
  if (wanted('oneoff')) {
    await benchOneOff();
    benchFirstProcess();
  }
  if (wanted('release')) await benchRelease({ tmp: TMP, quick: QUICK, tf: TF, node: NODE, check, target, results });
  if (wanted('control')) await benchControl({ tmp: TMP, quick: QUICK, tf: TF, node: NODE, bench: BENCH, check, target, results });
  if (wanted('env')) await benchEnvExpansion({ tmp: TMP, quick: QUICK, tf: TF, node: NODE, check, target, results });
  if (wanted('metrics')) await benchMetrics({ tmp: TMP, quick: QUICK, tf: TF, node: NODE, check, target, results });
  if (wanted('ui')) await benchUi({ tmp: TMP, quick: QUICK, tf: TF, node: NODE, bench: BENCH, check, target, results });
  if (wanted('page')) benchPage({ root: ROOT, check, target, results });
  summary();
  results.loadavgAtEnd = loadavg();
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates and scatters every figure)`);
  results.durationS = round((now() - started) / 1000, 1);
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`bench took ${seconds(results.durationS)}; figures written to ${RESULTS.slice(ROOT.length + 1)}`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

let exiting = false;
function cleanUp() {
  killEverything();
  rmSync(TMP, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    console.error(`\nbench: ${signal}, stopping everything it started`);
    cleanUp();
    process.exit(130);
  });
}

let status;
try {
  status = await main();
} catch (error) {
  console.error(`\nbench: error: ${error instanceof Error ? error.stack : error}`);
  status = 2;
} finally {
  exiting = true;
  cleanUp();
}
process.exit(status);
