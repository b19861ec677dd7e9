import { accessSync, constants, existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, startTf, TF_BIN } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';
import { IS_ROOT, list, ok, releaseApp, store, tf } from './helpers.js';

// Issue 11, section 1: the release store as an ordinary user (CI runs this suite as one, through
// npm test, through scripts/as-user.sh). Root ignores folder modes, which hid every failure here.

/** Every folder and file under `dir` with its mode, symlinks left out. */
function modes(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  const out: Array<{ path: string; dir: boolean; mode: number }> = [];
  const visit = (path: string): void => {
    for (const name of readdirSync(path)) {
      const abs = join(path, name);
      const stat = lstatSync(abs);
      if (stat.isSymbolicLink()) continue;
      out.push({ path: abs, dir: stat.isDirectory(), mode: stat.mode & 0o7777 });
      if (stat.isDirectory()) visit(abs);
    }
  };
  visit(dir);
  return out;
}

describe('the release store for its owner', () => {
  it('create, config set, rollback, start --release, prune and verify all work', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create', '--message', 'first']));
    writeFileSync(join(root, 'server.js'), 'console.log("READY", process.env.GREETING, process.env.TF_RELEASE); setInterval(() => {}, 1000);\n');
    ok(await tf(root, ['release', 'create', '--message', 'second']));
    ok(await tf(root, ['config', 'set', 'GREETING=set']));
    ok(await tf(root, ['release', 'rollback', 'v1']));
    const running = startTf(['start', '--release', 'v3'], { cwd: root });
    expect(await running.waitForLine('READY')).toMatch(/\| READY set v3$/);
    running.signal('SIGTERM');
    await running.result();
    expect((await list(root)).map((r) => `${r.id}${r.current ? '*' : ''}`)).toEqual(['v1', 'v2', 'v3', 'v4*']);
    const pruned = ok(await tf(root, ['release', 'prune', '--keep', '1']));
    expect(pruned.stdout).toMatch(/^tf: removed v1, v2, v3; kept v4$/m);
    expect(pruned.stdout).toMatch(/^tf: freed 1 builds and 1 files/m);
    ok(await tf(root, ['release', 'verify', '--all']));
  });

  it('keeps every file read-only and every release and build folder r-x, and verify checks the rest', async () => {
    const root = releaseApp({ 'bin/run': '#!/bin/sh\necho run\n' });
    spawnSync('chmod', ['+x', join(root, 'bin/run')]);
    ok(await tf(root, ['release', 'create']));
    const all = modes(store(root));
    const files = all.filter((e) => !e.dir && !e.path.includes('/.tmp/'));
    const releaseFiles = files.filter((e) => e.path.includes('/v1/') || e.path.includes('/.objects/') || e.path.includes('/.builds/'));
    expect(releaseFiles.length).toBeGreaterThan(6);
    for (const file of releaseFiles) expect(file.mode & 0o222, file.path).toBe(0);
    const readOnlyDirs = all.filter((e) => e.dir && (e.path.endsWith('/v1') || /\/\.builds\/[0-9a-f]{64}(\/|$)/.test(e.path)));
    expect(readOnlyDirs.map((e) => e.path.replace(/.*\/releases\//, '').replace(/[0-9a-f]{64}/, 'D')).sort()).toEqual(['.builds/D', '.builds/D/bin', '.builds/D/lib', 'v1']);
    for (const dir of readOnlyDirs) expect(dir.mode & 0o222, dir.path).toBe(0);
    const app = join(store(root), 'v1', 'app');
    if (!IS_ROOT) {
      // What an app running as its owner meets when it writes into its own code.
      expect(() => writeFileSync(join(app, 'server.js'), 'changed\n')).toThrow(/EACCES/);
      expect(() => writeFileSync(join(app, 'new.txt'), 'added\n')).toThrow(/EACCES/);
      expect(() => accessSync(join(app, 'lib'), constants.W_OK)).toThrow(/EACCES/);
    }
    // The owner can still change anything (chmod is theirs): verify is what tells, modes included.
    spawnSync('chmod', ['u+w', `${app}/`, join(app, 'lib', 'util.js'), join(store(root), 'v1', 'env.json')]);
    let result = await tf(root, ['release', 'verify']);
    expect(result.stdout).toBe('v1: 3 problems\n  writable: v1/env.json\n  writable: app/\n  writable: app/lib/util.js\n');
    expect(result.code).toBe(1);
    writeFileSync(join(app, 'lib', 'util.js'), 'changed\n');
    result = await tf(root, ['release', 'verify']);
    expect(result.stdout).toMatch(/^ {2}changed: app\/lib\/util\.js$/m);
  });

  it('removes a whole store with tf release destroy --yes, or with chmod -R u+w then rm -rf', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['release', 'create']));
    const asked = await tf(root, ['release', 'destroy']);
    expect(asked.stderr).toBe('tf: tf release destroy would remove releases (2 releases, their builds and env snapshots) (confirm with --yes)\n');
    expect(asked.code).toBe(1);
    expect(existsSync(join(store(root), 'v2'))).toBe(true);
    const destroyed = ok(await tf(root, ['release', 'destroy', '--yes']));
    expect(destroyed.stdout).toBe('tf: removed releases (2 releases, their builds and env snapshots)\n');
    expect(readdirSync(root).sort()).toEqual(['.env', 'Procfile', 'lib', 'server.js']);
    // The README's recipe for doing it by hand.
    ok(await tf(root, ['release', 'create']));
    const removed = spawnSync('sh', ['-c', 'chmod -R u+w releases && rm -rf releases'], { cwd: root, encoding: 'utf8' });
    expect(removed.stderr).toBe('');
    expect(removed.status).toBe(0);
    expect(existsSync(store(root))).toBe(false);
  });

  it('tf release destroy on a terminal asks first, and only y removes', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    for (const [answer, code] of [['n', 1], ['', 1], ['y', 0]] as const) {
      // script(1) gives tf a terminal; the answer is typed once the question is on it.
      const child = spawn('script', ['-qec', `${process.execPath} ${TF_BIN} release destroy`, '/dev/null'], { cwd: root, env: cleanEnv() });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      await waitFor(() => out.includes('[y/N] '), () => `the question (so far: ${out})`, 20_000);
      child.stdin.write(`${answer}\n`);
      expect(await closed, out).toBe(code);
      expect(out).toContain('tf: remove releases (1 release, their builds and env snapshots)? [y/N] ');
      expect(out).toContain(code === 0 ? 'tf: removed releases' : 'tf: nothing removed');
      expect(existsSync(store(root)), answer).toBe(code !== 0);
    }
  });

  it('refuses tf release destroy while a tf runs one of its releases', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const running = startTf(['start', '--release'], { cwd: root });
    await running.waitForLine('READY');
    const refused = await tf(root, ['release', 'destroy', '--yes']);
    expect(refused.stderr).toBe(`tf: releases is in use by tf ${running.pid} (v1) (stop it first; tf release destroy removes nothing meanwhile)\n`);
    expect(refused.code).toBe(1);
    expect(readFileSync(join(store(root), 'v1', 'release.yml'), 'utf8')).toMatch(/^id: "v1"$/m);
    running.signal('SIGTERM');
    await running.result();
    ok(await tf(root, ['release', 'destroy', '--yes']));
    expect(existsSync(store(root))).toBe(false);
  });
});
