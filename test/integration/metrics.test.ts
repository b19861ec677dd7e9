import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawClient, socketOf, started, waitForPs, type ProcessRow } from '../helpers/control.js';
import { expectOneLineError } from '../helpers/errors.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

// Per-process CPU and memory, with descendants, read from real processes: one that holds ~100 MB,
// one whose shell runs a busy loop in a child.

const MB = 1024 ** 2;
/** A bytes object of 100 MB, written (so resident), then nothing to do. */
const HOG = `python3 -c "import time; b = b'x' * (100 << 20); print('allocated', flush=True); time.sleep(600)"`;
/** sh -c with the loop in a child (a subshell), so the CPU is a descendant's. */
const BUSY = `sh -c "while :; do :; done & wait"`;

interface Metered extends ProcessRow {
  cpuPercent: number | null;
  rssBytes: number | null;
  descendants: number;
}

type Samples = Array<[number, number | null, number]>;
type MetricsReply = { intervalMs: number; processes: Array<{ name: string; type: string; samples: Samples }> };

const row = (rows: ProcessRow[], name: string): Metered => rows.find((r) => r.name === name) as Metered;

async function metrics(root: string, since?: number): Promise<MetricsReply> {
  const client = new RawClient(socketOf(root));
  await client.connected();
  client.send(`${JSON.stringify({ v: 1, id: 1, cmd: 'metrics', ...(since === undefined ? {} : { since }) })}\n`);
  const [reply] = await client.reply();
  expect(reply).toMatchObject({ ok: true });
  client.socket.destroy();
  return reply!.result as MetricsReply;
}

