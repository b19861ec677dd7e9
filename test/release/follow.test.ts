import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { ps, waitForPs } from '../helpers/control.js';
import { ok, tf } from './helpers.js';

// Ports 28000-28999 (each test its own base).

/** An app whose web and worker print the release and LOG_LEVEL they run with. */
function followApp(extra: Record<string, string> = {}): string {
  return tmpApp({
    Procfile: 'web: node web.js\nworker: node worker.js\n',
    '.env': 'LOG_LEVEL=info\n',
    'web.js': 'require("http").createServer((q, r) => r.end("ok")).listen(process.env.PORT, () => console.log("UP", process.env.TF_RELEASE, process.env.LOG_LEVEL));\n',
    'worker.js': 'console.log("UP", process.env.TF_RELEASE, process.env.LOG_LEVEL); setInterval(() => {}, 1000);\n',
    ...extra,
  });
}

/** The release each process of `root`'s tf start runs, by name. */
async function releases(root: string): Promise<Record<string, string | null>> {
  return Object.fromEntries((await ps(root)).map((row) => [row.name, (row as unknown as { release: string | null }).release]));
}

describe('tf start --release follows current', () => {
  it('rolls onto the release tf config set makes: the processes see the new value; tf ps shows it', async () => {
    const root = followApp();
    ok(await tf(root, ['release', 'create']));
    const running = startTf(['start', '--release', '-p', '28000'], { cwd: root });
    await running.waitForLines(/UP v1 info/, 2);
    expect(await releases(root)).toEqual({ 'web.1': 'v1', 'worker.1': 'v1' });
    const set = ok(await tf(root, ['config', 'set', 'LOG_LEVEL=warn']));
    expect(set.stdout + set.stderr).toMatch(new RegExp(`tf ${running.pid} \\(running v1\\) follows current: it rolls onto v2`));
    await running.waitForLine(/v2 is current: rolling web, worker onto it/);
    await running.waitForLines(/UP v2 warn/, 2);
    await running.waitForLine(/now running v2/);
    expect(await releases(root)).toEqual({ 'web.1': 'v2', 'worker.1': 'v2' });
    const table = ok(await tf(root, ['ps']));
    expect(table.stdout).toMatch(/^NAME +PID +PORT +RELEASE +STATE/m);
    expect(table.stdout).toMatch(/^web\.1 +\d+ +28000 +v2 +running/m);
    // Restart keeps the release it rolled onto.
    ok(await tf(root, ['restart', 'worker']));
    await running.waitForLines(/worker\.1 +\| UP v2 warn/, 2);
    running.signal('SIGTERM');
    expect((await running.result()).code).toBe(143);
  });

  it('rolls onto the release tf release rollback makes, one instance at a time with a ready check', async () => {
    const root = followApp({ 'tf.yml': 'processes:\n  web:\n    ready: port\n' });
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['config', 'set', 'LOG_LEVEL=debug']));
    const running = startTf(['start', '--release', '-p', '28100', 'web=2', 'worker=1'], { cwd: root });
    await running.waitForLines(/UP v2 debug/, 3);
    await running.waitForLines(/web\.\d is ready/, 2);
    ok(await tf(root, ['release', 'rollback']));
    await running.waitForLine(/v3 is current: rolling web, worker onto it/);
    await running.waitForLine(/now running v3/);
    expect(await releases(root)).toEqual({ 'web.1': 'v3', 'web.2': 'v3', 'worker.1': 'v3' });
    // One at a time: web.1 is up and ready on v3 before web.2 is asked to stop.
    const roll = running.stdout.slice(running.stdout.indexOf('v3 is current')).split('\n');
    const at = (pattern: RegExp): number => roll.findIndex((line) => pattern.test(line));
    // (web.js prints UP in its listen callback: the port check can pass before tf has read that
    // line, so tf's 'is ready' is the order that counts; UP v3 from web.1 shows it runs v3.)
    expect(at(/web\.1 +\| UP v3 info/)).toBeGreaterThan(0);
    expect(at(/web\.1 is ready/)).toBeGreaterThan(0);
    expect(at(/sending SIGTERM to web\.2/)).toBeGreaterThan(at(/web\.1 is ready/));
    running.signal('SIGTERM');
    expect((await running.result()).code).toBe(143);
  });

  it('pinned with --release v1, it stays on v1 and the commands say so', async () => {
    const root = followApp();
    ok(await tf(root, ['release', 'create']));
    const running = startTf(['start', '--release', 'v1', '-p', '28200'], { cwd: root });
    await running.waitForLines(/UP v1 info/, 2);
    const set = ok(await tf(root, ['config', 'set', 'LOG_LEVEL=warn']));
    expect(set.stdout + set.stderr).toMatch(new RegExp(`tf ${running.pid} is pinned to v1: it stays on v1`));
    // A follower beside it rolls onto v3; by then the pinned one has had the same news and ignored it.
    const follower = startTf(['start', '--release', '-p', '28250', '--control-socket', join(root, 'follower.sock')], { cwd: root });
    await follower.waitForLines(/UP v2 warn/, 2);
    ok(await tf(root, ['release', 'create']));
    await follower.waitForLine(/now running v3/);
    expect(await releases(root)).toEqual({ 'web.1': 'v1', 'worker.1': 'v1' });
    follower.signal('SIGTERM');
    await follower.result();
    expect(running.stdout).not.toMatch(/is current/);
    running.signal('SIGTERM');
    expect((await running.result()).code).toBe(143);
  });

  it('a new release whose process crashes at start: that type goes back to the release it ran, and tf says so', async () => {
    const root = followApp();
    ok(await tf(root, ['release', 'create']));
    const running = startTf(['start', '--release', '-p', '28300'], { cwd: root });
    await running.waitForLines(/UP v1 info/, 2);
    // v2's worker fails at once; its web is fine.
    ok(await tf(root, ['config', 'set', 'LOG_LEVEL=warn']));
    await running.waitForLine(/now running v2/);
    writeFileSync(join(root, 'worker.js'), 'console.log("BROKEN", process.env.TF_RELEASE); process.exit(3);\n');
    ok(await tf(root, ['release', 'create']));
    await running.waitForLine(/worker\.1 exited with status 3 on v3: rolling worker back to v2/);
    await running.waitForLine(/web now run v3; worker stays on the release it ran/);
    expect(await releases(root)).toEqual({ 'web.1': 'v3', 'worker.1': 'v2' });
    await waitForPs(root, (rows) => rows.find((r) => r.name === 'worker.1')?.state === 'running', 'worker.1 running again');
    running.signal('SIGTERM');
    expect((await running.result()).code).toBe(143);
  });
});

