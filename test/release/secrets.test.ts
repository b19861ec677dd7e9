import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpApp } from '../helpers/tmp-app.js';
import { IS_ROOT, ok, releaseApp, store, tf } from './helpers.js';

// Issue 11, section 2: secrets stay out of git and out of logs; and a folder tf cannot read is
// the user's to fix (section 3).

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).trim();
}

/** The files of the current release's build, as paths relative to it. */
function buildFiles(root: string, dir = store(root)): string[] {
  const index = readdirSync(join(dir, '.builds')).find((n) => n.endsWith('.index.json'))!;
  return (JSON.parse(readFileSync(join(dir, '.builds', index), 'utf8')) as { entries: [string][] }).entries.map(([path]) => path);
}

describe('the store and git', () => {
  it('keeps the store out of git: a new store has a .gitignore of *', async () => {
    const root = releaseApp({ '.gitignore': '.env\n' });
    git(root, 'init', '-q');
    ok(await tf(root, ['release', 'create']));
    expect(readFileSync(join(store(root), '.gitignore'), 'utf8')).toBe('*\n');
    git(root, 'add', '-A');
    const staged = git(root, 'diff', '--cached', '--name-only').split('\n');
    expect(staged.sort()).toEqual(['.gitignore', 'Procfile', 'lib/util.js', 'server.js']);
    // The env snapshot holding SECRET=hunter2 is on disk, and git does not see it.
    expect(readFileSync(join(store(root), 'v1', 'env.json'), 'utf8')).toContain('hunter2');
  });

  it('writes the .gitignore wherever the store is, and never into an existing store', async () => {
    const root = releaseApp();
    const elsewhere = join(tmpApp(), 'deploy', 'store');
    ok(await tf(root, ['release', 'create', '--releases-dir', elsewhere]));
    expect(readFileSync(join(elsewhere, '.gitignore'), 'utf8')).toBe('*\n');
    writeFileSync(join(elsewhere, '.gitignore'), '# mine\n');
    ok(await tf(root, ['release', 'create', '--releases-dir', elsewhere]));
    expect(readFileSync(join(elsewhere, '.gitignore'), 'utf8')).toBe('# mine\n');
  });

  it('says that git refuses a checkout (dubious ownership) instead of treating it as no checkout', async () => {
    const root = releaseApp({ '.env.production': 'DATABASE_URL=postgres://u:pw@db/x\n' });
    git(root, 'init', '-q');
    // git's own switch for its ownership check, and no config of the machine's to allow it.
    const result = await tf(root, ['release', 'create'], { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
    expect(result.stderr).toBe(`tf: git refuses this checkout: detected dubious ownership in repository at '${root}' (git config --global --add safe.directory ${root})\n`);
    expect(result.code).toBe(1);
    expect(readdirSync(store(root)).filter((n) => /^v\d/.test(n))).toEqual([]);
  });
});

describe('what never enters a build', () => {
  const app = {
    '.env.production': 'DATABASE_URL=postgres://u:pw@db/x\n',
    'config/.env.local': 'SECRET_KEY_BASE=abc\n',
    '.env.example': 'DATABASE_URL=\n',
    'log/development.log': 'Started GET /login for 127.0.0.1\n',
    'log/.keep': '',
    'tmp/cache/x': 'x\n',
    'notes.bak': 'x\n',
    'keep.bak': 'x\n',
    '.tfignore': '# what is not the app\n/log/*\n!/log/.keep\ntmp/\n*.bak\n!keep.bak\n',
  };

  it('outside git: env files by name and what .tfignore lists', async () => {
    const root = releaseApp(app);
    ok(await tf(root, ['release', 'create']));
    expect(buildFiles(root).sort()).toEqual(['.tfignore', 'Procfile', 'keep.bak', 'lib/util.js', 'log/.keep', 'server.js']);
  });

  it('in a git checkout, tracked or not: env files by name and what .tfignore lists', async () => {
    const root = releaseApp(app);
    git(root, 'init', '-q');
    git(root, 'add', '-f', '.');
    git(root, 'commit', '-q', '-m', 'everything, env files too');
    ok(await tf(root, ['release', 'create']));
    expect(buildFiles(root).sort()).toEqual(['.tfignore', 'Procfile', 'keep.bak', 'lib/util.js', 'log/.keep', 'server.js']);
  });
});

describe('errors that could leak a secret', () => {
  it('an env file error names the line, never its text', async () => {
    const key = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';
    const root = releaseApp({ '.env': `A=1\nPRIVATE_KEY=-----BEGIN RSA PRIVATE KEY-----\n${key}\n` });
    const result = await tf(root, ['release', 'create']);
    // A line without "=" is skipped with a warning (as dotenv and foreman do), named by its line only.
    expect(result.stderr).toBe('tf: warning: .env:3: skipped a line that is not KEY=VALUE (no "=") (write it as KEY=value, or comment it out with #)\n');
    expect(result.stdout + result.stderr).not.toContain('MIIE');
    expect(result.code).toBe(0);
    const quoted = releaseApp({ '.env': 'PASSWORD="hunter2"hunter3\n' });
    const after = await tf(quoted, ['release', 'create']);
    expect(after.stderr).toBe('tf: .env:1: unexpected text after the closing quote of PASSWORD (put the whole value inside the quotes, or start a comment with #)\n');
    expect(after.code).toBe(1);
  });
});

describe('a folder tf cannot read', () => {
  it('is a one-line error naming it, not a crash', async (context) => {
    // Root reads any folder; only an ordinary user meets this.
    if (IS_ROOT) return context.skip();
    const root = releaseApp({ 'private/notes.txt': 'x\n' });
    chmodSync(join(root, 'private'), 0o000);
    try {
      const result = await tf(root, ['release', 'create']);
      expect(result.stderr).toBe('tf: private/: cannot read this folder (EACCES) (give yourself access (chmod u+rx), or leave it out of releases in .tfignore)\n');
      expect(result.code).toBe(1);
      writeFileSync(join(root, '.tfignore'), 'private/\n');
      ok(await tf(root, ['release', 'create']));
    } finally {
      chmodSync(join(root, 'private'), 0o700);
    }
    expect(existsSync(join(store(root), 'v1'))).toBe(true);
  });
});