describe.each([
  ['/proc', {}, 29000],
  ['ps (the macOS path)', { TF_PROCESS_TABLE: 'ps' }, 29100],
  // No shim: the tree is the process itself and its descendants.
  ['/proc, portable containment', { TF_CONTAINMENT: 'portable' }, 29150],
])('metrics read from %s', (_name, env, port) => {
  it('tf ps shows the memory of a 100 MB process and the CPU of a busy child, with descendants and totals', async () => {
    const root = tmpApp({ Procfile: `hog: ${HOG}\nbusy: ${BUSY}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', String(port), '--metrics-interval', '500ms'], { cwd: root, env });
    await started(tf);
    await tf.waitForLine(/allocated/);
    const rows = await waitForPs(root, (r) => (row(r, 'hog.1').rssBytes ?? 0) >= 90 * MB && row(r, 'busy.1').cpuPercent !== null && row(r, 'busy.1').descendants >= 1, 'the hog at 90 MB or more, the busy loop sampled', 30_000);
    const [hog, busy] = [row(rows, 'hog.1'), row(rows, 'busy.1')];
    await expectCpuLikeProc(root, 'busy.1', busy.pid!);
    expect(hog.rssBytes).toBeLessThan(400 * MB);
    // Its command line goes through sh, which may fork python rather than exec it.
    expect(hog.descendants).toBeLessThanOrEqual(1);
    // The sh and its looping subshell: one process under it.
    expect(busy.descendants).toBeGreaterThanOrEqual(1);
    expect(busy.rssBytes).toBeGreaterThan(0);

    const table = (await runTf(['ps'], { cwd: root })).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^NAME +PID +PORT +STATE +UPTIME +CPU% +MEM +RESTARTS +LAST EXIT$/);
    expect(table[1]).toMatch(/^hog\.1 +\d+ +\d+ +running +\d+s +\d+\.\d% +\d+(\.\d)?M +0 +-$/);
    expect(table[2]).toMatch(/^busy\.1 +\d+ +\d+ +running +\d+s +\d+\.\d% +\d+(\.\d)?[KM] +0 +-$/);
    expect(table[3]).toMatch(/^total +\d+\.\d% +\d+(\.\d)?M$/);

    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });
});

describe('the metrics control command', () => {
  it('returns samples oldest first that grow over time, and only the later ones with since', async () => {
    const root = tmpApp({ Procfile: 'idle: sleep 600\n' });
    const tf = startTf(['start', '--no-timestamps', '-p', '29200', 'idle=2', '--metrics-interval', '200ms'], { cwd: root });
    await started(tf);
    const count = (reply: MetricsReply): number => reply.processes[0]?.samples.length ?? 0;
    const first = await waitForReply(root, (reply) => count(reply) >= 2);
    expect(first.intervalMs).toBe(200);
    expect(first.processes.map((p) => [p.name, p.type])).toEqual([
      ['idle.1', 'idle'],
      ['idle.2', 'idle'],
    ]);
    const later = await waitForReply(root, (reply) => count(reply) > count(first));
    const samples = later.processes[0]!.samples;
    const times = samples.map(([time]) => time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.abs(times.at(-1)! - Date.now())).toBeLessThan(60_000);
    for (const [, cpu, rss] of samples.slice(1)) {
      expect(cpu).toBeGreaterThanOrEqual(0);
      expect(rss).toBeGreaterThan(0);
    }
    const since = times.at(-2)!;
    const recent = await metrics(root, since);
    expect(recent.processes[0]!.samples.length).toBeGreaterThanOrEqual(1);
    expect(recent.processes[0]!.samples.every(([time]) => time > since)).toBe(true);

    // Scaled away, a process takes its history with it.
    expect((await runTf(['scale', 'idle=1'], { cwd: root })).code).toBe(0);
    await waitForReply(root, (reply) => reply.processes.length === 1 && reply.processes[0]!.name === 'idle.1');

    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('answers intervalMs 0 and no numbers when sampling is off (metrics_interval: 0)', async () => {
    const root = tmpApp({ Procfile: 'idle: sleep 600\n', 'tf.yml': 'metrics_interval: 0\n' });
    const tf = startTf(['start', '--no-timestamps', '-p', '29210'], { cwd: root });
    await started(tf);
    expect(await metrics(root)).toEqual({ intervalMs: 0, processes: [] });
    const rows = await waitForPs(root, (r) => r[0]?.pid !== null, 'idle.1 to run');
    expect(row(rows, 'idle.1')).toMatchObject({ cpuPercent: null, rssBytes: null, descendants: 0 });
    expect((await runTf(['ps'], { cwd: root })).stdout).toMatch(/^idle\.1 +\d+ +\d+ +running +\d+s +- +- +0 +-$/m);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });
});

/** User + system time (reaped children included) of PID and its descendants, from /proc, in ms. */
function treeCpuMs(pid: number): number {
  const stats = readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return [{ pid: Number(entry), ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10 }];
    } catch {
      return [];
    }
  });
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats) {
      if (tree.has(stat.pid) || !tree.has(stat.ppid)) continue;
      tree.add(stat.pid);
      grew = true;
    }
  }
  return stats.filter((stat) => tree.has(stat.pid)).reduce((sum, stat) => sum + stat.ms, 0);
}

/**
 * NAME's CPU% in tf's samples over a few seconds agrees with what /proc counts for its tree over
 * the same span. On an idle machine the loop has a core and tf says more than 50%; on a loaded one
 * (other tests, other work) it gets less, and tf must say so too.
 */
async function expectCpuLikeProc(root: string, name: string, pid: number): Promise<void> {
  const [startMs, startCpu] = [Date.now(), treeCpuMs(pid)];
  await waitForReply(root, (reply) => (reply.processes.find((p) => p.name === name)?.samples.filter(([time]) => time > startMs + 500).length ?? 0) >= 8);
  const reply = await metrics(root, startMs + 500);
  const [endMs, endCpu] = [Date.now(), treeCpuMs(pid)];
  const measured = ((endCpu - startCpu) / (endMs - startMs)) * 100;
  const percents = reply.processes.find((p) => p.name === name)!.samples.map(([, cpu]) => cpu!);
  const average = percents.reduce((a, b) => a + b, 0) / percents.length;
  const context = `tf: ${percents.map((p) => p.toFixed(0)).join(' ')}, /proc: ${measured.toFixed(1)}%`;
  // ps counts CPU time in whole seconds on Linux: a few windows of 500 ms are coarse.
  expect(Math.abs(average - measured), context).toBeLessThanOrEqual(measured * 0.3 + 25);
  if (measured > 60) expect(Math.max(...percents), context).toBeGreaterThan(50);
}

async function waitForReply(root: string, check: (reply: MetricsReply) => boolean): Promise<MetricsReply> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reply = await metrics(root);
    if (check(reply)) return reply;
    if (Date.now() > deadline) throw new Error(`timed out waiting for metrics; last: ${JSON.stringify(reply).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('memory_limit', () => {
  it('restarts a process over its limit through its crash policy, and tf ps says why', async () => {
    const yml = ['processes:', '  hog:', '    memory_limit: 50M', '    restart: restart'].join('\n');
    const root = tmpApp({ Procfile: `hog: ${HOG}\n`, 'tf.yml': `${yml}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '29300', '--metrics-interval', '300ms'], { cwd: root });
    await started(tf);
    const line = await tf.waitForLine(/over its memory_limit/, 30_000);
    expect(line).toMatch(/^system +\| hog\.1 used \d+(\.\d)?M, over its memory_limit 50M: restarting it \(crash policy restart\)$/);
    const used = Number(/used (\d+(?:\.\d)?)M/.exec(line)![1]);
    expect(used).toBeGreaterThan(50);
    await tf.waitForLine(/restarting hog\.1 in /);
    const rows = await waitForPs(root, (r) => r[0]?.lastExitReason === 'memory', 'the last exit to be the memory limit');
    expect(rows[0]).toMatchObject({ lastExitReason: 'memory', lastExitSignal: 'SIGTERM' });
    expect(rows[0]!.restarts).toBeGreaterThanOrEqual(1);
    expect((await runTf(['ps'], { cwd: root })).stdout).toMatch(/^hog\.1 .* over memory_limit \(SIGTERM\)$/m);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('refuses a --metrics-interval that is not a duration, or too short, in one line', async () => {
    const root = tmpApp({ Procfile: 'idle: sleep 600\n' });
    expectOneLineError(await runTf(['start', '-p', '29320', '--metrics-interval', 'often'], { cwd: root }), /^tf: --metrics-interval: "often" is not a duration \(write e\.g\. 2s, 500ms, or 0 to turn sampling off\)$/);
    expectOneLineError(await runTf(['start', '-p', '29320', '--metrics-interval', '10ms'], { cwd: root }), /^tf: --metrics-interval: "10ms" is shorter than 100ms /);
  });

  it('refuses a memory_limit with sampling off, naming the file and line', async () => {
    const yml = ['metrics_interval: 0', 'processes:', '  hog:', '    memory_limit: 50M'].join('\n');
    const root = tmpApp({ Procfile: 'hog: sleep 600\n', 'tf.yml': `${yml}\n` });
    expectOneLineError(await runTf(['start', '-p', '29310'], { cwd: root }), /^tf: tf\.yml:1: metrics_interval 0 turns sampling off, but hog has a memory_limit that needs it \(sample \(e\.g\. every 2s\) or remove the memory_limit\)$/);
  });
});
