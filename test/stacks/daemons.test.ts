import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { alive, cmdline, expectGone, killSeen, portOpen, requireServers, skipWithout, tail, treeOf, whileRunning } from './stack.js';

// Issue 9: real servers left to daemonize themselves (nginx's default `daemon on`, redis-server
// --daemonize yes) leave tf's process group and rewrite their environment. tf must still stop
// them on every way it can end, and say that they daemonized. Ports 15000-15700, one per test.

interface Daemon {
  type: 'nginx' | 'redis';
  server: string;
  files: (port: number) => Record<string, string>;
  pidFile: string;
}

const NGINX: Daemon = {
  type: 'nginx',
  server: 'nginx',
  pidFile: 'nginx/nginx.pid',
  files: (port) => ({
    Procfile: 'nginx: nginx -p "$PWD/nginx/" -c nginx.conf -e stderr\n',
    // No `daemon off;`: nginx forks, its first process exits 0, the master lives on in a new session.
    'nginx/nginx.conf': [
      'worker_processes 1;', 'pid nginx.pid;', 'error_log error.log;', 'events {}', 'http {', '  access_log off;',
      '  client_body_temp_path body;', '  proxy_temp_path proxy;', '  fastcgi_temp_path fastcgi;', '  uwsgi_temp_path uwsgi;', '  scgi_temp_path scgi;',
      `  server { listen 127.0.0.1:${port}; return 200 "ok\\n"; }`, '}', '',
    ].join('\n'),
    '.env': 'PATH=/usr/sbin:$PATH\n',
  }),
};

const REDIS: Daemon = {
  type: 'redis',
  server: 'redis-server',
  pidFile: 'redis.pid',
  files: () => ({ Procfile: 'redis: redis-server --port $PORT --bind 127.0.0.1 --daemonize yes --pidfile "$PWD/redis.pid" --dir "$PWD" --logfile "$PWD/redis.log"\n' }),
};

const STOPS: Array<[string, NodeJS.Signals]> = [['Ctrl-C', 'SIGINT'], ['SIGTERM', 'SIGTERM'], ['SIGHUP', 'SIGHUP'], ['kill -9', 'SIGKILL']];

function pidIn(root: string, daemon: Daemon): number {
  const file = join(root, daemon.pidFile);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || 0 : 0;
}

/** Whatever the test fails on, the daemon its pid file names (checked by name) does not outlive it. */
function killDaemonAtEnd(root: string, daemon: Daemon): void {
  onTestFinished(() => {
    const pid = pidIn(root, daemon);
    if (pid > 0 && cmdline(pid).includes(daemon.server)) killSeen(treeOf([pid]));
  });
}

/** The daemon's pid once its pid file names a live server that accepts connections, and its processes. */
async function daemonOf(root: string, daemon: Daemon, port: number): Promise<{ pid: number; tree: number[] }> {
  const pid = await waitFor(() => {
    const found = pidIn(root, daemon);
    return found > 0 && alive(found) && found;
  }, `${daemon.pidFile} to name a live ${daemon.server}`, 30_000);
  await waitFor(() => portOpen(port), `${daemon.server} to accept connections on ${port}`, 30_000);
  return { pid, tree: treeOf([pid]) };
}

for (const [index, daemon] of [NGINX, REDIS].entries()) {
  describe.skipIf(skipWithout(`the ${daemon.server} daemon checks`, daemon.server))(`${daemon.server} daemonizing under tf`, () => {
    for (const [stopIndex, [how, signal]] of STOPS.entries()) {
      it(`is stopped when tf gets ${how}, and tf says it daemonized`, async () => {
        requireServers(daemon.server);
        const port = 15000 + 400 * index + 100 * stopIndex;
        const root = tmpApp(daemon.files(port));
        killDaemonAtEnd(root, daemon);
        const tf = startTf(['start', '--no-timestamps', '-p', String(port)], { cwd: root });
        // A tf that takes the first process's exit 0 for the end of everything fails here.
        const { pid, tree } = await whileRunning(tf, daemonOf(root, daemon, port));
        const notice = new RegExp(`^system +\\| ${daemon.type}\\.1 daemonized`);
        // Bounded: on a tf that does not notice, the test goes on to check what matters most.
        await Promise.race([tf.waitForLine(notice, 15_000), tf.exited]).catch(() => {});
        const stillRunning = tf.child.exitCode === null && tf.child.signalCode === null;
        if (stillRunning) tf.signal(signal);
        const result = await tf.result(30_000);
        await expectGone(tree, [port], 10_000);
        const line = result.stdout.split('\n').find((l) => notice.test(l));
        expect(line, `tf's output:\n${tail(result.stdout)}`).toMatch(new RegExp(`\\b${pid}\\b`));
        expect(stillRunning, 'tf kept running, supervising the daemon, until it was stopped').toBe(true);
      }, 90_000);
    }
  });
}
