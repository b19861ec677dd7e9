import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runTf, startTf, TF_BIN } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { expectGone, run } from './support.js';

const SHIM = resolve(import.meta.dirname, `../../dist/native/tf-shim-linux-${process.arch}`);
const hasShim = process.platform === 'linux' && spawnSync(SHIM, []).status === 111;
const hasPidNamespaces = process.platform === 'linux' && spawnSync('unshare', ['-Upfr', '--mount-proc', 'true']).status === 0;
// ps: the portable mode reading ps and lsof instead of /proc (what runs on macOS), forced here.
const MODES = hasShim ? (['shim', 'portable', 'ps'] as const) : (['portable', 'ps'] as const);
type Mode = (typeof MODES)[number];
const MODE_ENV: Record<Mode, Record<string, string>> = { shim: {}, portable: { TF_CONTAINMENT: 'portable' }, ps: { TF_CONTAINMENT: 'portable', TF_PROCESS_TABLE: 'ps' } };

// A daemon as redis --daemonize yes or nginx make one: it leaves tf's environment (env -i), its
// session and group (setsid), and its parent (the shell exits), and records its pid in a file.
const DAEMON = `sh -c 'env -i setsid sh -c "echo \\$\\$ > daemon.pid; exec sleep 600" </dev/null >/dev/null 2>&1 & sleep 0.2; exit 0'`;

