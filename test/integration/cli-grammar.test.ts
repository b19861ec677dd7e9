import { describe, expect, it } from 'vitest';
import { runTf, type TfResult } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { commandPaths } from '../helpers/commands.js';

// One grammar across commands, and the messages that point at it, through the built binary.

const PROCFILE = `web: ${fixture('exit', '0')}\nworker: ${fixture('exit', '0')}\n`;

async function tf(args: string[], files: Record<string, string> = { Procfile: PROCFILE }, env?: Record<string, string>): Promise<TfResult> {
  return runTf(args, { cwd: tmpApp(files), env });
}

function expectUsageError(result: TfResult, message: RegExp, code = 2): void {
  const context = `exit ${result.code}, stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.stderr, context).toMatch(/^tf: [^\n]+\n$/);
  expect(result.stderr.trimEnd(), context).toMatch(message);
  expect(result.stdout, context).toBe('');
  expect(result.code, context).toBe(code);
}

describe('one meaning per flag', () => {
  it('-e is an env file in start, check, env, export and release create, and its error names -e/--env-file', async () => {
    for (const args of [['check'], ['env'], ['start'], ['export', 'compose', 'out'], ['release', 'create']]) {
      expectUsageError(await tf([...args, '-e', 'missing']), /^tf: missing: env file not found \(check the path given to -e\/--env-file\)$/, 1);
    }
  });

  // A missing file after --env-file is caught by node itself before tf runs (nodejs/node#54232),
  // so the alias is tested with files that exist.
  it('--env-file is the same flag in every command that reads env files', async () => {
    const files = { Procfile: PROCFILE, 'x.env': 'FROM_X=1\n' };
    const env = await tf(['env', '--env-file', 'x.env', '--no-shell'], files);
    expect(env.stdout).toMatch(/^FROM_X=1 {2}# x\.env:1$/m);
    const check = await tf(['check', '--env-file', 'x.env'], files);
    expect(check.stdout).toMatch(/env file {2}\S*x\.env \(1 variable\)/);
    const root = tmpApp(files);
    expect((await runTf(['release', 'create', '--env-file', 'x.env'], { cwd: root })).code).toBe(0);
    expect((await runTf(['config', '--reveal'], { cwd: root })).stdout).toMatch(/FROM_X=1/);
  });

  it('--env FILE says an env file is --env-file', async () => {
    expectUsageError(await tf(['start', '--env', '.env.local']), /^tf: unknown option '--env' \(an env file is -e\/--env-file FILE; --env KEY=VALUE is only for tf release create\)$/);
  });

  it("release create's message is --message, and -m there says so", async () => {
    expectUsageError(await tf(['release', 'create', '-m', 'hello']), /^tf: unknown option '-m' \(the message is --message TEXT; -m is the formation in start, check and export\)$/);
    const created = await tf(['release', 'create', '--message', 'hello', '--env', 'A=1']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/env 1 variable\b/);
  });
});

describe('help and usage messages', () => {
  it('tf help release create prints the help of release create', async () => {
    const result = await tf(['help', 'release', 'create'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: tf release create \[options\]/);
  });

  it("a subcommand's usage error points at its own help", async () => {
    expectUsageError(await tf(['release', 'create', '--bogus']), /^tf: unknown option '--bogus' \(see tf help release create\)$/);
    expectUsageError(await tf(['config', 'set']), /\(see tf help config set\)$/);
  });

  it('tf help nope says the command is unknown', async () => {
    expectUsageError(await tf(['help', 'nope'], {}), /^tf: unknown command 'nope' \(see tf --help\)$/);
    expectUsageError(await tf(['help', 'release', 'nope'], {}), /^tf: unknown command 'release nope' \(see tf help release\)$/);
  });

  it('tf env nope names the unknown type', async () => {
    expectUsageError(await tf(['env', 'nope']), /^tf: nope: unknown process type "nope" \(known types: web, worker\)$/, 1);
  });

  it('tf config set 1X=2 gives the rule for names', async () => {
    const files = { Procfile: PROCFILE };
    const root = tmpApp(files);
    expect((await runTf(['release', 'create'], { cwd: root })).code).toBe(0);
    const result = await runTf(['config', 'set', '1X=2'], { cwd: root });
    expectUsageError(result, /"1X" is not a variable name\) \(.*a name starts with a letter or _, then letters, digits, _, \. or -\)$/, 1);
  });

  it('counts agree with their nouns', async () => {
    const result = await tf(['check'], { Procfile: `web: ${fixture('exit', '0')}\n`, '.env': 'ONE=1\n' });
    expect(result.stdout).toMatch(/\(1 variable\)/);
    expect(result.stdout).toMatch(/Procfile .*\(1 entry\)/);
  });

  it("every command's --help has an example", async () => {
    const paths = await commandPaths();
    expect(paths).toEqual(expect.arrayContaining(['start', 'release create', 'config set', 'logs', 'help']));
    for (const path of paths) {
      const help = await tf([...path.split(' '), '--help'], {});
      expect(help.stdout, path).toMatch(new RegExp(`\\nExamples:\\n {2}tf ${path.split(' ')[0]}`));
    }
  });
});
