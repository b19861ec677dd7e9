import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { compileDaemon } from './c-daemon.js';
import { namespace, namespaceUnsupported } from './namespace.js';

// Issue 9, "say when a process daemonizes": a process that exits 0 while something it started
// lives on outside its group gets one line naming the daemon, and the daemon is stopped with the
// formation, and `tf ps` lists it under its type. (Real nginx and redis-server daemons are tested elsewhere; these are the C daemon
// and setsid cases.) Runs in a private PID namespace, so whatever tf misses dies with the test.

const unsupported = namespaceUnsupported();
if (unsupported) console.warn(`containment scenarios skipped: ${unsupported}`);
const cDaemon = compileDaemon();
if (cDaemon.skipped) console.warn(cDaemon.skipped);
afterAll(() => cDaemon.cleanup());

async function noticeAndStop(command: string): Promise<void> {
  const ns = await namespace();
  const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\nlauncher: ${command}\n`, 'tf.yml': 'processes:\n  launcher:\n    restart: ignore\n' });
  const tf = ns.tf(['start', '--no-timestamps', '-t', '1'], { cwd: root });
  await tf.waitForLine('READY web');
  const pidFile = join(root, 'daemon.pid');
  const daemonPid = Number(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), 'the daemon to write its pid file'));
  // The daemon's pid as tf sees it: both live in the namespace.
  const notice = await tf.waitForLine(/launcher\.1 daemonized/, 10_000);
  expect(notice).toMatch(new RegExp(`launcher\\.1 daemonized \\(pid ${daemonPid} [^)]*still running\\); tf will stop it with the others\\.`));
  // `tf ps` lists the daemon under the type that started it.
  const ps = await ns.tf(['ps'], { cwd: root }).result();
  expect(ps.stdout, ps.stderr).toMatch(new RegExp(`^launcher\\S*\\s.*\\b${daemonPid}\\b`, 'm'));
  await tf.signal('SIGINT');
  const result = await tf.result();
  expect(result.code).toBe(130);
  expect(result.stdout.match(/launcher\.1 daemonized/g)).toHaveLength(1);
  await ns.expectEmpty('the daemon to be stopped with the formation', 10_000);
}

describe.skipIf(unsupported)('tf says when a process daemonized, once, and stops the daemon with the others', () => {
  it('env -i setsid', async () => {
    await noticeAndStop('env -i PATH=/usr/bin:/bin setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $! > daemon.pid; exit 0');
  });

  it.skipIf(!cDaemon.binary)('a C daemon that double-forks and overwrites its argv and environ', async () => {
    await noticeAndStop(`${cDaemon.binary} daemon.pid`);
  });
});
