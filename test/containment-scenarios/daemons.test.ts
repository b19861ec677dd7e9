import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTf } from '../helpers/tf.js';
import { FIXTURES, fixture, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { compileDaemon } from './c-daemon.js';
import { namespace, namespaceUnsupported, type Namespace, type NsTf } from './namespace.js';

// Issue 9, observed cases 2 and 4: no daemon survives tf, on any stop path. The daemons leave
// tf's process group and session, and erase or never had tf's environment, so a test cannot find
// them by a tag: each scenario runs in a private PID namespace, and "nothing survives" means the
// namespace holds nothing but its init once tf is gone.

const unsupported = namespaceUnsupported();
if (unsupported) console.warn(`containment scenarios skipped: ${unsupported}`);
const cDaemon = compileDaemon();
if (cDaemon.skipped) console.warn(cDaemon.skipped);
afterAll(() => cDaemon.cleanup());

const RELAY = join(FIXTURES, 'relay.sh');

/** Commands that daemonize and exit 0 at once; each writes its daemon's pid to NAME.pid. */
const SHELL_DAEMONS = {
  // Leaves the session with an empty environment: no marker a sweep could find.
  setsid: 'env -i PATH=/usr/bin:/bin setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $! > setsid.pid; exit 0',
  nohup: 'nohup sleep 600 </dev/null >/dev/null 2>&1 & echo $! > nohup.pid; exit 0',
  // Bounded (3,000 generations of 10 to 40 ms), and only ever inside the test's PID namespace.
  relay: `sh ${RELAY} 3000`,
};

/** Exits 3 once the test creates crash.now: tf's default crash policy (stop) then stops everything. */
const CRASH = 'until [ -e crash.now ]; do sleep 0.05; done; echo crashing; exit 3';

type StopPath = (tf: NsTf, root: string) => Promise<void>;

const STOP_PATHS: Record<string, { stop: StopPath; code: number | null }> = {
  'Ctrl-C': { stop: (tf) => tf.signal('SIGINT'), code: 130 },
  SIGTERM: { stop: (tf) => tf.signal('SIGTERM'), code: 143 },
  SIGHUP: { stop: (tf) => tf.signal('SIGHUP'), code: 129 },
  'crash policy stop': {
    stop: async (_tf, root) => writeFileSync(join(root, 'crash.now'), ''),
    code: 3,
  },
  // From another terminal (outside the namespace: the control socket is a file of the app's).
  'tf quit': {
    stop: async (_tf, root) => expect((await runTf(['quit'], { cwd: root })).code).toBe(0),
    code: 143,
  },
  'kill -9 of tf': { stop: (tf) => tf.signal('SIGKILL'), code: null },
};

function app(daemons: Record<string, string>): string {
  const types = Object.entries(daemons).map(([name, command]) => `${name}: ${command}\n`).join('');
  // restart: ignore, so a daemonizing command's exit does not stop the formation by itself.
  const ignore = Object.keys(daemons).map((name) => `  ${name}:\n    restart: ignore\n`).join('');
  return tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n${types}crash: ${CRASH}\n`, 'tf.yml': `processes:\n${ignore}` });
}

async function runAndStop(ns: Namespace, root: string, path: string, ready: string[]): Promise<void> {
  const tf = ns.tf(['start', '--no-timestamps', '-t', '1'], { cwd: root });
  await tf.waitForLine('READY web');
  await waitFor(() => ready.every((file) => existsSync(join(root, file))), () => `the daemons to start (${ready.filter((f) => !existsSync(join(root, f))).join(', ')} missing)\n${tf.stdout}`, 20_000);
  const { stop, code } = STOP_PATHS[path]!;
  await stop(tf, root);
  const result = await tf.result();
  if (code === null) expect(result.signal).toBe('SIGKILL');
  else expect(result.code, result.stdout + result.stderr).toBe(code);
  // The bound is 2 s after tf is gone; a loaded 2-core machine gets more room here.
  await ns.expectEmpty(`after ${path}, every daemon tf started to be gone`, 10_000);
}

describe.skipIf(unsupported)('no daemon survives tf', () => {
  it.each(Object.keys(STOP_PATHS))('env -i setsid, nohup and a relay fork storm: %s', async (path) => {
    const ns = await namespace();
    const root = app(SHELL_DAEMONS);
    await runAndStop(ns, root, path, ['setsid.pid', 'nohup.pid', 'relay.started']);
  });

  // The issue saw the relay escape tf's stop in 3 of 8 runs and the watchdog in up to 3 of 8:
  // more runs of it alone, so an escape that depends on timing has more chances to show.
  const RELAY_RUNS = [1, 2];
  it.each(RELAY_RUNS.flatMap((run) => ['Ctrl-C', 'kill -9 of tf'].map((path) => [path, run] as const)))('a relay fork storm alone: %s (run %i)', async (path) => {
    const ns = await namespace();
    const root = app({ relay: SHELL_DAEMONS.relay });
    await runAndStop(ns, root, path, ['relay.started']);
  });

  describe.skipIf(!cDaemon.binary)('a C daemon that double-forks and overwrites argv and environ with a title', () => {
    it.each(Object.keys(STOP_PATHS))('%s', async (path) => {
      const ns = await namespace();
      const root = app({ cdaemon: `${cDaemon.binary} cdaemon.pid`, cstubborn: `${cDaemon.binary} cstubborn.pid ignore-term` });
      await runAndStop(ns, root, path, ['cdaemon.pid', 'cstubborn.pid']);
    });
  });
});
