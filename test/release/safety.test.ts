import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTf } from '../helpers/tf.js';
import { removeAll, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { leftovers, list, ok, releaseApp, store, tf } from './helpers.js';

describe('release IDs from the command line', () => {
  it.each([
    [['release', 'show', '../x'], /^tf: "\.\.\/x" is not a release ID \(release IDs look like v1, v2/],
    [['release', 'show', '/etc'], /^tf: "\/etc" is not a release ID/],
    [['release', 'show', 'v0'], /^tf: "v0" is not a release ID/],
    [['release', 'show', 'v9'], /^tf: no release v9 in releases \(see tf release list\)/],
    [['release', 'verify', 'v1/../v1'], /^tf: "v1\/\.\.\/v1" is not a release ID/],
    [['release', 'diff', 'v1', '..'], /^tf: "\.\." is not a release ID/],
    [['run', '--release', '../../etc', '--', 'true'], /^tf: "\.\.\/\.\.\/etc" is not a release ID/],
  ])('%j is a clear error', async (args, message) => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const result = await tf(root, args);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').length).toBe(2);
    expect(result.code).toBe(1);
  });
});

describe('a damaged store', () => {
  it('verify names a changed, added or removed file', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['release', 'create']));
    const app = join(store(root), 'v1', 'app');
    // As root the modes do not stop a write, which is exactly why verify exists.
    chmodSync(join(app, 'server.js'), 0o644);
    writeFileSync(join(app, 'server.js'), 'tampered\n');
    chmodSync(join(app, 'lib'), 0o755);
    writeFileSync(join(app, 'lib', 'extra.js'), 'x\n');
    unlinkSync(join(app, 'lib', 'util.js'));
    const result = await tf(root, ['release', 'verify', 'v1']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('v1: 6 problems\n  added: app/lib/extra.js\n  removed: app/lib/util.js\n  changed: app/server.js\n  writable: app/lib/\n  writable: app/lib/extra.js\n  writable: app/server.js\n');
    expect(result.stderr).toMatch(/^tf: 1 release differs from its manifest/);
    // v2 shares those objects, so it is damaged too: verify --all says so.
    expect((await tf(root, ['release', 'verify', '--all'])).stdout).toMatch(/^v2: 6 problems$/m);
  });

  it('verify notices a changed env snapshot', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const env = join(store(root), 'v1', 'env.json');
    chmodSync(env, 0o600);
    writeFileSync(env, '{"SECRET": "swapped"}\n');
    const result = await tf(root, ['release', 'verify']);
    expect(result.stdout).toMatch(/^ {2}changed: v1\/env\.json$/m);
    expect(result.code).toBe(1);
  });

  it('says so when current points nowhere', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    unlinkSync(join(store(root), 'current'));
    symlinkSync('v7', join(store(root), 'current'));
    for (const args of [['config'], ['release', 'show'], ['start', '--release'], ['release', 'rollback']]) {
      const result = await tf(root, args);
      expect(result.stderr, args.join(' ')).toBe('tf: releases/current points to "v7", which is not a release in this store (pick one with tf release rollback ID (see tf release list))\n');
      expect(result.code).toBe(1);
    }
    ok(await tf(root, ['release', 'rollback', 'v1']));
    expect((await list(root)).at(-1)).toMatchObject({ id: 'v2', current: true });
  });

  it('refuses a store made by a newer tf', async () => {
    const root = releaseApp();
    mkdirSync(store(root));
    writeFileSync(join(store(root), '.tf-store.json'), '{"format": 2}\n');
    for (const args of [['release', 'create'], ['release', 'list']]) {
      const result = await tf(root, args);
      expect(result.stderr).toBe('tf: releases was made by a newer tf (store format 2; this tf reads format 1) (upgrade tf, or use another store with --releases-dir)\n');
      expect(result.code).toBe(1);
    }
    expect(readdirSync(store(root))).toEqual(['.tf-store.json']);
  });

  it('says there are no releases yet', async () => {
    const result = await tf(releaseApp(), ['release', 'list']);
    expect(result.stderr).toBe('tf: no releases in releases yet (make the first with tf release create)\n');
  });

  it('cleans up staging dirs and a lock left by a dead tf', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const dead = 2 ** 22 + 12345;
    mkdirSync(join(store(root), `.staging-v2-${dead}`));
    writeFileSync(join(store(root), '.lock'), `${dead}\n`);
    writeFileSync(join(store(root), '.tmp', `${dead}-object-0`), 'half an object');
    mkdirSync(join(store(root), '.tmp', `${dead}-build-${'a'.repeat(64)}`));
    // A build being assembled when its tf died: read-only already, as it is just before its rename.
    const build = join(store(root), '.builds', `.${'b'.repeat(64)}.tmp-${dead}`);
    mkdirSync(join(build, 'lib'), { recursive: true });
    writeFileSync(join(build, 'lib', 'x.js'), 'x\n');
    chmodSync(join(build, 'lib'), 0o555);
    chmodSync(build, 0o555);
    expect(leftovers(root).length).toBe(4);
    ok(await tf(root, ['release', 'create']));
    expect((await list(root)).map((r) => r.id)).toEqual(['v1', 'v2']);
    expect(leftovers(root)).toEqual([]);
    expect(existsSync(join(store(root), '.lock'))).toBe(false);
  });

  it('stores a file again when its object is gone but the stat cache still knows its hash', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    // Made old enough to be cached: files whose mtime or ctime is within 100 ms of the scan are
    // always hashed again. Setting the mtime sets the ctime to now, so wait for that to age too.
    const files = ['Procfile', 'server.js', 'lib/util.js'].map((f) => join(root, f));
    for (const file of files) utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await waitFor(() => files.every((file) => Date.now() - statSync(file).ctimeMs > 250), 'the ctimes to be 250 ms old');
    ok(await tf(root, ['release', 'create']));
    const cache = JSON.parse(readFileSync(join(store(root), '.stat-cache.json'), 'utf8')) as { rows: Record<string, unknown> };
    expect(Object.keys(cache.rows).sort()).toEqual(['Procfile', 'lib/util.js', 'server.js']);
    const [v1] = await list(root);
    removeAll(join(store(root), 'v1'));
    removeAll(join(store(root), 'v2'));
    removeAll(join(store(root), '.builds'));
    removeAll(join(store(root), '.objects'));
    mkdirSync(join(store(root), '.builds'));
    mkdirSync(join(store(root), '.objects'));
    unlinkSync(join(store(root), 'current'));
    ok(await tf(root, ['release', 'create']));
    const [v3] = await list(root);
    expect(v3!.build.digest).toBe(v1!.build.digest);
    ok(await tf(root, ['release', 'verify']));
  });
});

