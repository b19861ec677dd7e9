import { readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envOf, list, ok, releaseApp, store, tf } from './helpers.js';

describe('tf release rollback', () => {
  it('makes a new release with the previous build and env, and moves current to it', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    writeFileSync(join(root, 'server.js'), 'v2\n');
    writeFileSync(join(root, '.env'), 'GREETING=bonjour\n');
    ok(await tf(root, ['release', 'create']));
    const result = ok(await tf(root, ['release', 'rollback']));
    expect(result.stdout).toMatch(/tf: v3 created \(Rollback to v1\): the build and env of v1; current -> v3/);
    const [v1, , v3] = await list(root);
    expect(v3).toMatchObject({ id: 'v3', current: true, kind: 'rollback', from: 'v1', description: 'Rollback to v1' });
    expect(v3!.build.digest).toBe(v1!.build.digest);
    expect(envOf(root, 'v3')).toEqual(envOf(root, 'v1'));
    // Its digests are v1's, taken from v1's manifest, and hold for its own files.
    const digests = async (id: string) => {
      const shown = JSON.parse(ok(await tf(root, ['release', 'show', id, '--json'])).stdout) as { env: { digest: string }; procfile: { digest: string } };
      return [shown.env.digest, shown.procfile.digest];
    };
    expect(await digests('v3')).toEqual(await digests('v1'));
    expect(ok(await tf(root, ['release', 'verify', 'v3'])).stdout).toMatch(/^v3: ok/);
    expect(readlinkSync(join(store(root), 'current'))).toBe('v3');
    // The rolled-back-to release's release phase ran for the new release, as on Heroku.
    expect(result.stdout).toMatch(/release +\| release phase: GREETING=hello TF_RELEASE=v3/);
    // "Previous" of v3 is v2 by sequence: rolling back again returns to v2's build.
    ok(await tf(root, ['release', 'rollback']));
    expect((await list(root))[3]).toMatchObject({ id: 'v4', from: 'v2', current: true });
  });

  it('goes to a named release', async () => {
    const root = releaseApp();
    for (let i = 0; i < 3; i++) ok(await tf(root, ['release', 'create', '--message', `r${i}`]));
    ok(await tf(root, ['release', 'rollback', 'v1']));
    expect((await list(root)).at(-1)).toMatchObject({ id: 'v4', from: 'v1', current: true });
  });

  it.each([
    ['with one release', [], /^tf: nothing to roll back to: v1 is the only release \(/],
    ['to an unknown ID', ['v7'], /^tf: no release v7 \(see tf release list\)/],
    ['to a path', ['../v1'], /^tf: "\.\.\/v1" is not a release ID \(/],
  ])('refuses %s', async (_, args, message) => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    const result = await tf(root, ['release', 'rollback', ...args]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(1);
    expect((await list(root)).map((r) => r.id)).toEqual(['v1']);
  });

  it('refuses to roll back to a failed release', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    writeFileSync(join(root, 'Procfile'), 'worker: node server.js\nrelease: exit 2\n');
    await tf(root, ['release', 'create']);
    const result = await tf(root, ['release', 'rollback', 'v2']);
    expect(result.stderr).toMatch(/^tf: v2 failed its release phase; tf will not roll back to it/);
    expect(result.code).toBe(1);
  });
});

