import { describe, expect, it } from 'vitest';
import type { TfProcess } from '../helpers/tf.js';
import { countLines, expectGone, http, migrate, recipeApp, requireServers, skipWithout, stackPids, startStack, tail, whileRunning, type Stack } from './stack.js';

// Every type of the README's recipe (test/stacks/recipes) at once, as a user runs it: `tf start`.
// Ports 16000-16599 and 18000-18599.

const SERVERS = ['postgres', 'redis-server', 'nginx', 'gunicorn', 'flask'];

/** `tf start` with no formation: every type, each ready (worker, without a check, waiting for jobs). */
async function startAll(stack: Stack): Promise<TfProcess> {
  const tf = startStack(stack, []);
  for (const type of ['postgres', 'redis', 'web', 'api', 'nginx']) await whileRunning(tf, tf.waitForLine(new RegExp(`^system +\\| ${type}\\.1 is ready`), 90_000));
  await whileRunning(tf, tf.waitForLine(/^worker\.1 +\| worker waiting for jobs$/));
  return tf;
}

describe.skipIf(skipWithout('the whole recipe check', ...SERVERS))('the whole recipe, for real', () => {
  it('runs every type: a request through nginx reaches web and postgres, gunicorn serves, Ctrl-C leaves nothing', async () => {
    requireServers(...SERVERS);
    const stack = recipeApp(16000);
    const tf = await startAll(stack);
    await migrate(stack);
    expect(await http(stack.ports.nginx, '/')).toEqual({ status: 200, text: 'hello from postgres\n' });
    await whileRunning(tf, tf.waitForLine(/^nginx\.1 +\| 127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 /));
    expect(await http(stack.ports.api, '/')).toEqual({ status: 200, text: 'hello from flask\n' });
    const pids = await stackPids(stack.root);
    tf.signal('SIGINT');
    const result = await tf.result(60_000);
    expect(countLines(result.stdout, /exited with code [1-9]/), tail(result.stdout)).toBe(0);
    expect(result.code).toBe(130);
    await expectGone(pids, Object.values(stack.ports));
  }, 180_000);

  it('leaves no server running when tf is killed with kill -9', async () => {
    requireServers(...SERVERS);
    const stack = recipeApp(18000);
    const tf = await startAll(stack);
    const pids = await stackPids(stack.root);
    tf.signal('SIGKILL');
    await tf.exited;
    await expectGone(pids, Object.values(stack.ports));
  }, 180_000);
});