describe('concurrency', () => {
  it('gives two creates at once distinct IDs, and both complete', async () => {
    const sync = tmpApp();
    // Each build announces itself, then waits until both have started: they provably overlap.
    const waiter = `node -e "const fs=require('fs');fs.writeFileSync('${sync}/'+process.pid,'');const t=setInterval(()=>{if(fs.readdirSync('${sync}').length>=2){console.log('BOTH');process.exit(0)}},20);setTimeout(()=>process.exit(9),20000)"`;
    const root = releaseApp({ 'tf.yml': `build: ${JSON.stringify(waiter)}\n` });
    const a = startTf(['release', 'create', '--message', 'a'], { cwd: root });
    const b = startTf(['release', 'create', '--message', 'b'], { cwd: root });
    const [ra, rb] = await Promise.all([a.result(), b.result()]);
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    expect(ra.stdout).toContain('BOTH');
    const releases = await list(root);
    expect(releases.map((r) => r.id)).toEqual(['v1', 'v2']);
    expect(releases.map((r) => r.description).sort()).toEqual(['a', 'b']);
    expect(releases.filter((r) => r.current).length).toBe(1);
    expect(leftovers(root)).toEqual([]);
  });
});

describe('running a release', () => {
  it('tf start --release runs the release with its env; prune keeps it while it runs', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    writeFileSync(join(root, '.env'), 'GREETING=v2 greeting\n');
    writeFileSync(join(root, 'server.js'), 'console.log("READY new code"); setInterval(() => {}, 1000);\n');
    ok(await tf(root, ['release', 'create']));
    ok(await tf(root, ['release', 'create']));
    const running = startTf(['start', '--release', 'v1'], { cwd: root, env: { GREETING: 'from the shell', SHELL_ONLY: 'kept' } });
    const line = await running.waitForLine('READY');
    expect(line).toMatch(new RegExp(`worker\\.1 +\\| READY hello v1 ${store(root)}/\\.builds/[0-9a-f]{64}$`));
    expect(readFileSync(join(store(root), '.in-use', String(running.pid)), 'utf8')).toBe('v1\n');
    const pruned = ok(await tf(root, ['release', 'prune', '--keep', '1']));
    expect(pruned.stdout).toMatch(/^tf: removed v2; kept v1, v3$/m);
    expect((await list(root)).map((r) => r.id)).toEqual(['v1', 'v3']);
    running.signal('SIGTERM');
    await running.result();
    expect(existsSync(join(store(root), '.in-use', String(running.pid)))).toBe(false);
    ok(await tf(root, ['release', 'prune', '--keep', '0']));
    expect((await list(root)).map((r) => r.id)).toEqual(['v3']);
    ok(await tf(root, ['release', 'verify']));
    // v1's build is gone with it; v3's files are all still there.
    expect(readdirSync(join(store(root), '.builds')).filter((n) => !n.endsWith('.json')).length).toBe(1);
  });

  it('tf run --release gives shell < snapshot < tf variables, in the release dir', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    rmSync(join(root, 'server.js'));
    const probe = 'console.log([process.env.GREETING, process.env.SHELL_ONLY, process.env.TF_RELEASE, process.env.PS, process.env.SECRET].join(" "))';
    const result = ok(await tf(root, ['run', '--release', '--', 'node', '-e', probe], { GREETING: 'shell', SHELL_ONLY: 'kept', TF_RELEASE: 'shell' }));
    expect(result.stdout).toBe('hello kept v1 run.1 hunter2\n');
    const listing = ok(await tf(root, ['run', '--release', 'current', 'ls'])).stdout;
    expect(listing).toBe('Procfile\nlib\nserver.js\n');
    const bad = await tf(root, ['run', '--release', '-e', '.env', '--', 'true']);
    expect(bad.stderr).toMatch(/^tf: -e\/--env-file cannot be used with --release/);
  });
});
