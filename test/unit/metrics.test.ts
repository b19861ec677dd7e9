import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSize, readSize } from '../../src/config/size.js';
import { MemoryLimits, overLimitMessage } from '../../src/metrics/memory-limit.js';
import { ringCapacity, SampleRing } from '../../src/metrics/ring.js';
import { Sampler, type MetricsTarget } from '../../src/metrics/sampler.js';
import { treeUsages } from '../../src/metrics/tree-usage.js';
import { ProcfsTable } from '../../src/platform/procfs-table.js';
import { parseCpuTime, PsTable } from '../../src/platform/ps-table.js';
import type { ProcessTable } from '../../src/platform/process-table.js';
import { ManualTimers } from '../helpers/manual-timers.js';
import { waitFor } from '../helpers/wait.js';

describe('the sample ring', () => {
  it('keeps the last CAPACITY samples, oldest first, and never more', () => {
    const ring = new SampleRing(3);
    expect(ring.samples()).toEqual([]);
    for (let t = 1; t <= 7; t++) ring.push([t, t === 1 ? null : t * 10, t * 100]);
    expect(ring.size).toBe(3);
    expect(ring.samples()).toEqual([
      [5, 50, 500],
      [6, 60, 600],
      [7, 70, 700],
    ]);
    expect(ring.samples(5)).toEqual([
      [6, 60, 600],
      [7, 70, 700],
    ]);
    expect(ring.samples(7)).toEqual([]);
  });

  it('keeps a null CPU percent null', () => {
    const ring = new SampleRing(2);
    ring.push([1, null, 5]);
    expect(ring.samples()).toEqual([[1, null, 5]]);
  });

  it('holds 30 minutes: 900 samples at 2 s, 1800 at 1 s, one at least', () => {
    expect(ringCapacity(30 * 60_000, 2000)).toBe(900);
    expect(ringCapacity(30 * 60_000, 1000)).toBe(1800);
    expect(ringCapacity(30 * 60_000, 7000)).toBe(258);
    expect(ringCapacity(1000, 60_000)).toBe(1);
    expect(() => new SampleRing(0)).toThrow(RangeError);
  });
});

