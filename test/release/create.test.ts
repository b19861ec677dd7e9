import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTf } from '../helpers/tf.js';
import { envOf, leftovers, list, modeOf, ok, releaseApp, store, tf } from './helpers.js';

describe('tf release create', () => {
  it('snapshots the tree, env and Procfile into a read-only v1 and makes it current', async () => {
    const root = releaseApp();
    const result = ok(await tf(root, ['release', 'create', '--message', 'first'], { NOT_IN_ENV_FILES: 'shell only', HOSTNAME_FOR_TEST: 'db' }));
    expect(result.stdout).toMatch(/release +\| release phase: GREETING=hello TF_RELEASE=v1 PS=release\.1$/m);
    expect(result.stdout).toMatch(/tf: v1 created \(first\): build [0-9a-f]{12}, 3 files; env 3 variables; current -> v1/);
    const [v1] = await list(root);
    expect(v1).toMatchObject({ id: 'v1', current: true, status: 'ok', description: 'first', kind: 'build', from: null, source: null });
    expect(Date.parse(v1!.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    // Only the env files' variables, expanded; never the rest of the shell.
    expect(envOf(root, 'v1')).toEqual({ GREETING: 'hello', SECRET: 'hunter2', URL: 'http://db/x' });
    const dir = join(store(root), 'v1');
    expect(readlinkSync(join(store(root), 'current'))).toBe('v1');
    expect(readFileSync(join(dir, 'Procfile'), 'utf8')).toContain('worker: node server.js');
    expect(readFileSync(join(dir, 'release.log'), 'utf8')).toMatch(/release +\| release phase: GREETING=hello/);
    expect(readFileSync(join(dir, 'app', 'lib', 'util.js'), 'utf8')).toBe('module.exports = 1;\n');
    // The env files are not part of the build: their values live in env.json.
    expect(readdirSync(join(dir, 'app')).sort()).toEqual(['Procfile', 'lib', 'server.js']);
    expect(modeOf(store(root))).toBe(0o700);
    expect(modeOf(join(dir, 'env.json'))).toBe(0o400);
    expect(modeOf(dir)).toBe(0o500);
    expect(modeOf(join(dir, 'release.yml')) & 0o222).toBe(0);
    expect(modeOf(join(dir, 'app', 'server.js')) & 0o222).toBe(0);
    expect(modeOf(join(dir, 'app', 'lib')) & 0o222).toBe(0);
    expect(leftovers(root)).toEqual([]);
  });

  it('reuses the build when nothing changed, sharing every file with the first', async () => {
    const root = releaseApp({ 'bin/tool': '#!/bin/sh\necho tool\n' });
    ok(await tf(root, ['release', 'create']));
    const second = ok(await tf(root, ['build', '--message', 'again']));
    expect(second.stdout).toMatch(/v2 created \(again\): build [0-9a-f]{12} \(unchanged, reused\)/);
    const [v1, v2] = await list(root);
    expect(v2!.build.digest).toBe(v1!.build.digest);
    expect(statSync(join(store(root), 'v2', 'app', 'server.js')).ino).toBe(statSync(join(store(root), 'v1', 'app', 'server.js')).ino);
    writeFileSync(join(root, 'server.js'), 'changed\n');
    ok(await tf(root, ['release', 'create']));
    const [, , v3] = await list(root);
    expect(v3!.build.digest).not.toBe(v1!.build.digest);
    // Unchanged files of the new build are still the same objects.
    expect(statSync(join(store(root), 'v3', 'app', 'lib', 'util.js')).ino).toBe(statSync(join(store(root), 'v1', 'app', 'lib', 'util.js')).ino);
    expect(readFileSync(join(store(root), 'v1', 'app', 'server.js'), 'utf8')).toContain('READY');
    expect(readFileSync(join(store(root), 'v3', 'app', 'server.js'), 'utf8')).toBe('changed\n');
  });

  it('keeps modes and symlinks, and takes --env over the env files', async () => {
    const root = releaseApp({ 'bin/tool': '#!/bin/sh\necho tool\n' });
    const { chmodSync, symlinkSync } = await import('node:fs');
    chmodSync(join(root, 'bin/tool'), 0o755);
    symlinkSync('lib/util.js', join(root, 'util-link.js'));
    ok(await tf(root, ['release', 'create', '--env', 'GREETING=hi', '--env', 'EXTRA=${GREETING}!']));
    const app = join(store(root), 'v1', 'app');
    expect(modeOf(join(app, 'bin/tool')) & 0o111).toBe(0o111);
    expect(readlinkSync(join(app, 'util-link.js'))).toBe('lib/util.js');
    expect(envOf(root, 'v1')).toMatchObject({ GREETING: 'hi', EXTRA: 'hi!' });
  });

  it('needs nothing to build: an app without a build command is its copied tree', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const [v1] = await list(root);
    expect(v1!.build.command).toBeNull();
    ok(await tf(root, ['release', 'verify']));
  });

  it('runs the build command in a copy, prefixed, and releases its output', async () => {
    const root = releaseApp({ 'tf.yml': 'build: echo "building with $GREETING" && mkdir -p dist && echo built > dist/out.txt && echo oops > lib/util.js\n' });
    const result = ok(await tf(root, ['release', 'create']));
    expect(result.stdout).toMatch(/build +\| building with hello$/m);
    const app = join(store(root), 'v1', 'app');
    expect(readFileSync(join(app, 'dist/out.txt'), 'utf8')).toBe('built\n');
    expect(readFileSync(join(app, 'lib/util.js'), 'utf8')).toBe('oops\n');
    // The source tree is untouched: the build ran in a private copy.
    expect(readFileSync(join(root, 'lib/util.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect(existsSync(join(root, 'dist'))).toBe(false);
    expect(readFileSync(join(store(root), 'v1', 'build.log'), 'utf8')).toMatch(/build +\| building with hello/);
    expect((await list(root))[0]!.build.command).toMatch(/^echo "building/);
    ok(await tf(root, ['release', 'verify', 'v1']));
  });

  it('creates no release when the build command fails, keeps its output, and exits 1 whatever the build exited', async () => {
    // 2 would read as bad usage of tf (README, Exit status): the build's own status is in the message.
    const root = releaseApp({ 'tf.yml': `build: 'echo compiling; echo "error: bad syntax" >&2; exit 2'\n` });
    const result = await tf(root, ['release', 'create']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/build +\| error: bad syntax$/m);
    const kept = /its output is kept in (\S+)\)/.exec(result.stderr)?.[1];
    expect(result.stderr).toMatch(/^tf: the build command failed \(exit status 2\): no release was created/);
    expect(readFileSync(join(root, kept!), 'utf8')).toMatch(/build +\| compiling\n.*build +\| error: bad syntax/);
    expect(await list(root)).toEqual([]);
    expect(existsSync(join(store(root), 'current'))).toBe(false);
    expect(leftovers(root)).toEqual([]);
  });

  it('keeps a release whose release phase fails, marked failed, and does not move current', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    writeFileSync(join(root, 'Procfile'), 'worker: node server.js\nrelease: echo migrating; exit 4\n');
    const result = await tf(root, ['release', 'create']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/release +\| migrating$/m);
    expect(result.stderr).toBe('tf: v2: the release phase failed (exit status 4); v2 is kept as failed and current still points to v1 (its output is in releases/v2/release.log)\n');
    expect((await list(root)).map((r) => [r.id, r.status, r.current])).toEqual([['v1', 'ok', true], ['v2', 'failed', false]]);
    expect(readFileSync(join(store(root), 'v2', 'release.log'), 'utf8')).toMatch(/release +\| migrating/);
    const run = await tf(root, ['run', '--release', 'v2', '--', 'true']);
    expect(run.stderr).toMatch(/^tf: v2 failed its release phase and cannot be run/);
  });

  it('removes the staged release on SIGINT mid-build: no release, current untouched', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    writeFileSync(join(root, 'tf.yml'), `build: node -e "console.log('BUILDING'); setInterval(() => {}, 1000)"\n`);
    const create = startTf(['release', 'create'], { cwd: root });
    await create.waitForLine('BUILDING');
    expect(readdirSync(store(root)).some((n) => n.startsWith('.staging-v2-'))).toBe(true);
    create.signal('SIGINT');
    const result = await create.result();
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/tf: interrupted by SIGINT: no release was created/);
    expect((await list(root)).map((r) => r.id)).toEqual(['v1']);
    expect(readlinkSync(join(store(root), 'current'))).toBe('v1');
    expect(leftovers(root)).toEqual([]);
  });
});

describe('what goes into a build', () => {
  it('leaves out node_modules, .git-like clutter and the store, wherever it is', async () => {
    const root = releaseApp({ 'node_modules/dep/index.js': 'x\n', 'src/node_modules/nested.js': 'x\n', 'store/junk': 'x\n' });
    ok(await tf(root, ['release', 'create', '--releases-dir', 'store']));
    const app = join(root, 'store', 'v1', 'app');
    expect(readdirSync(app).sort()).toEqual(['Procfile', 'lib', 'server.js']);
    expect(readdirSync(join(root, 'store')).filter((n) => !n.startsWith('.')).sort()).toEqual(['current', 'junk', 'v1']);
    ok(await tf(root, ['release', 'list', '--releases-dir', 'store']));
  });

  it('uses TF_RELEASES_DIR', async () => {
    const root = releaseApp();
    const elsewhere = join(releaseApp(), 'shared-store');
    ok(await tf(root, ['release', 'create'], { TF_RELEASES_DIR: elsewhere }));
    expect(existsSync(join(elsewhere, 'v1', 'release.yml'))).toBe(true);
    expect(existsSync(store(root))).toBe(false);
  });

  it('says when a create drops a variable the current release had', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['config', 'set', 'FEATURE_X=on']));
    const result = ok(await tf(root, ['release', 'create']));
    expect(result.stdout).toMatch(/^tf: note: FEATURE_X was in v2's env but is not in the env files or --env, so v3 does not have it$/m);
  });
});
