import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { demoApp, expectDemoEnv, exportDemo, NOT_SHELL_NAMES, requireBinary, run, startEngine, skipWithout } from './engine.js';

const SKIP = skipWithout('runsvdir', 'sv', 's6-svscan', 's6-svc');

const SERVICES = ['demo-web-1', 'demo-web-2', 'demo-stubborn-1'];

interface Supervision {
  scanner: [string, string[]];
  status: (dir: string) => string;
  /** The pid of a service that is up, else undefined. */
  upPid: (dir: string) => number | undefined;
  isDown: (dir: string) => boolean;
  down: (dir: string) => void;
  /** Ends the scanner once every service is down. */
  quit: (outdir: string, scanner: ReturnType<typeof startEngine>) => void;
}

const runit: Supervision = {
  scanner: ['runsvdir', ['-P']],
  status: (dir) => run('sv', ['status', dir]).stdout,
  upPid: (dir) => Number(/^run: \S+: \(pid (\d+)\)/.exec(run('sv', ['status', dir]).stdout)?.[1]) || undefined,
  isDown: (dir) => /^down: /.test(run('sv', ['status', dir]).stdout),
  down: (dir) => void run('sv', ['down', dir]),
  // runsvdir sends each runsv a TERM on SIGHUP and exits; runsv exits once its service is down.
  quit: (_, scanner) => scanner.child.kill('SIGHUP'),
};

const s6: Supervision = {
  scanner: ['s6-svscan', []],
  status: (dir) => run('s6-svstat', [dir]).stdout,
  upPid: (dir) => Number(/^up \(pid (\d+)\)/.exec(run('s6-svstat', [dir]).stdout)?.[1]) || undefined,
  isDown: (dir) => /^down /.test(run('s6-svstat', [dir]).stdout),
  down: (dir) => void run('s6-svc', ['-d', dir]),
  quit: (outdir) => void run('s6-svscanctl', ['-t', outdir]),
};

/** The check: the scanner starts every instance with its env; down stops them all (stubborn by SIGKILL after its drain); nothing is left. */
async function checkServiceDirs(engine: Supervision, outdir: string, limitMs = 20_000): Promise<void> {
  const [bin, args] = engine.scanner;
  const scanner = startEngine(requireBinary(bin), [...args, outdir], outdir);
  const dirs = SERVICES.map((s) => join(outdir, s));
  const pids = await waitFor(() => {
    const found = dirs.map((d) => engine.upPid(d));
    return found.every((p) => p !== undefined) ? found : undefined;
  }, () => `every service up (${scanner.output()})`, limitMs);
  await waitFor(() => (scanner.output().match(/^READY /gm) ?? []).length === 3, 'every instance to print READY', limitMs);
  expectDemoEnv(Object.fromEntries(pids.map((pid, i) => [SERVICES[i]!.replace(/^demo-(\w+)-(\d)$/, '$1.$2'), pid!])));
  const stopping = Date.now();
  for (const dir of dirs) engine.down(dir);
  await waitFor(() => dirs.every((d) => engine.isDown(d)), () => `every service down (${scanner.output()})`, limitMs);
  expect(Date.now() - stopping).toBeGreaterThanOrEqual(900);
  expect(scanner.output()).toMatch(/web\.1 last line/);
  expect(scanner.output()).toMatch(/ignoring SIGTERM/);
  engine.quit(outdir, scanner);
  await scanner.exited;
}

describe.skipIf(SKIP).each([['runit', runit], ['s6', s6]] as const)('%s, for real', (format, engine) => {
  it('starts every instance with its PORT, stops them all (the SIGTERM-ignoring one after its drain), leaves nothing', async () => {
    const app = demoApp();
    await checkServiceDirs(engine, await exportDemo(format, app));
  });

  it('leaves out, with a note, env names sh cannot set, which failed every service at start', async () => {
    const app = demoApp(NOT_SHELL_NAMES);
    const outdir = await exportDemo(format, app, [], new RegExp(`^note: ${format}: my-key, a\\.b are not exported: \\./env is read by sh, `, 'm'));
    expect(readFileSync(join(outdir, 'demo-web-1/env'), 'utf8')).not.toMatch(/my-key|a\.b/);
    await checkServiceDirs(engine, outdir);
  });

  it('fails the check on a broken export (a run script that is not executable)', async () => {
    const app = demoApp();
    const outdir = await exportDemo(format, app);
    chmodSync(join(outdir, 'demo-web-2/run'), 0o644);
    // runsv may show the broken service running for the instant before its exec fails.
    await expect(checkServiceDirs(engine, outdir, 3000)).rejects.toThrow(/timed out after 3000 ms waiting for every (service up|instance to print READY)/);
  });
});

describe.skipIf(SKIP).each([['runit', runit], ['s6', s6]] as const)('%s restart policies', (format, engine) => {
  it('restarts a type with restart: restart, and keeps one with restart: stop down once it ends', async () => {
    const app = demoApp();
    // Without restart: the export restarts a type too: stubborn says stop.
    writeFileSync(join(app, 'tf.yml'), 'processes:\n  stubborn:\n    drain: 1s\n    restart: stop\n');
    const outdir = await exportDemo(format, app, ['-r', 'web']);
    const scanner = startEngine(requireBinary(engine.scanner[0]), [...engine.scanner[1], outdir], outdir);
    const [web, stubborn] = [join(outdir, 'demo-web-1'), join(outdir, 'demo-stubborn-1')];
    const [webPid, stubbornPid] = await waitFor(() => {
      const pids = [engine.upPid(web), engine.upPid(stubborn)];
      return pids.every((p) => p !== undefined) ? (pids as number[]) : undefined;
    }, 'web.1 and stubborn.1 up');
    process.kill(webPid, 'SIGKILL');
    process.kill(stubbornPid, 'SIGKILL');
    // Both engines wait a second before a restart: once web.1 is back, stubborn.1 would be too.
    await waitFor(() => (engine.upPid(web) ?? webPid) !== webPid, () => `web.1 restarted (${engine.status(web)})`);
    // runit's finish script asks for down with sv, which runsv applies a moment later: "want up"
    // until then. Had the service been restarted instead, the status would read "run".
    await waitFor(() => !/want up/.test(engine.status(stubborn)), () => `stubborn.1 settled (${engine.status(stubborn)})`);
    expect(engine.status(stubborn)).toMatch(/^down/);
    expect(engine.status(stubborn)).not.toMatch(/want up/);
    for (const dir of [web, stubborn, join(outdir, 'demo-web-2')]) engine.down(dir);
    await waitFor(() => [web, stubborn].every((d) => engine.isDown(d)), 'every service down');
    engine.quit(outdir, scanner);
    await scanner.exited;
  });
});

describe.skipIf(SKIP)('s6 timeout-kill', () => {
  it('fails the check when the drain is not a number of milliseconds (s6 then never kills)', async () => {
    const app = demoApp();
    const outdir = await exportDemo('s6', app);
    const path = join(outdir, 'demo-stubborn-1/timeout-kill');
    expect(readFileSync(path, 'utf8')).toBe('1000\n');
    writeFileSync(path, '1s\n');
    await expect(checkServiceDirs(s6, outdir, 3000)).rejects.toThrow(/timed out .*every service down/);
  });
});
