import { describe, expect, it } from 'vitest';
import { started, waitForPs } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

// tf ps says why a process last ended: a deliberate restart or stop is not a crash.

const PROCFILE = [
  `web: ${fixture('drain', '20')}`,
  // sh execs a lone command, so SIGTERM ends sleep itself: ended by a signal, not an exit code.
  'sleeper: sleep 600',
  // Crashes 2 s after each start: long enough to read its row while it runs, then it backs off.
  `worker: ${fixture('exit', '3', '2000')}`,
].join('\n');

describe('tf ps LAST EXIT', () => {
  it('says restarted, stopped or crashed, and how, in the table and in --json', async () => {
    const root = tmpApp({ Procfile: `${PROCFILE}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '27300', '-r', 'worker'], { cwd: root });
    await started(tf);
    await tf.waitForLine(/READY web\.1/);
    await waitForPs(root, (rows) => rows.every((r) => r.pid !== null), 'every process to run');

    expect((await runTf(['restart', 'web'], { cwd: root })).stdout).toBe('restarted web.1\n');
    expect((await runTf(['stop', 'sleeper'], { cwd: root })).stdout).toBe('stopped sleeper.1\n');
    const rows = await waitForPs(root, (r) => r.find((p) => p.name === 'worker.1')!.lastExit === 3, 'the worker to crash');

    const json = Object.fromEntries(rows.map((r) => [r.name, [r.lastExit, r.lastExitReason, r.lastExitSignal]]));
    expect(json).toEqual({ 'web.1': [0, 'restarted', null], 'sleeper.1': [143, 'stopped', 'SIGTERM'], 'worker.1': [3, 'crashed', null] });

    const table = (await runTf(['ps'], { cwd: root })).stdout;
    expect(table).toMatch(/^web\.1 .* restarted \(exit 0\)$/m);
    expect(table).toMatch(/^sleeper\.1 .* stopped \(SIGTERM\)$/m);
    expect(table).toMatch(/^worker\.1 .* crashed: exit 3$/m);
    expect(table).not.toMatch(/ 143$/m);

    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });
});