describe.skipIf(!hasShim)('containment with the shim', () => {
  it('gives processes real pipes: /dev/stdout, /dev/stderr and /proc/self/fd/1 open and write', async () => {
    const root = tmpApp({ Procfile: `web: echo to-stdout > /dev/stdout; echo to-stderr > /dev/stderr; echo to-fd1 > /proc/self/fd/1; sleep 0.1\n` });
    const result = await runTf(['start', '--no-timestamps'], { cwd: root });
    expect(result.stdout).toMatch(/^web\.1 +\| to-stdout$/m);
    expect(result.stdout).toMatch(/^web\.1 +\| to-stderr$/m);
    expect(result.stdout).toMatch(/^web\.1 +\| to-fd1$/m);
    expect(result.code).toBe(0);
  });

  it('sizes the pipes to the formation: 1 MiB each for one process, less as the formation grows', async () => {
    const probe = `python3 -c 'import fcntl, sys; print("pipes", fcntl.fcntl(1, fcntl.F_GETPIPE_SZ), fcntl.fcntl(2, fcntl.F_GETPIPE_SZ))'`;
    const root = tmpApp({ Procfile: `probe: ${probe}\n`, 'tf.yml': 'processes:\n  probe: { restart: ignore }\n' });
    const one = await runTf(['start', '--no-timestamps'], { cwd: root });
    expect(one.stdout).toMatch(/^probe\.1 +\| pipes 1048576 1048576$/m);
    // 16 MiB for all the pipes of one tf start: 9 processes get 512 KiB each.
    const nine = await runTf(['start', '--no-timestamps', '-m', 'probe=9'], { cwd: root });
    expect(nine.stdout.match(/^probe\.\d +\| pipes 524288 524288$/gm)).toHaveLength(9);
  });

  // tf ps names the daemon from /proc, or from ps (the macOS path, forced).
  it.each([
    { table: '/proc', env: {} },
    { table: 'ps', env: { TF_PROCESS_TABLE: 'ps' } },
  ])('says when a process daemonizes, shows it in tf ps, and stops it with the others ($table)', async ({ env }) => {
    const root = tmpApp({ Procfile: `d: ${DAEMON}\nweb: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '--no-timestamps'], { cwd: root, env });
    const notice = await tf.waitForLine('d.1 daemonized');
    const pidFile = join(root, 'daemon.pid');
    const daemon = await waitFor(() => existsSync(pidFile) && (Number(readFileSync(pidFile, 'utf8')) || undefined), 'the daemon to write its pid');
    // The name is what ran when the shim looked: env, setsid and sh exec one another on the way to sleep.
    expect(notice).toMatch(new RegExp(`d\\.1 daemonized \\(pid ${daemon} (?:env|setsid|sh|sleep) still running\\); tf will stop it with the others\\. To supervise it directly, run it in the foreground \\(.+\\)\\.`));
    // tf ps reads the name afresh: by now it is sleep.
    const ps = await waitFor(async () => {
      const result = await runTf(['ps'], { cwd: root });
      return result.stdout.includes('(daemon sleep)') && result;
    }, 'tf ps to show the daemon as sleep');
    expect(ps.stdout).toMatch(new RegExp(`^d\\.1 +${daemon} +\\d+ +running \\(daemon sleep\\)`, 'm'));
    tf.signal('SIGINT');
    const result = await tf.result();
    expect(result.stdout).not.toContain('d.1 exited');
    expect(result.stdout).toContain('d.1 was terminated by SIGTERM');
    await expectGone([daemon], 2000);
  });

  it('leaves nothing running when tf itself is SIGKILLed: daemons, trees and ready checks', async () => {
    const root = tmpApp({
      Procfile: `d: ${DAEMON}\ntree: ${fixture('tree')}\nslow: sleep 600\n`,
      'tf.yml': 'processes:\n  slow:\n    ready: "cmd sleep 600"\n',
    });
    const tf = startTf(['start', '--no-timestamps'], { cwd: root });
    await tf.waitForLine('d.1 daemonized');
    const tree = (await tf.waitForLine('READY tree')).replace(/.*pids=/, '').split(',').map(Number);
    const daemon = Number(readFileSync(join(root, 'daemon.pid'), 'utf8'));
    tf.signal('SIGKILL');
    await tf.exited;
    await expectGone([daemon, ...tree], 2000);
  });

  it('kills what tf run left behind, and everything when tf run is SIGKILLed', async () => {
    const root = tmpApp({ Procfile: 'web: true\n' });
    const tf = startTf(['run', `env -i setsid sh -c 'echo $$ > run.pid; exec sleep 600' </dev/null >/dev/null 2>&1 & sleep 600`], { cwd: root });
    const daemon = Number(await waitFor(() => { try { return readFileSync(join(root, 'run.pid'), 'utf8').trim() || undefined; } catch { return undefined; } }, 'run.pid'));
    tf.signal('SIGKILL');
    await tf.exited;
    await expectGone([daemon], 2000);
    const done = await runTf(['run', 'sleep 600 & echo $! > bg.pid'], { cwd: root });
    expect(done.code).toBe(0);
    await expectGone([Number(readFileSync(join(root, 'bg.pid'), 'utf8'))], 2000);
  });

  it('tf run: a missing program is exit 127 with a hint, an exit status is passed on', async () => {
    const root = tmpApp({ Procfile: 'web: true\n' });
    const missing = await runTf(['run', 'no-such-program-tf', 'x'], { cwd: root });
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('no-such-program-tf');
    expect((await runTf(['run', 'sh', '-c', 'exit 4'], { cwd: root })).code).toBe(4);
  });

  it('SIGKILLs 1,000 descendants that ignore SIGTERM right after the drain, and at once on a second Ctrl-C', async () => {
    // The process itself ignores SIGTERM too (a simple command: sh execs it), as do its children.
    const script = 'trap "" TERM INT\nfor i in $(seq 1000); do sleep 600 & done\necho READY\nwait\n';
    for (const second of [false, true]) {
      const root = tmpApp({ Procfile: 'many: sh many.sh\n', 'many.sh': script });
      const tf = startTf(['start', '--no-timestamps', '-t', second ? '60' : '1'], { cwd: root });
      await tf.waitForLine('many.1 | READY', 120_000);
      const sent = Date.now();
      tf.signal('SIGINT');
      if (second) {
        await tf.waitForLine('sending SIGTERM');
        tf.signal('SIGINT');
      }
      const result = await tf.result(120_000);
      // A loose bound (the bench measures it): tree-kill's one ps per descendant took tens of seconds here.
      expect(Date.now() - sent).toBeLessThan(second ? 5000 : 6000);
      expect(result.stdout).toContain(second ? 'received SIGINT again, killing all processes now' : 'many.1 still running after 1s, sending SIGKILL');
      expect(result.stdout).toContain('many.1 was terminated by SIGKILL');
    }
  });

  // tf waits up to a second for its shims to report their trees gone; on a loaded machine a shim may
  // still be killing the storm when tf exits (it goes on without tf). Wait, bounded, for the namespace
  // to hold only its init (sh) and the subshell, ls and grep that count.
  const COUNT_UNTIL_EMPTY = `i=0; while n=$(ls /proc | grep -c '^[0-9]'); [ $n -gt 4 ] && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.05; done; echo $n`;

  it.skipIf(!hasPidNamespaces)('contains a relay fork storm (setsid, fork, exit) inside a PID namespace', async () => {
    const root = tmpApp({ Procfile: `storm: sh ${resolve(import.meta.dirname, 'relay.sh')}\n` });
    const script = `node ${TF_BIN} start --no-timestamps -t 1 > tf.log 2>&1 & tf=$!; until grep -q READY tf.log; do sleep 0.05; done; sleep 1; kill -INT $tf; wait $tf; ${COUNT_UNTIL_EMPTY}`;
    // The storm runs for a second (a fixed sleep on purpose: how long it runs is the workload, not a wait).
    const result = await run('unshare', ['-Upfr', '--mount-proc', 'sh', '-c', script], root, cleanEnv());
    expect(Number(result.stdout.trim()), `${result.stderr}\n${readFileSync(join(root, 'tf.log'), 'utf8').slice(-2000)}`).toBeLessThanOrEqual(4);
  });
});

describe.skipIf(!hasPidNamespaces)('a stranger that reuses a PID tf knew is never signalled', () => {
  const cases = MODES.flatMap((mode) => [
    { mode, path: 'shutdown', d: `sh -c 'setsid sleep 600 & sleep 0.3; exit 0'` },
    { mode, path: 'watchdog', d: `sh -c 'trap "exit 0" TERM; setsid sleep 600 & while :; do sleep 0.05; done'` },
  ]);
  it.each(cases)('$mode mode, $path path', async ({ mode, path, d }) => {
    const root = tmpApp({ Procfile: `stubborn: ${fixture('stubborn')}\nd: ${d}\n`, 'tf.yml': 'processes:\n  d:\n    restart: ignore\n' });
    const env = cleanEnv(MODE_ENV[mode]);
    // The watchdog path needs tf still draining (stubborn ignores SIGTERM) when it is killed.
    const drain = path === 'watchdog' ? '30' : '1';
    const result = await run('unshare', ['-Upfr', '--mount-proc', 'sh', resolve(import.meta.dirname, 'pid-reuse.sh'), TF_BIN, path, drain], root, env);
    const log = `${result.stdout}${result.stderr}\n${readFileSync(join(root, 'tf.log'), 'utf8').slice(-2000)}`;
    expect(result.stdout, log).toContain('REUSED');
    expect(result.stdout, log).toContain('STRANGER-ALIVE');
    expect(result.stdout, log).not.toContain('STUBBORN-ALIVE');
  });
});

describe.each(MODES)('%s mode', (mode) => {
  const env = MODE_ENV[mode];

  it('tf check names the containment mode', async () => {
    const root = tmpApp({ Procfile: 'web: true\n' });
    const result = await runTf(['check'], { cwd: root, env });
    const expected = { shim: 'shim \\(', portable: 'portable \\(process groups and /proc;', ps: 'portable \\(process groups and ps;' }[mode];
    expect(result.stdout).toMatch(new RegExp(`^contain +${expected}`, 'm'));
  });

  it.skipIf(mode === 'shim')('kill -9 of tf: the watchdog kills the trees and a marked daemon that left them', async () => {
    // This daemon keeps tf's environment (so its marker): setsid takes it out of its group and tree.
    const marked = `sh -c 'setsid sh -c "echo \\$\\$ > marked.pid; exec sleep 600" </dev/null >/dev/null 2>&1 & sleep 600'`;
    const root = tmpApp({ Procfile: `tree: ${fixture('tree')}\nd: ${marked}\n` });
    const tf = startTf(['start', '--no-timestamps'], { cwd: root, env });
    const tree = (await tf.waitForLine('READY tree')).replace(/.*pids=/, '').split(',').map(Number);
    const pidFile = join(root, 'marked.pid');
    const daemon = await waitFor(() => existsSync(pidFile) && (Number(readFileSync(pidFile, 'utf8')) || undefined), 'the marked daemon to write its pid');
    tf.signal('SIGKILL');
    await tf.exited;
    await expectGone([daemon, ...tree], 10_000);
  });

  it('SIGKILLs a whole tree that ignores SIGTERM after the drain (one table read, no ps per process)', async () => {
    const root = tmpApp({ Procfile: `tree: ${fixture('tree')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-t', '1'], { cwd: root, env });
    const tree = (await tf.waitForLine('READY tree')).replace(/.*pids=/, '').split(',').map(Number);
    tf.signal('SIGTERM');
    const result = await tf.result();
    expect(result.code).toBe(143);
    expect(result.stdout).toContain('tree.1 still running after 1s, sending SIGKILL');
    await expectGone(tree, 2000);
  });
});