describe('a new release that does not get ready', () => {
  it('its ready check times out: that type goes back, one instance tried, the other never stopped', async () => {
    const root = followApp({ 'tf.yml': 'processes:\n  web:\n    ready: port\n    ready_timeout: 1s\n' });
    ok(await tf(root, ['release', 'create']));
    const running = startTf(['start', '--release', '-p', '28700', 'web=2', 'worker=0'], { cwd: root });
    await running.waitForLines(/web\.\d is ready/, 2);
    writeFileSync(join(root, 'web.js'), 'console.log("NOT LISTENING", process.env.TF_RELEASE); setInterval(() => {}, 1000);\n');
    ok(await tf(root, ['release', 'create']));
    await running.waitForLine(/web\.1 did not get ready on v2: rolling web back to v1/);
    await running.waitForLine(/v2 not rolled out: web stays on the release it ran/);
    await waitForPs(root, (rows) => rows.every((r) => r.state === 'ready'), 'both web ready again');
    expect(await releases(root)).toEqual({ 'web.1': 'v1', 'web.2': 'v1' });
    expect(running.stdout).not.toMatch(/sending SIGTERM to web\.2/);
    running.signal('SIGTERM');
    expect((await running.result()).code).toBe(143);
  });
});

describe('which releases run', () => {
  it('tf release list marks the releases a running tf uses; prune says why it keeps them', async () => {
    const root = followApp();
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['release', 'create']));
    const pinned = startTf(['start', '--release', 'v1', '-p', '28400'], { cwd: root });
    await pinned.waitForLines(/UP v1 info/, 2);
    const follower = startTf(['start', '--release', '-p', '28500', '--control-socket', join(root, 'second.sock')], { cwd: root });
    await follower.waitForLines(/UP v2 info/, 2);
    ok(await tf(root, ['release', 'create']));
    await follower.waitForLine(/now running v3/);
    ok(await tf(root, ['release', 'create']));
    await follower.waitForLine(/now running v4/);
    const table = ok(await tf(root, ['release', 'list'])).stdout;
    expect(table).toMatch(/^ +ID +CREATED +STATUS +SOURCE +IN USE +DESCRIPTION/m);
    expect(table).toMatch(new RegExp(`^ +v1 .* tf ${pinned.pid} \\(pinned\\)`, 'm'));
    expect(table).toMatch(new RegExp(`^\\* +v4 .* tf ${follower.pid} \\(follows\\)`, 'm'));
    expect(table).toMatch(/^ +v2 .* ok +- +- *$/m);
    const listed = JSON.parse(ok(await tf(root, ['release', 'list', '--json'])).stdout) as Array<{ id: string; inUse: Array<{ pid: number; follows: boolean }> }>;
    expect(Object.fromEntries(listed.map((r) => [r.id, r.inUse]))).toEqual({ v1: [{ pid: pinned.pid, follows: false }], v2: [], v3: [], v4: [{ pid: follower.pid, follows: true }] });
    const pruned = ok(await tf(root, ['release', 'prune', '--keep', '0'])).stdout;
    expect(pruned).toMatch(/^tf: removed v2, v3; kept v1, v4$/m);
    expect(pruned).toContain(`tf: kept v1 beyond --keep 0: in use by a running tf (pid ${pinned.pid}, pinned to v1)\n`);
    expect(pruned).toContain(`tf: kept v4 beyond --keep 0: current; in use by a running tf (pid ${follower.pid}, follows current)\n`);
    pinned.signal('SIGTERM');
    follower.signal('SIGTERM');
    await pinned.result();
    await follower.result();
  });

  it('tf check --release checks a release as tf start --release would load it', async () => {
    const root = followApp();
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['config', 'set', 'LOG_LEVEL=warn', 'EXTRA=1']));
    const checked = ok(await tf(root, ['check', '--release', 'v1', '-p', '28600'])).stdout;
    expect(checked).toMatch(/^Procfile +releases\/v1\/Procfile \(2 entries\)$/m);
    expect(checked).toMatch(/^release +v1 \(env snapshot: 1 variable\)$/m);
    expect(checked).toMatch(/^ +web\.1 +port 28600 .* node web\.js$/m);
    expect(ok(await tf(root, ['check', '--release'])).stdout).toMatch(/^release +v2 \(env snapshot: 2 variables\)$/m);
    // A release whose release phase failed is kept, but tf start --release refuses it: so does check.
    writeFileSync(join(root, 'Procfile'), 'web: node web.js\nrelease: exit 4\n');
    expect((await tf(root, ['release', 'create'])).code).toBe(1);
    const failed = await tf(root, ['check', '--release', 'v3']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('tf: v3 failed its release phase and cannot be run (see its output in tf release show; run an ok release)\n');
    const missing = await tf(root, ['check', '--release', 'v9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('tf: no release v9 in releases (see tf release list)\n');
    // On main, check had no --release: it checked the working tree.
    expect((await tf(root, ['check', '--release', 'v1', '-e', '.env'])).stderr).toMatch(/-e\/--env-file cannot be used with --release/);
  });
});
