// Stop-tree benchmark for bench/run.mjs (issue 9, "SIGKILL on time"): one process that ignores
// SIGTERM with 1,000 idle children that ignore it too (test/fixtures/many-children.sh), under tf.
//
//   SIGTERM -> exit   tf start -t 1 (1 s drain), SIGTERM to tf until tf has exited: after the drain,
//                     SIGKILL must reach all 1,001 processes at once; target drain + 150 ms
//   2nd Ctrl-C -> exit  tf start -t 600, Ctrl-C, then a second Ctrl-C ("kills at once"): from the
//                     second until tf has exited; target 150 ms
//
// Baseline, in the same run: the same workload started directly (its own session and group), then
// SIGKILL to its group from the bench, until the leader has exited (and, for the first row, after
// the same drain). Every run checks that no process of the 1,001 is left.
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchEnv, kill, median, now, onLines, round, seconds, sleep, spawnTracked, survivors, taggedProcesses, within } from './support.mjs';

export const STOP_TREE_TARGETS = { overDrainMs: 150, secondCtrlCMs: 150 };

const CHILDREN = 1000;
const DRAIN_MS = 1000;

/** Resolves once every tagged process is gone (the bench's own tag: the 1,001 keep their environment). */
async function allGone(timeoutMs) {
  const deadline = now() + timeoutMs;
  while (taggedProcesses().length > 0) {
    if (now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Waits for a stdout line containing `text`; rejects if tf exits first. */
function lineOf(child, text, what) {
  return within(
    new Promise((resolve, reject) => {
      onLines(child.stdout, (line) => line.includes(text) && resolve(line));
      child.exited.then((e) => reject(new Error(`tf exited (${e.code ?? e.signal}) before ${what}; stderr: ${child.stderrText}`)));
    }),
    120_000,
    what,
  );
}

function startTf(ctx, dir, drainArg) {
  const child = spawnTracked(ctx.node, [ctx.tf, 'start', '--no-timestamps', '-t', drainArg], { cwd: dir, env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderrText = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (child.stderrText += text));
  return child;
}

async function tfSigterm(ctx, dir, run) {
  const child = startTf(ctx, dir, String(DRAIN_MS / 1000));
  await lineOf(child, 'READY many', `READY from the ${CHILDREN}-child workload`);
  const start = now();
  kill(child.pid, 'SIGTERM');
  const exit = await within(child.exited, 300_000, 'tf to exit after SIGTERM');
  const stopS = (exit.at - start) / 1000;
  ctx.check(`stop tree run ${run + 1}: tf exits 143 on SIGTERM`, exit.code === 143, `exit ${exit.code ?? exit.signal}`);
  const left = await survivors(5000);
  ctx.check(`stop tree run ${run + 1}: no process left running after SIGTERM`, left.length === 0, `${left.length} left: ${left.slice(0, 3).join('; ')}`);
  return stopS;
}

async function tfSecondCtrlC(ctx, dir, run) {
  const child = startTf(ctx, dir, '600');
  await lineOf(child, 'READY many', `READY from the ${CHILDREN}-child workload`);
  const signalled = lineOf(child, 'sending SIGTERM', 'tf to forward the first Ctrl-C');
  kill(child.pid, 'SIGINT');
  await signalled;
  const start = now();
  kill(child.pid, 'SIGINT');
  const exit = await within(child.exited, 300_000, 'tf to exit after a second Ctrl-C');
  const stopS = (exit.at - start) / 1000;
  ctx.check(`stop tree run ${run + 1}: tf exits 130 on a second Ctrl-C`, exit.code === 130, `exit ${exit.code ?? exit.signal}`);
  const left = await survivors(5000);
  ctx.check(`stop tree run ${run + 1}: no process left running after a second Ctrl-C`, left.length === 0, `${left.length} left: ${left.slice(0, 3).join('; ')}`);
  return stopS;
}

/** The workload without tf: SIGKILL to its group until its leader has exited. */
async function baseline(ctx, script) {
  const child = spawnTracked('sh', [script, String(CHILDREN)], { env: benchEnv(), stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  await within(new Promise((resolve) => onLines(child.stdout, (line) => line.includes('READY many') && resolve())), 120_000, 'READY from the baseline workload');
  const start = now();
  kill(-child.pid, 'SIGKILL');
  const exit = await within(child.exited, 60_000, 'the baseline workload to die');
  await allGone(10_000);
  return (exit.at - start) / 1000;
}

/** ctx: { tmp, quick, tf, node, fixtures, check, target, results } */
export async function benchStopTree(ctx) {
  const runsWanted = ctx.quick ? 1 : 3;
  const script = join(ctx.fixtures, 'many-children.sh');
  const dir = join(ctx.tmp, 'stop-tree');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Procfile'), `many: sh '${script}' ${CHILDREN}\n`);
  console.log(`\n== stop tree: 1 process + ${CHILDREN} children, all ignoring SIGTERM, median of ${runsWanted} run(s) ==`);
  const base = [];
  const sigterm = [];
  const second = [];
  for (let run = 0; run < runsWanted; run++) {
    base.push(await baseline(ctx, script));
    sigterm.push(await tfSigterm(ctx, dir, run));
    second.push(await tfSecondCtrlC(ctx, dir, run));
  }
  const baseS = median(base);
  const sigtermS = median(sigterm);
  const secondS = median(second);
  const overDrainMs = (sigtermS - DRAIN_MS / 1000) * 1000;
  const sigtermLimitS = (DRAIN_MS + STOP_TREE_TARGETS.overDrainMs) / 1000;
  const secondLimitS = STOP_TREE_TARGETS.secondCtrlCMs / 1000;
  const sigtermPass = sigtermS < sigtermLimitS;
  const secondPass = secondS < secondLimitS;
  const verdict = (pass) => (pass ? 'PASS' : 'FAIL');
  console.log(`stop tree   SIGTERM -> exit, drain ${DRAIN_MS} ms   baseline ${seconds(DRAIN_MS / 1000 + baseS)}   tf ${seconds(sigtermS)} (drain + ${overDrainMs.toFixed(0)} ms, target < ${seconds(sigtermLimitS)}) ${verdict(sigtermPass)}   worst ${seconds(Math.max(...sigterm))}`);
  console.log(`stop tree   2nd Ctrl-C -> exit             baseline ${seconds(baseS)}   tf ${seconds(secondS)} (target < ${seconds(secondLimitS)}) ${verdict(secondPass)}   worst ${seconds(Math.max(...second))}`);
  console.log(`  baseline runs  ${base.map(seconds).join(', ')} (SIGKILL from the bench to the workload's group, until its leader exits)`);
  console.log(`  tf runs        SIGTERM ${sigterm.map(seconds).join(', ')}; second Ctrl-C ${second.map(seconds).join(', ')}`);
  ctx.target('stop tree', `SIGTERM -> exit (${CHILDREN} children)`, seconds(DRAIN_MS / 1000 + baseS), seconds(sigtermS), `< ${seconds(sigtermLimitS)}`, sigtermPass, `drain + ${overDrainMs.toFixed(0)} ms`);
  ctx.target('stop tree', `2nd Ctrl-C -> exit (${CHILDREN} children)`, seconds(baseS), seconds(secondS), `< ${seconds(secondLimitS)}`, secondPass);
  ctx.results.benchmarks.stopTree = {
    children: CHILDREN,
    drainMs: DRAIN_MS,
    baseline: { killS: round(baseS), runsKillS: base.map((s) => round(s)) },
    tf: { sigtermS: round(sigtermS), runsSigtermS: sigterm.map((s) => round(s)), secondCtrlCS: round(secondS), runsSecondCtrlCS: second.map((s) => round(s)) },
    overDrainMs: round(overDrainMs, 0),
    targets: { sigterm: `tf < drain + ${STOP_TREE_TARGETS.overDrainMs} ms`, secondCtrlC: `tf < ${STOP_TREE_TARGETS.secondCtrlCMs} ms` },
    pass: { sigterm: sigtermPass, secondCtrlC: secondPass },
  };
}
