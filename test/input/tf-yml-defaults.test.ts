import { describe, expect, it } from 'vitest';
import { runTf, type TfResult } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';

// tf.yml's port, env_files and timeout: the app's defaults for -p, -e and -t (foreman's .foreman).

const PROCFILE = `web: ${fixture('exit', '0')}\nworker: ${fixture('exit', '0')}\n`;

async function check(files: Record<string, string>, args: string[] = [], env?: Record<string, string>): Promise<TfResult> {
  return runTf(['check', ...args], { cwd: tmpApp({ Procfile: PROCFILE, ...files }), env });
}

function formationLine(result: TfResult, name: string): string {
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').find((line) => line.trimStart().startsWith(`${name} `)) ?? '';
}

describe('tf.yml defaults', () => {
  it('port is the base port unless -p says otherwise, and wins over $PORT as -p does', async () => {
    expect(formationLine(await check({ 'tf.yml': 'port: 5100\n' }), 'worker.1')).toMatch(/port 5200 /);
    expect(formationLine(await check({ 'tf.yml': 'port: 5100\n' }, [], { PORT: '7000' }), 'web.1')).toMatch(/port 5100 /);
    expect(formationLine(await check({ 'tf.yml': 'port: 5100\n' }, ['-p', '6000']), 'web.1')).toMatch(/port 6000 /);
  });

  it("timeout is the drain of types that set none, unless -t says otherwise; a type's drain wins", async () => {
    const yml = 'timeout: 12s\nprocesses:\n  worker: {drain: 3s}\n';
    const plain = await check({ 'tf.yml': yml });
    expect(formationLine(plain, 'web.1')).toMatch(/SIGTERM then 12s/);
    expect(formationLine(plain, 'worker.1')).toMatch(/SIGTERM then 3s/);
    expect(formationLine(await check({ 'tf.yml': yml }, ['-t', '2']), 'web.1')).toMatch(/SIGTERM then 2s/);
  });

  it('env_files (relative to the root) replace .env unless -e names others', async () => {
    const files = { 'tf.yml': 'env_files: [config/a.env, config/b.env]\n', 'config/a.env': 'A=1\n', 'config/b.env': 'B=2\n', '.env': 'DOT=1\n', 'other.env': 'O=1\n' };
    const root = tmpApp({ Procfile: PROCFILE, ...files });
    const env = await runTf(['env', '--no-shell'], { cwd: root });
    expect(env.stdout).toMatch(/^A=1 {2}# config\/a\.env:1$/m);
    expect(env.stdout).toMatch(/^B=2 {2}# config\/b\.env:1$/m);
    expect(env.stdout).not.toMatch(/DOT=/);
    const flagged = await runTf(['env', '--no-shell', '-e', 'other.env'], { cwd: root });
    expect(flagged.stdout).toMatch(/^O=1 /m);
    expect(flagged.stdout).not.toMatch(/^A=/m);
  });

  it.each([
    ['a port that is not one', 'formation: {web: 1}\nport: abc\n', /^tf: tf\.yml:2: port: "abc" is not a port \(use a number from 1 to 65535, e\.g\. port: 5100\)$/],
    ['a timeout that is not a duration', 'timeout: soon\n', /^tf: tf\.yml:1: timeout: "soon" is not a duration \(/],
    ['env_files that are not a list of files', 'env_files: {a: 1}\n', /^tf: tf\.yml:1: env_files: .* is not a list of files \(/],
    ['an env file that is missing', 'env_files:\n  - .env.nope\n', /^tf: tf\.yml:1: env_files: \.env\.nope: env file not found \(create it, or remove it from env_files; paths there are relative to /],
  ])('rejects %s, naming tf.yml and the line', async (_, yml, message) => {
    const result = await check({ 'tf.yml': yml });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd()).toMatch(message);
  });
});
