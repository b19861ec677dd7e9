import { describe, expect, it } from 'vitest';
import { countLines, expectGone, http, migrate, recipeApp, requireServers, skipWithout, stackPids, startStack, tail, whileRunning } from './stack.js';

// Every type of the README's recipe (test/stacks/recipes) at once, as a user runs it: `tf start`.
// Ports 36000-36599.

const SERVERS = ['postgres', 'redis-server', 'nginx', 'gunicorn', 'flask'];

describe.skipIf(skipWithout('the whole recipe check', ...SERVERS))('the whole recipe, for real', () => {
  it('runs every type: a request through nginx reaches web and postgres, gunicorn serves, Ctrl-C leaves nothing', async () => {
    requireServers(...SERVERS);
    const stack = recipeApp(36000);
    const tf = startStack(stack, []);
    for (const type of ['postgres', 'redis', 'web', 'api', 'nginx']) await whileRunning(tf, tf.waitForLine(new RegExp(`^system +\\| ${type}\\.1 is ready`), 90_000));
    await whileRunning(tf, tf.waitForLine(/^worker\.1 +\| worker waiting for jobs$/));
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
});
