import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { cleanEnv, runTf, startTf, TF_BIN } from '../helpers/tf.js';

const app = () =>
  tmpApp({
    Procfile: `web: ${fixture('drain')}\nrelease: echo "release phase ran with GREETING=$GREETING"\n`,
    '.env': 'GREETING=hello\nDATABASE_URL=postgres://localhost/${DB_NAME:-app}\n',
  });

describe('tf run', () => {
  it('runs in the same env as tf start gives a process, named run.1, without a PORT of its own', async () => {
    const root = app();
    const result = await runTf(['run', 'node', '-e', 'console.log([process.env.GREETING, process.env.DATABASE_URL, process.env.PS, process.env.DYNO, process.env.PORT ?? "no PORT", process.cwd()].join(" "))'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`hello postgres://localhost/app run.1 run.1 no PORT ${root}`);
  });

  it('gives the one-off a PORT only when asked with -p, as foreman and honcho do', async () => {
    const root = app();
    const asked = await runTf(['run', '-p', '5123', 'echo "PORT=$PORT"'], { cwd: root });
    expect(asked).toMatchObject({ code: 0, stdout: 'PORT=5123\n' });
    // A PORT the user set (shell or env file) passes through: tf only adds none of its own.
    const fromShell = await runTf(['run', 'echo "PORT=$PORT"'], { cwd: root, env: { PORT: '8080' } });
    expect(fromShell).toMatchObject({ code: 0, stdout: 'PORT=8080\n' });
    const bad = await runTf(['run', '-p', 'x', 'true'], { cwd: root });
    expect(bad).toMatchObject({ code: 1, stderr: 'tf: -p/--port: "x" is not a port (use a number from 1 to 65535, e.g. -p 5000)\n' });
  });

  it('runs the command of a Procfile type named by a single word', async () => {
    const result = await runTf(['run', 'release'], { cwd: app() });
    expect(result.stdout).toBe('release phase ran with GREETING=hello\n');
    expect(result.code).toBe(0);
  });

  it('passes several arguments as an argv, exactly as typed, without a shell', async () => {
    const result = await runTf(['run', '--', 'node', '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$HOME', 'a b', "it's"], { cwd: app() });
    expect(JSON.parse(result.stdout)).toEqual(['$HOME', 'a b', "it's"]);
  });

  it('runs one argument as a shell command line', async () => {
    const result = await runTf(['run', 'echo "$GREETING" | tr a-z A-Z && exit 4'], { cwd: app() });
    expect(result.stdout).toBe('HELLO\n');
    expect(result.code).toBe(4);
  });

  it.each([
    ['exit 0', 0],
    ['exit 3', 3],
    ['kill -TERM $$', 143],
    ['kill -KILL $$', 137],
  ])('returns the exit status of %s: %i', async (command, status) => {
    const result = await runTf(['run', command], { cwd: app() });
    expect(result.code).toBe(status);
  });

  it('passes stdin through', async () => {
    const result = await runTf(['run', 'node', '-e', 'process.stdin.pipe(process.stdout)'], { cwd: app(), input: 'line one\nline two\n' });
    expect(result.stdout).toBe('line one\nline two\n');
  });

  it('gives the command the terminal when there is one', async () => {
    const root = app();
    const probe = "console.log(\"tty\", String(process.stdin.isTTY), String(process.stdout.isTTY))";
    const child = spawn('script', ['-qec', `node ${TF_BIN} run node -e '${probe}'`, '/dev/null'], { cwd: root, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.end();
    const code = await new Promise((r) => child.once('close', r));
    expect(out).toContain('tty true true');
    expect(code).toBe(0);
  });

  it('leaves Ctrl-C to the child: tf ignores a SIGINT of its own, and passes SIGTERM on', async () => {
    const root = app();
    const waiter = 'process.on("SIGTERM", () => { console.log("child got SIGTERM"); process.exit(7) }); console.log("READY"); setInterval(() => {}, 1000)';
    const tf = startTf(['run', 'node', '-e', waiter], { cwd: root });
    await tf.waitForLine('READY');
    tf.signal('SIGINT');
    tf.signal('SIGTERM');
    const result = await tf.result();
    expect(result.stdout).toContain('child got SIGTERM');
    expect(result.code).toBe(7);
  });
});
