import { describe, expect, it } from 'vitest';
import { runTf } from '../helpers/tf.js';
import { countLines, expectGone, http, lineAt, migrate, recipeApp, requireServers, skipWithout, stackPids, startStack, tail, whileRunning } from './stack.js';

// The README's recipe (test/stacks/recipes) on real PostgreSQL and redis: web and worker depend on
// both. Ports 11000-11399 and 11500-11899.

const SERVERS = ['postgres', 'redis-server'];
const DEPENDENTS = ['postgres', 'redis', 'web', 'worker'];

/** Every line matching `dependency`'s nth occurrence comes before `dependent`'s nth one. */
function expectBefore(text: string, dependency: RegExp, dependent: RegExp, nth = 1): void {
  const [a, b] = [lineAt(text, dependency, nth), lineAt(text, dependent, nth)];
  expect(a, `${dependency} #${nth} in:\n${tail(text)}`).toBeGreaterThan(-1);
  expect(b, `${dependent} #${nth} after ${dependency} in:\n${tail(text)}`).toBeGreaterThan(a);
}

describe.skipIf(skipWithout('the postgres + redis stack checks', ...SERVERS))('postgres, redis, web and worker, for real', () => {
  it('starts web and worker once postgres and redis are ready, serves a row from postgres, stops dependents first on Ctrl-C, and postgres shuts down clean', async () => {
    requireServers(...SERVERS);
    const stack = recipeApp(11000);
    const tf = startStack(stack, DEPENDENTS);
    await whileRunning(tf, tf.waitForLine(/^system +\| web\.1 is ready/, 90_000));
    await whileRunning(tf, tf.waitForLine(/^worker\.1 +\| worker waiting for jobs$/));
    for (const dependency of [/postgres\.1 is ready/, /redis\.1 is ready/]) {
      for (const dependent of [/web\.1 started/, /worker\.1 started/]) expectBefore(tf.stdout, dependency, dependent);
    }

    await migrate(stack);
    expect(await http(stack.ports.web, '/')).toEqual({ status: 200, text: 'hello from postgres\n' });
    expect(await http(stack.ports.web, '/jobs?name=first', 'POST')).toEqual({ status: 200, text: 'queued first\n' });
    await whileRunning(tf, tf.waitForLine(/^worker\.1 +\| job first done$/));
    expect(await http(stack.ports.web, '/jobs')).toEqual({ status: 200, text: 'first\n' });

    const pids = await stackPids(stack.root);
    tf.signal('SIGINT');
    const result = await tf.result(60_000);
    const out = result.stdout;
    // The wording: tf says the order it stops in.
    expect(out, tail(out)).toMatch(/stopping web, worker; then postgres, redis\b/);
    // web drains with a query and worker with a last redis command: both need their servers up.
    expect(out, tail(out)).toMatch(/web\.1 exited with code 0/);
    expect(out, tail(out)).toMatch(/worker\.1 exited with code 0/);
    expect(out).not.toMatch(/could not drain|worker: redis closed/);
    for (const dependent of [/web\.1 exited/, /worker\.1 exited/]) {
      for (const dependency of [/sending SIGINT to .*postgres\.1/, /postgres\.1 +\| .*received fast shutdown request/, /sending SIGTERM to .*redis\.1/, /redis\.1 +\| .*Received SIGTERM/]) {
        expectBefore(out, dependent, dependency);
      }
    }
    expect(out).toMatch(/^postgres\.1 +\| .*LOG: {2}database system is shut down$/m);
    expect(result.code).toBe(130);
    await expectGone(pids, Object.values(stack.ports).slice(0, 4));

    // The next start finds a cleanly shut down cluster: no crash recovery.
    const again = startStack(stack, ['postgres']);
    await again.waitForLine(/^system +\| postgres\.1 is ready/, 60_000);
    expect(again.stdout).toMatch(/LOG: {2}database system was shut down at/);
    expect(again.stdout).not.toMatch(/not properly shut down|automatic recovery|was interrupted/);
    const restartPids = await stackPids(stack.root);
    again.signal('SIGINT');
    expect((await again.result(60_000)).code).toBe(130);
    await expectGone(restartPids, [stack.ports.postgres]);
  }, 180_000);

  it('tf restart brings web and worker back only once postgres and redis are ready again, 10 of 10 times', async () => {
    requireServers(...SERVERS);
    const stack = recipeApp(11500);
    const tf = startStack(stack, DEPENDENTS);
    await whileRunning(tf, tf.waitForLine(/^system +\| web\.1 is ready/, 90_000));
    await migrate(stack);
    for (let run = 1; run <= 10; run++) {
      const nth = run + 1;
      const restart = await runTf(['restart'], { cwd: stack.root, timeoutMs: 60_000 });
      expect(restart.code, `tf restart #${run}: ${restart.stdout}${restart.stderr}\n${tail(tf.stdout)}`).toBe(0);
      await whileRunning(tf, tf.waitForLines(/^system +\| web\.1 is ready/, nth, 60_000));
      await whileRunning(tf, tf.waitForLines(/^worker\.1 +\| worker waiting for jobs$/, nth, 60_000));
      for (const dependency of [/postgres\.1 is ready/, /redis\.1 is ready/]) {
        for (const dependent of [/web\.1 started/, /worker\.1 started/]) expectBefore(tf.stdout, dependency, dependent, nth);
      }
      expect(await http(stack.ports.web, '/')).toEqual({ status: 200, text: 'hello from postgres\n' });
    }
    expect(countLines(tf.stdout, /exited with code [1-9]/), tail(tf.stdout)).toBe(0);
    const pids = await stackPids(stack.root);
    tf.signal('SIGINT');
    expect((await tf.result(60_000)).code).toBe(130);
    await expectGone(pids, Object.values(stack.ports).slice(0, 4));
  }, 240_000);
});
