import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { socketPlace } from '../../src/control/socket-path.js';
import { started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

// An ordinary app path, a few folders deep, is too long for ROOT/.tf/control.sock (sun_path is
// 108 bytes): tf start must still run, and tf ps find it.

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-sock-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An app whose root is well past 100 bytes. */
function deepApp(): string {
  const root = join(tmpApp({}), 'home', 'jane.doe', 'src', 'github.com', 'acme-corp', 'customer-portal', 'services', 'billing-api');
  mkdirSync(root, { recursive: true });
  return root;
}

const PROCFILE = `web: ${fixture('drain', '50')}\n`;

async function startDeep(env: Record<string, string | undefined>, port: string) {
  const root = deepApp();
  writeFileSync(join(root, 'Procfile'), PROCFILE);
  const tf = startTf(['start', '--no-timestamps', '-p', port], { cwd: root, env });
  await started(tf);
  return { root, tf };
}

describe('a read-only checkout', () => {
  // Root ignores the folder's mode: only an ordinary user (as CI runs the suite) sees it read-only.
  it.skipIf(process.getuid!() === 0)('listens at the short place, where tf ps looks next', async () => {
    const runtime = scratch();
    const env = { XDG_RUNTIME_DIR: runtime };
    const root = tmpApp({ Procfile: PROCFILE });
    chmodSync(root, 0o555);
    onTestFinished(() => chmodSync(root, 0o755));
    const tf = startTf(['start', '--no-timestamps', '-p', '21430'], { cwd: root, env });
    await started(tf);
    expect(existsSync(join(root, '.tf'))).toBe(false);
    expect(readdirSync(join(runtime, 'tf'))).toHaveLength(1);
    expect((await runTf(['ps'], { cwd: root, env })).stdout).toContain('web.1');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });
});

describe('a control socket path too long for a Unix socket', () => {
  it('falls back to $XDG_RUNTIME_DIR/tf/HASH.sock, which tf ps finds the same way', async () => {
    const runtime = scratch();
    const env = { XDG_RUNTIME_DIR: runtime };
    const { root, tf } = await startDeep(env, '21400');
    expect(Buffer.byteLength(join(root, '.tf', 'control.sock'))).toBeGreaterThan(108);
    expect(lstatSync(join(runtime, 'tf')).mode & 0o777).toBe(0o700);
    const [socket] = readdirSync(join(runtime, 'tf'));
    expect(socket).toMatch(/^[0-9a-f]{24}\.sock$/);
    expect(lstatSync(join(runtime, 'tf', socket!)).isSocket()).toBe(true);
    const ps = await runTf(['ps'], { cwd: root, env });
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout).toContain('web.1');
    // -d from elsewhere derives the same path.
    expect((await runTf(['ps', '-d', root], { cwd: tmpdir(), env })).stdout).toContain('web.1');
    expect(tf.stdout).not.toContain('live control is off');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
    expect(readdirSync(join(runtime, 'tf'))).toEqual([]);
  });

  it('falls back to a private folder of the user under the temp dir without XDG_RUNTIME_DIR', async () => {
    const temp = scratch();
    const env = { XDG_RUNTIME_DIR: undefined, TMPDIR: temp };
    const { root, tf } = await startDeep(env, '21410');
    const userDir = join(temp, `tf-${process.getuid!()}`);
    expect(lstatSync(userDir).mode & 0o777).toBe(0o700);
    expect(lstatSync(userDir).uid).toBe(process.getuid!());
    expect((await runTf(['ps'], { cwd: root, env })).stdout).toContain('web.1');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('never blocks tf start: a fallback folder that is a link leaves it running without live control', async () => {
    const temp = scratch();
    const elsewhere = scratch();
    symlinkSync(elsewhere, join(temp, `tf-${process.getuid!()}`));
    const env = { XDG_RUNTIME_DIR: undefined, TMPDIR: temp };
    const { root, tf } = await startDeep(env, '21420');
    await tf.waitForLine(/system \| live control is off \(tf ps, scale and logs cannot reach this tf\): \S+ is a symbolic link/);
    await tf.waitForLine(/READY/);
    expect(readdirSync(elsewhere)).toEqual([]);
    const ps = await runTf(['ps'], { cwd: root, env });
    expect(ps.stderr).toMatch(/^tf: no tf start is running in /);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('keeps ROOT/.tf/control.sock for a root that fits, and a named path as it is', () => {
    expect(socketPlace('/srv/app', undefined, {})).toMatchObject({ path: '/srv/app/.tf/control.sock', dir: '/srv/app/.tf', instead: { short: true } });
    const deep = `/srv/${'x'.repeat(100)}`;
    expect(socketPlace(deep, '/run/my.sock', {})).toEqual({ path: '/run/my.sock' });
    const a = socketPlace(deep, undefined, {});
    expect(a).toMatchObject({ short: true, dir: join(tmpdir(), `tf-${process.getuid!()}`) });
    expect(a.instead).toBeUndefined();
    expect(socketPlace(`${deep}y`, undefined, {}).path).not.toBe(a.path);
    // A stale XDG_RUNTIME_DIR (kept by su, gone or another user's) is passed over.
    expect(socketPlace(deep, undefined, { XDG_RUNTIME_DIR: '/nonexistent/run' }).path).toBe(a.path);
    expect(existsSync(a.path)).toBe(false);
  });
});
