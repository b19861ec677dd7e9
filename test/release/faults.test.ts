import { existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { envOf, FILL_DISK, leftovers, list, ok, onTinyDisk, releaseApp, removeStoreFolder, store, tf } from './helpers.js';

// Issue 11, section 4: the release store under concurrent commands and a full disk.

describe('commands at once', () => {
  it('two tf config set of different keys keep both, and current ends on the newest', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    for (let round = 1; round <= 3; round++) {
      const a = startTf(['config', 'set', `A${round}=a`], { cwd: root });
      const b = startTf(['config', 'set', `B${round}=b`], { cwd: root });
      const [ra, rb] = await Promise.all([a.result(), b.result()]);
      expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
      const releases = await list(root);
      const current = releases.find((r) => r.current)!;
      expect(current.id).toBe(releases.at(-1)!.id);
      const env = envOf(root, current.id);
      for (let seen = 1; seen <= round; seen++) expect(env, `round ${round}`).toMatchObject({ [`A${seen}`]: 'a', [`B${seen}`]: 'b' });
    }
    expect(leftovers(root)).toEqual([]);
  });

  it('a create that finishes after a newer release does not move current back', async () => {
    const gate = join(tmpApp(), 'open');
    writeFileSync(gate, '');
    // The build waits while the gate is closed: v2's create is held until v3 is made.
    const root = releaseApp({ 'tf.yml': `build: ${JSON.stringify(`while [ ! -e ${gate} ]; do sleep 0.02; done`)}\n` });
    ok(await tf(root, ['release', 'create']));
    rmSync(gate);
    const slow = startTf(['release', 'create', '--message', 'slow'], { cwd: root });
    await slow.waitForLine('v2: building');
    const set = ok(await tf(root, ['config', 'set', 'LATE=1']));
    expect(set.stdout).toMatch(/^tf: v3 created \(Set LATE\): .*; current -> v3$/m);
    writeFileSync(gate, '');
    const done = await slow.result();
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^tf: v2 created \(slow\): .*; current stays v3, which is newer$/m);
    expect((await list(root)).map((r) => `${r.id}${r.current ? '*' : ''}`)).toEqual(['v1', 'v2', 'v3*']);
  });
});

/** The store's names after the script, as the script printed them (`find`, relative). */
function names(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('store/')).map((l) => l.slice('store/'.length)).sort();
}

describe('a full disk', () => {
  it('a failed create leaves no objects, no build, no lock and no staging behind', () => {
    const root = releaseApp({ 'big.bin': 'x'.repeat(2 * 1024 * 1024) });
    const run = onTinyDisk('$TF release create --releases-dir "$DISK/store" 2>&1; echo "exit $?"; cd "$DISK" && find store -mindepth 1', { cwd: root });
    expect(run.stdout, run.stderr).toMatch(/^tf: the disk is full \(ENOSPC\): no release was created \(free some space, e.g. with tf release prune --keep N\)\nexit 1\n/);
    // The Procfile was stored before big.bin filled the disk: it goes too.
    expect(names(run.stdout)).toEqual(['.builds', '.gitignore', '.in-use', '.logs', '.objects', '.tf-store.json', '.tmp']);
  });

  it('a command that cannot write its lock removes it, so the next one does not wait for it', () => {
    const root = releaseApp();
    const script = [
      '$TF release create --releases-dir "$DISK/store" >/dev/null',
      FILL_DISK,
      'for args in "config set A=1" "release create" "release rollback v1" "release prune --keep 0"; do $TF $args --releases-dir "$DISK/store" 2>&1; echo "exit $?"; done',
      'cd "$DISK" && find store -maxdepth 1 -mindepth 1',
    ].join(' && ');
    const run = onTinyDisk(script, { cwd: root, size: '1m' });
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('tf: '));
    expect(errors.length, run.stdout + run.stderr).toBe(4);
    for (const line of errors) expect(line).toMatch(/^tf: the disk is full \(ENOSPC\)/);
    expect(run.stdout.match(/^exit 1$/gm)?.length).toBe(4);
    expect(names(run.stdout)).not.toContain('.lock');
    expect(names(run.stdout)).not.toContain('.change.lock');
    expect(names(run.stdout)).toContain('v1');
    expect(existsSync(join(root, 'releases'))).toBe(false);
  });
});

describe("the store's private folders", () => {
  it.each(['.tmp', '.logs', '.objects'])('refuses %s when it is a symlink, writing nothing through it', async (name) => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const elsewhere = tmpApp();
    removeStoreFolder(root, name);
    symlinkSync(elsewhere, join(store(root), name));
    for (const args of [['release', 'create'], ['config', 'set', 'A=1'], ['release', 'prune', '--keep', '1']]) {
      const result = await tf(root, args);
      expect(result.stderr, args.join(' ')).toBe(`tf: releases/${name} is a symbolic link; tf writes only into a real folder there (remove the link (tf makes the folder again))\n`);
      expect(result.code).toBe(1);
    }
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