describe('tf config', () => {
  it('shows the current env masked, and set/unset make new releases with the same build', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create']));
    expect(ok(await tf(root, ['config'])).stdout).toBe('GREETING=*****\nSECRET=*****\nURL=*****\n');
    expect(ok(await tf(root, ['config', 'set', 'SECRET=s3cret=x', 'NEW=1'])).stdout).toMatch(/v2 created \(Set SECRET, NEW\)/);
    expect(ok(await tf(root, ['config', 'unset', 'GREETING'])).stdout).toMatch(/v3 created \(Unset GREETING\)/);
    expect(ok(await tf(root, ['config', '--reveal'])).stdout).toBe('NEW=1\nSECRET=s3cret=x\nURL=http://localhost/x\n');
    const [v1, v2, v3] = await list(root);
    expect([v2!.build.digest, v3!.build.digest]).toEqual([v1!.build.digest, v1!.build.digest]);
    expect(v3).toMatchObject({ kind: 'config', from: 'v2', current: true });
    const unset = await tf(root, ['config', 'unset', 'NOPE']);
    expect(unset.stderr).toMatch(/^tf: NOPE is not set in the current release/);
    // A value typed without its KEY= may be a secret: it is never echoed.
    const bad = await tf(root, ['config', 'set', 'hunter2']);
    expect(bad.stderr).toMatch(/^tf: tf config set: an argument without "=" is not KEY=VALUE \(/);
    expect(bad.stderr).not.toContain('hunter2');
    expect((await list(root)).length).toBe(3);
  });
});

describe('tf release show and diff', () => {
  it('masks values unless --reveal, and diffs env keys and files', async () => {
    const root = releaseApp();
    ok(await tf(root, ['release', 'create', '--message', 'one']));
    writeFileSync(join(root, 'server.js'), 'changed\n');
    writeFileSync(join(root, 'added.js'), 'new\n');
    writeFileSync(join(root, '.env'), 'GREETING=hello\nSECRET=other\nPORT_X=1\n');
    ok(await tf(root, ['release', 'create', '--message', 'two']));
    const shown = ok(await tf(root, ['release', 'show', 'v1'])).stdout;
    expect(shown).toMatch(/^release +v1$/m);
    expect(shown).toMatch(/^description +one$/m);
    expect(shown).toMatch(/^ {2}SECRET=\*{5}$/m);
    expect(shown).not.toContain('hunter2');
    expect(ok(await tf(root, ['release', 'show', 'v1', '--reveal'])).stdout).toMatch(/^ {2}SECRET=hunter2$/m);
    const json = JSON.parse(ok(await tf(root, ['release', 'show', '--json'])).stdout) as { id: string; current: boolean };
    expect(json).toMatchObject({ id: 'v2', current: true });
    const diff = ok(await tf(root, ['release', 'diff', 'v1', 'v2'])).stdout;
    expect(diff).toBe('env (v1 -> v2; values not shown)\n  + PORT_X\n  - URL\n  ~ SECRET\nfiles (v1 -> v2)\n  + added.js\n  ~ server.js\n');
    expect(diff).not.toContain('other');
    expect(ok(await tf(root, ['release', 'diff', 'v1', 'v1'])).stdout).toBe('v1 and v1 have the same files, Procfile and env\n');
  });
});

describe('a git checkout', () => {
  it('records the commit and dirty flag, and leaves out ignored files', async () => {
    const root = releaseApp({ '.gitignore': '.env\nlogs/\n*.secret\n', 'logs/app.log': 'noise\n', 'key.secret': 'x\n' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
    git('init', '-q');
    git('add', 'Procfile', 'server.js', 'lib', '.gitignore');
    git('commit', '-q', '-m', 'init');
    const commit = git('rev-parse', 'HEAD');
    // releases/ itself is not ignored here: tf leaves its own store out all the same.
    writeFileSync(join(root, 'untracked.js'), 'u\n');
    ok(await tf(root, ['release', 'create']));
    const [v1] = await list(root);
    expect(v1!.source).toEqual({ commit, dirty: true });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(store(root), 'v1', 'app')).sort()).toEqual(['.gitignore', 'Procfile', 'lib', 'server.js', 'untracked.js']);
    git('add', 'untracked.js');
    git('commit', '-q', '-m', 'two');
    ok(await tf(root, ['release', 'create']));
    expect((await list(root))[1]!.source).toEqual({ commit: git('rev-parse', 'HEAD'), dirty: false });
  });
});
