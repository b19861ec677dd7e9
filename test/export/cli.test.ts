import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTf, type TfResult } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';

const PROCFILE = 'web: node web.js\nworker: node worker.js\n';

function expectOneLineError(result: TfResult, message: RegExp): void {
  const context = `exit ${result.code}, stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.stderr, context).toMatch(/^tf: [^\n]+ \(.*\S.*\)\n$/);
  expect(result.stderr.trimEnd(), context).toMatch(message);
  expect(result.stdout, context).toBe('');
  expect(result.code, context).toBe(1);
}

async function tfExport(args: string[], files: Record<string, string> = { Procfile: PROCFILE }): Promise<TfResult> {
  return runTf(['export', ...args], { cwd: tmpApp(files) });
}

describe('tf export', () => {
  it('writes the export and lists it, with notes on what the target cannot keep', async () => {
    const cwd = tmpApp({ Procfile: PROCFILE, '.env': 'GREETING=hi\n' });
    const result = await runTf(['export', 'supervisord', 'out', '--app', 'shop', 'web=2', 'worker'], { cwd, env: { SHELL_ONLY: 'leaked' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('exported shop for supervisord into out:\n  wrote   shop.conf\n  wrote   shop.env\nnote: supervisord: web, worker have no restart: in tf.yml, so the export restarts them when they exit (autorestart=true, startretries=10, with supervisord\'s growing delay); tf start\'s default would stop the app instead (set restart: stop in tf.yml to export that)\nnote: supervisord: no --user, so the programs have no user=: they run as supervisord\'s own user, root for a system service (name the account with --user NAME)\n');
    const env = readFileSync(join(cwd, 'out/shop.env'), 'utf8');
    expect(env).toContain("export GREETING=hi\n");
    expect(env).not.toContain('SHELL_ONLY');
  });

  it('names the app after its folder when --app is not given', async () => {
    const cwd = tmpApp({ 'My_Shop/Procfile': PROCFILE });
    const result = await runTf(['export', 'compose', 'out', '-d', 'My_Shop', '-f', 'My_Shop/Procfile'], { cwd });
    expect(result.stdout).toMatch(/^exported my-shop for compose into out:\n {2}wrote {3}my-shop\.compose\.yml\n/);
  });

  it('exports a release: its build folder, its env snapshot and TF_RELEASE, named after the working tree', async () => {
    const cwd = tmpApp({ Procfile: PROCFILE, '.env': 'GREETING=hi\n', 'web.js': '', 'worker.js': '' });
    expect((await runTf(['release', 'create'], { cwd })).code).toBe(0);
    const result = await runTf(['export', 'systemd', 'out', 'web', '--release'], { cwd, env: { SHELL_ONLY: 'leaked' } });
    expect(result.stderr).toBe('');
    const app = cwd.split('/').at(-1)!.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    expect(result.stdout).toContain(`note: the export runs release v1 from ${cwd}/releases/v1/app; tf release prune does not know`);
    expect(readFileSync(join(cwd, `out/${app}-web@.service`), 'utf8')).toContain(`WorkingDirectory=${cwd}/releases/v1/app\n`);
    const env = readFileSync(join(cwd, `out/${app}.env`), 'utf8');
    expect(env).toContain('GREETING="hi"\nTF_RELEASE="v1"\n');
    expect(env).not.toContain('SHELL_ONLY');
  });

  it.each([
    ['an unknown format', ['upstart', 'out'], /^tf: "upstart" is not an export format \(use one of systemd, supervisord, kubernetes, compose, runit, s6, launchd\)$/],
    ['an unknown type', ['systemd', 'out', 'web=1', 'clock=2'], /^tf: "clock=2": unknown process type "clock" \(known types: web, worker\)$/],
    ['an OUTDIR that is not writable', ['systemd', '/sys/tf-export-out'], /^tf: \/sys\/tf-export-out: export folder is not writable \(permission denied\) \(/],
    ['an OUTDIR that is a file', ['s6', 'Procfile'], /^tf: Procfile: export folder is not a directory \(/],
    ['an app name systemd cannot use', ['systemd', 'out', '--app', '.hidden'], /^tf: systemd: app name "\.hidden" is not a valid name: letters, digits, "\.", "_" and "-", not starting with "\." or "-", at most 200 characters \(choose another name with --app\)$/],
    ['an app name kubernetes cannot use', ['kubernetes', 'out', '--app', 'Shop', '--image', 'x'], /^tf: kubernetes: app name "Shop" is not a valid name: lowercase letters, digits and "-", starting with a letter .*\(RFC 1035 label\), at most 63 characters \(/],
    ['an app name compose cannot use', ['compose', 'out', '--app', 'Shop'], /^tf: compose: app name "Shop" is not a valid name: lowercase letters, digits, "_" and "-"/],
    ['kubernetes without an image', ['kubernetes', 'out'], /^tf: kubernetes: no image to run \(name it with --image/],
  ])('rejects %s', async (_, args, message) => {
    expectOneLineError(await tfExport(args), message);
  });

  it('rejects a file in the way that an earlier export did not write', async () => {
    expectOneLineError(await tfExport(['compose', '.', '--app', 'shop'], { Procfile: PROCFILE, 'shop.compose.yml': 'mine\n' }), /^tf: shop\.compose\.yml exists and was not written by tf export of shop \(move it away/);
  });

  it('refuses an app root with a line break for systemd, which injected a directive', async () => {
    const cwd = tmpApp();
    const root = join(cwd, 'app\nUser=root');
    mkdirSync(root);
    writeFileSync(join(root, 'Procfile'), PROCFILE);
    const result = await runTf(['export', 'systemd', 'out', '-d', root, '--app', 'shop'], { cwd });
    expectOneLineError(result, /^tf: systemd: the app root ".*app\\nUser=root" holds a control character \("\\n"\), which would end or bend a line of the unit \(/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('refuses to write into a service directory that is a symbolic link out of OUTDIR', async () => {
    const cwd = tmpApp({ Procfile: PROCFILE });
    const elsewhere = tmpApp();
    mkdirSync(join(cwd, 'sv'));
    symlinkSync(elsewhere, join(cwd, 'sv/shop-web-1'));
    expectOneLineError(await runTf(['export', 'runit', 'sv', '--app', 'shop'], { cwd }), /^tf: sv\/shop-web-1 is a symbolic link in the export folder: tf export never writes through one \(move it away/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('tf export into a git work tree', () => {
  const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8' });

  function gitApp(files: Record<string, string> = {}): string {
    const cwd = tmpApp({ Procfile: PROCFILE, '.env': 'DATABASE_URL=postgres://u:secret@db/app\n', '.gitignore': '.env\n', ...files });
    expect(git(cwd, 'init', '-q').status).toBe(0);
    return cwd;
  }

  it('says which env files git does not ignore when the folder is the app root (the README example)', async () => {
    const cwd = gitApp();
    const result = await runTf(['export', 'compose', '.', '--app', 'shop'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`note: compose: /shop.compose.yml, /shop.env hold the app's variables, secrets included, inside the git work tree ${cwd}; git does not ignore them: add them to ${cwd}/.gitignore, or export elsewhere\n`);
    expect(git(cwd, 'status', '--porcelain').stdout).toContain('?? shop.env');
  });

  it('says nothing once they are ignored', async () => {
    const cwd = gitApp({ '.gitignore': '.env\nshop.*\n' });
    const result = await runTf(['export', 'supervisord', '.', '--app', 'shop'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('git');
  });

  it('writes a .gitignore for them into a folder it makes, and keeps it on the next export', async () => {
    const cwd = gitApp();
    for (const items of [['web=2', 'worker'], ['web']]) {
      const result = await runTf(['export', 'runit', 'deploy/sv', '--app', 'shop', ...items], { cwd });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('  wrote   .gitignore\n');
      expect(result.stdout).not.toContain('git work tree');
    }
    expect(readFileSync(join(cwd, 'deploy/sv/.gitignore'), 'utf8')).toBe("# Written by tf export: these files hold the app's variables, secrets included.\n/shop-web-1/env\n");
    const status = git(cwd, 'status', '--porcelain', '--untracked-files=all').stdout;
    expect(status).toContain('deploy/sv/shop-web-1/run');
    expect(status).not.toMatch(/\/env$/m);
  });

  it('leaves a folder tf did not make to the user: a note, no .gitignore', async () => {
    const cwd = gitApp({ 'deploy/README': 'ours\n' });
    const result = await runTf(['export', 'systemd', 'deploy', '--app', 'shop', 'web'], { cwd });
    expect(result.stdout).toContain(`note: systemd: /deploy/shop.env holds the app's variables, secrets included, inside the git work tree ${cwd}; git does not ignore it: add it to ${cwd}/.gitignore, or export elsewhere\n`);
    expect(existsSync(join(cwd, 'deploy/.gitignore'))).toBe(false);
  });
});