describe('sizes', () => {
  it.each([
    ['512M', 512 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    ['64k', 64 * 1024],
    ['100MB', 100 * 1024 ** 2],
    [' 2Gi ', 2 * 1024 ** 3],
  ])('reads %j', (text, bytes) => {
    expect(readSize(text)).toEqual({ ok: true, bytes });
  });

  it.each([512, '512', '', '-1M', 'M', '3T', null, '0K'])('refuses %j', (value) => {
    expect(readSize(value).ok).toBe(false);
  });

  it.each([
    [0, '0B'],
    [1000, '1000B'],
    [1024, '1K'],
    [50_536_000, '48.2M'],
    [512 * 1024 ** 2, '512M'],
    [530 * 1024 ** 2, '530M'],
    [1.5 * 1024 ** 3, '1.5G'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('ps time column', () => {
  it.each([
    ['00:01:02', 62_000],
    ['1-02:00:00', 26 * 3_600_000],
    ['1:02.35', 62_350],
    ['0:00.00', 0],
    ['12:34:56.5', 45_296_500],
  ])('reads %s', (text, ms) => {
    expect(parseCpuTime(text)).toBe(ms);
  });

  it('refuses what is not a time', () => {
    expect(parseCpuTime('-')).toBeUndefined();
    expect(parseCpuTime('')).toBeUndefined();
  });
});

describe('memory limits', () => {
  it('acts on the second sample in a row over the limit, not on a spike', () => {
    const limits = new MemoryLimits();
    expect(limits.exceeded('web.1', 600, 500)).toBe(false);
    expect(limits.exceeded('web.1', 400, 500)).toBe(false);
    expect(limits.exceeded('web.1', 600, 500)).toBe(false);
    expect(limits.exceeded('web.1', 600, 500)).toBe(true);
    // The count starts again after it acted, and for a new run.
    expect(limits.exceeded('web.1', 600, 500)).toBe(false);
    limits.forget('web.1');
    expect(limits.exceeded('web.1', 600, 500)).toBe(false);
    expect(limits.exceeded('web.1', null, 500)).toBe(false);
  });

  it('names the use, the limit and what the crash policy does', () => {
    const policy = { kind: 'restart' as const, limit: 10, windowMs: 300_000 };
    expect(overLimitMessage('web.1', 530 * 1024 ** 2, 512 * 1024 ** 2, policy)).toBe('web.1 used 530M, over its memory_limit 512M: restarting it (crash policy restart)');
    expect(overLimitMessage('web.1', 530 * 1024 ** 2, 512 * 1024 ** 2, { kind: 'stop' })).toBe('web.1 used 530M, over its memory_limit 512M: stopping it and every other process (crash policy stop)');
  });
});

// Real processes: a shell with two children, read through both tables.
const tables: Array<[string, ProcessTable]> = [
  ['/proc', new ProcfsTable()],
  ['ps', new PsTable()],
];
let tree: ChildProcess;

beforeAll(async () => {
  tree = spawn('sh', ['-c', 'sleep 600 & sleep 600 & wait'], { stdio: 'ignore' });
  await new Promise((spawned) => tree.once('spawn', spawned));
});

afterAll(() => {
  // The sleeps are the shell's children: the group goes (the shell leads none of its own here, so by pid).
  for (const stat of new ProcfsTable().all()) if (stat.ppid === tree.pid) process.kill(stat.pid, 'SIGKILL');
  tree.kill('SIGKILL');
});

describe.each(tables)('tree usage from %s', (_name, table) => {
  it('counts the process and its descendants, and their memory', async () => {
    const root = { pid: tree.pid!, countsItself: true };
    const usage = await waitFor(() => {
      const found = treeUsages(table, new Map([['t.1', root]])).get('t.1');
      return found && found.descendants === 2 ? found : undefined;
    }, 'the shell and its two sleeps');
    expect(usage.rootPid).toBe(tree.pid);
    // Three small processes: more than nothing, far less than 100 MB.
    expect(usage.memoryBytes).toBeGreaterThan(100 * 1024);
    expect(usage.memoryBytes).toBeLessThan(100 * 1024 ** 2);
    // Not counting the root (as for the shim): the two sleeps, one of them "itself".
    const under = treeUsages(table, new Map([['t.1', { ...root, countsItself: false }]])).get('t.1')!;
    expect(under.descendants).toBe(1);
    expect(under.memoryBytes).toBeLessThan(usage.memoryBytes);
  });

  it('reads nothing for a process that is gone', () => {
    expect(treeUsages(table, new Map([['gone.1', { pid: 2 ** 22 + 1, countsItself: true }]])).size).toBe(0);
  });
});

describe('the sampler', () => {
  it('samples running processes, leaves CPU null until two samples, and forgets a process scaled away', () => {
    const timers = new ManualTimers();
    let targets: MetricsTarget[] = [
      { name: 't.1', type: 't', root: { pid: tree.pid!, countsItself: true } },
      { name: 'idle.1', type: 'idle', root: undefined },
    ];
    const seen: string[] = [];
    const sampler = new Sampler({ intervalMs: 2000, timers, targets: () => targets, onSample: (name) => seen.push(name), table: new ProcfsTable() });
    sampler.start();
    timers.advance(2000);
    expect(sampler.latest('t.1')).toMatchObject({ cpuPercent: null, descendants: 2 });
    expect(sampler.latest('idle.1')).toEqual({ cpuPercent: null, rssBytes: null, descendants: 0 });
    timers.advance(2000);
    expect(sampler.latest('t.1').cpuPercent).toBeGreaterThanOrEqual(0);
    const history = sampler.history();
    expect(history.intervalMs).toBe(2000);
    expect(history.processes.map((p) => [p.name, p.type, p.samples.length])).toEqual([
      ['t.1', 't', 2],
      ['idle.1', 'idle', 0],
    ]);
    expect(sampler.history(history.processes[0]!.samples[0]![0]).processes[0]!.samples).toHaveLength(1);
    expect(seen).toEqual(['t.1', 't.1']);
    // A new run shows nothing of the old one's figures until sampled, and keeps the history.
    sampler.restarted('t.1');
    expect(sampler.latest('t.1')).toEqual({ cpuPercent: null, rssBytes: null, descendants: 0 });
    expect(sampler.history().processes[0]!.samples).toHaveLength(2);
    targets = [targets[1]!];
    timers.advance(2000);
    expect(sampler.history().processes.map((p) => p.name)).toEqual(['idle.1']);
    sampler.stop();
    timers.advance(10_000);
    expect(seen).toHaveLength(2);
  });

  it('never samples at interval 0', () => {
    const timers = new ManualTimers();
    const sampler = new Sampler({ intervalMs: 0, timers, targets: () => [{ name: 't.1', type: 't', root: { pid: tree.pid!, countsItself: true } }] });
    sampler.start();
    timers.advance(60_000);
    expect(sampler.history()).toEqual({ intervalMs: 0, processes: [] });
  });
});
