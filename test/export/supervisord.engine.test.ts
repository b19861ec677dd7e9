import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { breakFile, demoApp, expectDemoEnv, exportDemo, NOT_SHELL_NAMES, requireBinary, run, startEngine, skipWithout } from './engine.js';

// supervisord ignores keys it does not know, so the export's keys are also checked against the
// [program:x] keys its documentation lists.
const PROGRAM_KEYS = new Set('command process_name numprocs numprocs_start priority autostart startsecs startretries autorestart exitcodes stopsignal stopwaitsecs stopasgroup killasgroup user redirect_stderr stdout_logfile stdout_logfile_maxbytes stdout_logfile_backups stdout_capture_maxbytes stdout_events_enabled stdout_syslog stderr_logfile stderr_logfile_maxbytes stderr_logfile_backups stderr_capture_maxbytes stderr_events_enabled stderr_syslog environment directory umask serverurl'.split(' '));

function unknownKeys(conf: string): string[] {
  let section = '';
  const unknown: string[] = [];
  for (const line of conf.split('\n')) {
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) section = header[1]!;
    const key = /^([a-z_]+)=/.exec(line)?.[1];
    if (key && section.startsWith('program:') && !PROGRAM_KEYS.has(key)) unknown.push(`${section}.${key}`);
  }
  return unknown;
}

function supervisorConf(dir: string, include: string): string {
  const path = join(dir, 'supervisord.conf');
  writeFileSync(path, [
    '[unix_http_server]', `file=${dir}/supervisor.sock`,
    '[supervisord]', 'nodaemon=true', `logfile=${dir}/supervisord.log`, `pidfile=${dir}/supervisord.pid`, `childlogdir=${dir}`,
    // user= makes supervisord switch to that user, which only root may: as anyone else it refuses to start.
    ...(process.getuid?.() === 0 ? ['user=root'] : []),
    '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '[supervisorctl]', `serverurl=unix://${dir}/supervisor.sock`,
    '[include]', `files=${include}`, '',
  ].join('\n'));
  return path;
}

/** The check: supervisord runs the export; every instance RUNNING with its env; stop drains, then kills. */
async function checkSupervisord(app: string, outdir: string): Promise<void> {
  expect(unknownKeys(readFileSync(join(outdir, 'demo.conf'), 'utf8'))).toEqual([]);
  const conf = supervisorConf(app, join(outdir, '*.conf'));
  const engine = startEngine(requireBinary('supervisord'), ['-n', '-c', conf], app);
  const status = () => run('supervisorctl', ['-c', conf, 'status']).stdout;
  const exitedEarly = engine.exited.then((code) => { throw new Error(`supervisord exited ${code}: ${engine.output()}`); });
  const lines = await Promise.race([exitedEarly, waitFor(() => {
    const found = status().split('\n').filter((l) => /^demo:/.test(l));
    return found.length === 3 && found.every((l) => /\bRUNNING\b/.test(l)) ? found : undefined;
  }, () => `every instance RUNNING (supervisorctl status:\n${status()}\n${engine.output()})`, 20_000)]);
  const pids = Object.fromEntries(lines.map((l) => [/demo-(\S+)/.exec(l)![1]!, Number(/pid (\d+)/.exec(l)![1])]));
  expectDemoEnv(pids);
  const stopping = Date.now();
  engine.child.kill('SIGTERM');
  expect(await engine.exited).toBe(0);
  const log = readFileSync(join(app, 'supervisord.log'), 'utf8');
  expect(log).toMatch(/stopped: demo-web\.1 \(exit status 0\)/);
  expect(log).toMatch(/killing 'demo-stubborn\.1' \(\d+\) with SIGKILL/);
  expect(Date.now() - stopping).toBeGreaterThanOrEqual(900);
}

describe.skipIf(skipWithout('supervisord'))('supervisord, for real', () => {
  it('runs every instance with its PORT, drains web, kills the SIGTERM-ignoring process after its drain, leaves nothing', async () => {
    const app = demoApp();
    await checkSupervisord(app, await exportDemo('supervisord', app));
  });

  it('leaves out, with a note, env names sh cannot set, which failed every program at start', async () => {
    const app = demoApp(NOT_SHELL_NAMES);
    await checkSupervisord(app, await exportDemo('supervisord', app, [], /^note: supervisord: my-key, a\.b are not exported: demo\.env is read by sh, /m));
  });

  it.each([
    ['a bad key', 'autostart=true', 'autostarts=true', /autostarts/],
    ['a bad duration', 'stopwaitsecs=1\n', 'stopwaitsecs=1s\n', /supervisord exited 2: .*invalid literal for int\(\) with base 10: '1s'/s],
  ])('fails the check on an export with %s', async (_, from, to, message) => {
    const app = demoApp();
    const outdir = await exportDemo('supervisord', app);
    breakFile(join(outdir, 'demo.conf'), from, to);
    await expect(checkSupervisord(app, outdir)).rejects.toThrow(message);
  });
});
