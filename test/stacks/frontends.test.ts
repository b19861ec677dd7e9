import { describe, expect, it } from 'vitest';
import { expectGone, http, recipeApp, requireServers, skipWithout, stackPids, startStack, tail, whileRunning } from './stack.js';

// The recipe's nginx and gunicorn (test/stacks/recipes), each alone: both log where twelve-factor
// apps are told to, /dev/stdout and /dev/stderr, which must open under tf as in a terminal.
// Ports 12000-12599 and 12300-12899 (each test uses its own type's).

describe.skipIf(skipWithout('the nginx checks', 'nginx'))('nginx, for real', () => {
  it('runs in the foreground, logs each request to /dev/stdout as an nginx.1 line, and stops on SIGQUIT', async () => {
    requireServers('nginx');
    const stack = recipeApp(12000);
    const tf = startStack(stack, ['nginx']);
    await whileRunning(tf, tf.waitForLine(/^system +\| nginx\.1 is ready/, 30_000));
    expect(await http(stack.ports.nginx, '/nginx-health')).toEqual({ status: 200, text: 'ok\n' });
    await whileRunning(tf, tf.waitForLine(/^nginx\.1 +\| 127\.0\.0\.1 - - \[[^\]]+\] "GET \/nginx-health HTTP\/1\.1" 200 3 /));
    const pids = await stackPids(stack.root);
    expect(pids.length, 'the master and its worker').toBeGreaterThanOrEqual(2);
    tf.signal('SIGINT');
    const result = await tf.result(30_000);
    expect(result.stdout).toMatch(/sending SIGQUIT to nginx\.1/);
    expect(result.stdout, tail(result.stdout)).toMatch(/nginx\.1 exited with code 0/);
    expect(result.code).toBe(130);
    await expectGone(pids, [stack.ports.nginx]);
  }, 120_000);
});

describe.skipIf(skipWithout('the gunicorn checks', 'gunicorn', 'flask'))('gunicorn, for real', () => {
  it('starts with --error-logfile /dev/stderr, serves the Flask app, logs the request, and stops', async () => {
    requireServers('gunicorn', 'flask');
    const stack = recipeApp(12300);
    const tf = startStack(stack, ['api']);
    await whileRunning(tf, tf.waitForLine(/^system +\| api\.1 is ready/, 30_000));
    // gunicorn's own log lines reach tf through /dev/stderr.
    expect(tf.stdout).toMatch(new RegExp(`^api\\.1 +\\| .*Listening at: http://127\\.0\\.0\\.1:${stack.ports.api}`, 'm'));
    expect(await http(stack.ports.api, '/')).toEqual({ status: 200, text: 'hello from flask\n' });
    await whileRunning(tf, tf.waitForLine(/^api\.1 +\| 127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 /));
    const pids = await stackPids(stack.root);
    tf.signal('SIGINT');
    const result = await tf.result(30_000);
    expect(result.stdout, tail(result.stdout)).toMatch(/api\.1 exited with code 0/);
    expect(result.code).toBe(130);
    await expectGone(pids, [stack.ports.api]);
  }, 120_000);
});
