import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, type TfResult } from '../helpers/tf.js';
import { expectOneLineError } from './expect.js';

// Env files, tf.yml and the Procfile through the built binary: the grammar the peers share, and
// hostile files (NUL bytes, billion laughs, alias bombs) as one-line errors in bounded memory.

const PROCFILE = `web: ${fixture('exit', '0')}\n`;

/** The variables the env files define, as `tf env --json --no-shell` prints them. */
async function envOf(files: Record<string, string>, args: string[] = []): Promise<{ result: TfResult; env: Record<string, string> }> {
  const result = await runTf(['env', '--json', '--no-shell', ...args], { cwd: tmpApp({ Procfile: PROCFILE, ...files }) });
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as Record<string, { value: string }>;
  return { result, env: Object.fromEntries(Object.entries(parsed).map(([key, { value }]) => [key, value])) };
}

describe('env grammar, as dotenv, dotenv-expand, godotenv, foreman and honcho read it', () => {
  it('accepts a UTF-8 byte order mark before the first line (dotenv)', async () => {
    const { env, result } = await envOf({ '.env': '\uFEFFA=one\nB=two\n' });
    expect([env.A, env.B, result.stderr]).toEqual(['one', 'two', '']);
  });

  it('reads escapes inside double quotes', async () => {
    const { env } = await envOf({ '.env': 'WINDIR="C:\\\\Users\\\\me\\\\"\nA="C:\\\\"\nB=1 # "\nQ="say \\"hi\\""\n' });
    expect([env.WINDIR, env.A, env.B, env.Q]).toEqual(['C:\\Users\\me\\', 'C:\\', '1', 'say "hi"']);
  });

  it('takes \\$ as a literal dollar sign (dotenv-expand)', async () => {
    const { env } = await envOf({ '.env': 'FOO=test\nBAR="foo\\${FOO} ${FOO}"\nBAZ=\\$FOO\n' });
    expect([env.BAR, env.BAZ]).toEqual(['foo${FOO} test', '$FOO']);
  });

  it('skips a bare FOO line with a warning naming file and line, and loads the rest', async () => {
    const { env, result } = await envOf({ '.env': 'A=1\nFOO\nB=2\n' });
    expect([env.A, env.B, env.FOO]).toEqual(['1', '2', undefined]);
    expect(result.stderr).toBe('tf: warning: .env:2: skipped a line that is not KEY=VALUE (no "=") (write it as KEY=value, or comment it out with #)\n');
  });

  it('trims around "=" in -m "alpha = 2", as foreman does', async () => {
    const result = await runTf(['check', '-m', 'alpha = 2'], { cwd: tmpApp({ Procfile: `alpha: ${fixture('exit', '0')}\nbeta: ${fixture('exit', '0')}\n` }) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.match(/^ {2}\S+/gm)?.map((s) => s.trim())).toEqual(['alpha.1', 'alpha.2']);
  });

  it('expands 20,000 lines holding a $ (the speed is in npm run bench)', async () => {
    const lines = ['BASE=/srv'];
    for (let i = 1; i <= 20_000; i++) lines.push(`V${i}=\${BASE}/$BASE-\${V${i - 1}:+x}-${i}`);
    const { env } = await envOf({ '.env': `${lines.join('\n')}\n` });
    expect([env.V1, env.V20000]).toEqual(['/srv//srv--1', '/srv//srv-x-20000']);
  });
});

describe('hostile env files: one line naming file and line, bounded memory', () => {
  it.each([
    ['a NUL byte in a value', { '.env': 'A=1\nB=x\0y\n' }, /^tf: \.env:2: holds a NUL byte \(a variable cannot hold one/],
    ['a NUL byte in a Procfile command', { Procfile: `web: ${fixture('exit', '0')}\nworker: echo a\0b\n` }, /^tf: Procfile:2: holds a NUL byte \(a command cannot hold one/],
    ['a NUL byte in tf.yml', { 'tf.yml': 'build: "make\\0"\n' }, /^tf: tf\.yml:1: build: holds a NUL byte/],
  ])('tf check finds %s, which made start and run exit 70', async (_case, files, message) => {
    const root = tmpApp({ Procfile: PROCFILE, ...files });
    for (const args of [['check'], ['start'], ['run', 'true']]) expectOneLineError(await runTf(args, { cwd: root }), message);
  });

  it('stops a billion laughs at the line past 128 KiB, within a 64 MiB heap', async () => {
    const lines = ['L0=lol'];
    for (let i = 1; i <= 9; i++) lines.push(`L${i}=${`$L${i - 1}`.repeat(10)}`);
    const root = tmpApp({ Procfile: PROCFILE, '.env': `${lines.join('\n')}\n` });
    // Without the cap, this file needs 6 GB: a heap of 64 MiB would end tf with an out-of-memory crash.
    const result = await runTf(['check'], { cwd: root, env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    expectOneLineError(result, /^tf: \.env:6: the value of L5 is larger than 128 KiB once expanded \(/);
  });

  it('refuses env files whose environment exec would refuse (E2BIG made start and run exit 70)', async () => {
    const big = 'x'.repeat(120_000);
    const root = tmpApp({ Procfile: PROCFILE, '.env': Array.from({ length: 20 }, (_, i) => `K${i}=${big}\n`).join('') });
    for (const args of [['run', 'true'], ['start']]) {
      expectOneLineError(await runTf(args, { cwd: root }), /^tf: \.env:\d+: with this line the environment passes 1920 KiB, more than a process can be given \(exec refuses/);
    }
  });

  it('refuses a YAML alias bomb in tf.yml at its first alias', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    'bcdefghi'.split('').forEach((name, i) => lines.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`));
    const result = await runTf(['check'], { cwd: tmpApp({ Procfile: PROCFILE, 'tf.yml': `${lines.join('\n')}\n` }), env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    expectOneLineError(result, /^tf: tf\.yml:2: aliases \(\*name\) expand to more than 100 copies \(write the values out, or use fewer aliases\)$/);
  });

  it('never shows a value: a private key pasted without quotes', async () => {
    const key = 'MIIEowIBAAKCAQEA7bq98sXNBfVrMWe4hUZUEXAMPLEONLY+abc/def==';
    const root = tmpApp({ Procfile: PROCFILE, '.env': `A=1\nKEY=-----BEGIN RSA PRIVATE KEY-----\n${key}\n-----END RSA PRIVATE KEY-----\n` });
    const result = await runTf(['check'], { cwd: root });
    expectOneLineError(result, /^tf: \.env:3: not a KEY=VALUE line: /);
    expect(result.stderr).not.toContain('MIIE');
  });
});
