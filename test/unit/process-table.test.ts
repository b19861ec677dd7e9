import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcfsTable } from '../../src/platform/procfs-table.js';
import { parseLsofPids, parsePs, PsTable, shortName } from '../../src/platform/ps-table.js';
import type { ProcessTable } from '../../src/platform/process-table.js';

// The ps/lsof table is what runs on macOS; here it reads this machine's real ps and lsof, and must
// agree with /proc. lsof is required (Debian package lsof): without it no owner could be named.

const PORT = 29410;
const ENTRY = `TF_TABLE_TEST=${process.pid}-${Date.now()}`;
const tables: Array<[string, ProcessTable]> = [
  ['/proc', new ProcfsTable()],
  ['ps and lsof', new PsTable()],
];

let child: ChildProcess;
let server: Server;

beforeAll(async () => {
  child = spawn('sleep', ['600'], { env: { PATH: process.env.PATH, [ENTRY.split('=')[0]!]: ENTRY.split('=')[1]! }, stdio: 'ignore' });
  await new Promise((spawned) => child.once('spawn', spawned));
  server = createServer();
  await new Promise<void>((listening) => server.listen(PORT, '127.0.0.1', listening));
});

afterAll(async () => {
  child.kill('SIGKILL');
  await new Promise<void>((closed) => server.close(() => closed()));
});

/** A start time read by ps (YYYYMMDDhhmmss, UTC) as milliseconds since the epoch. */
function psStartMs(start: number): number {
  const d = String(start);
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14));
}

describe.each(tables)('the process table from %s', (_name, table) => {
  it('lists this process and its child with the parent, group and state /proc gives', () => {
    const all = table.all();
    const own = all.find((stat) => stat.pid === process.pid);
    const sleeper = all.find((stat) => stat.pid === child.pid);
    expect(own).toMatchObject({ ppid: process.ppid });
    expect(sleeper).toMatchObject({ ppid: process.pid, pgid: own!.pgid });
    expect(sleeper!.state).toMatch(/^[RS]/);
    expect(sleeper!.start).toBeGreaterThanOrEqual(own!.start);
    expect(all.length).toBeGreaterThan(2);
  });

  it('reads several processes in one go, and nothing for a process that is gone', () => {
    const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
    const stats = table.stats([process.pid, child.pid!, Number(gone.stdout)]);
    expect([...stats.keys()].sort()).toEqual([process.pid, child.pid!].sort());
    expect(table.stats([])).toEqual(new Map());
  });

  it('names what a process runs, and finds it by an entry of its environment', () => {
    expect(table.command(child.pid!)).toBe('sleep');
    expect(table.withEnvironment(ENTRY).map((stat) => stat.pid)).toEqual([child.pid]);
    expect(table.withEnvironment(`${ENTRY}0`)).toEqual([]);
  });

  it('names the listener of a TCP port', () => {
    expect(table.listeners(PORT)).toEqual([process.pid]);
  });
});

describe('ps and lsof output', () => {
  it('ps start times are the real start in UTC, to the second', () => {
    const own = new PsTable().stats([process.pid]).get(process.pid)!;
    const started = Date.now() - process.uptime() * 1000;
    expect(Math.abs(psStartMs(own.start) - started)).toBeLessThan(2500);
  });

  it('parses the real output of ps on this machine, and the form macOS prints', () => {
    const real = spawnSync('ps', ['-o', 'pid=,ppid=,pgid=,stat=,lstart=,comm=', '-p', String(child.pid)], { encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC' } });
    expect(parsePs(real.stdout)).toMatchObject([{ stat: { pid: child.pid, ppid: process.pid }, rest: 'sleep' }]);
    // macOS's ps: comm is the program's path; one-digit days are padded with a space.
    const mac = '  412     1   412 Ss   Tue Dec  1 03:28:04 2026     /usr/libexec/ControlCenter\n';
    expect(parsePs(mac)).toEqual([{ stat: { pid: 412, ppid: 1, pgid: 412, state: 'Ss', start: 20261201032804 }, rest: '/usr/libexec/ControlCenter' }]);
    expect(shortName('/usr/libexec/ControlCenter')).toBe('ControlCenter');
    expect(shortName('kworker/0:1')).toBe('kworker/0:1');
    expect(parsePs('  PID  PPID\nnot a row\n')).toEqual([]);
  });

  it('parses the real output of lsof -F p on this machine', () => {
    const real = spawnSync('lsof', ['-nP', `-iTCP:${PORT}`, '-sTCP:LISTEN', '-Fp'], { encoding: 'utf8' });
    expect(real.error, 'lsof must be installed (Debian: apt-get install lsof)').toBeUndefined();
    expect(parseLsofPids(real.stdout)).toEqual([process.pid]);
    expect(parseLsofPids('p412\nf5\np77\n')).toEqual([412, 77]);
  });
});
