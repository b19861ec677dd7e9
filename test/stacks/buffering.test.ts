import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTf, type TfProcess } from '../helpers/tf.js';
import { FIXTURES, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { requireServers, skipWithout, tail, whileRunning } from './stack.js';

// Programs that buffer their output when it is not a terminal. tf gives children
// PYTHONUNBUFFERED=1 (unless set), so Python's lines arrive as printed and none is lost at stop;
// Ruby has no such variable: its lines arrive when it exits, unless it sets $stdout.sync (README).
// These machines export PYTHONUNBUFFERED=1: it is removed from tf's environment here.

/** The ticks the fixture has recorded: each one's line has been printed (maybe still buffered). */
function recorded(file: string): number[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

function ticker(port: number, language: 'py' | 'rb', ...args: string[]): { root: string; record: string; tf: TfProcess } {
  const interpreter = language === 'py' ? 'python3' : 'ruby';
  const root = tmpApp({ Procfile: `ticker: ${interpreter} ${join(FIXTURES, `ticker.${language}`)} ticks.txt ${args.join(' ')}\n` });
  const tf = startTf(['start', '--no-timestamps', '-p', String(port)], { cwd: root, env: { PYTHONUNBUFFERED: undefined } });
  return { root, record: join(root, 'ticks.txt'), tf };
}

const tickLine = (n: number): RegExp => new RegExp(`^ticker\\.1 +\\| tick ${n}$`);

/** Once the first tick is printed, its line reaches tf's output within 2 s. */
async function expectPromptFirstLine(tf: TfProcess, record: string): Promise<void> {
  await whileRunning(tf, waitFor(() => recorded(record).length >= 1, 'the first tick', 30_000));
  await whileRunning(tf, tf.waitForLine(tickLine(1), 2000));
}

/** Stops tf with Ctrl-C; every tick the fixture recorded is a line of tf's output. */
async function expectNothingLost(tf: TfProcess, record: string): Promise<void> {
  await whileRunning(tf, waitFor(() => recorded(record).length >= 3, 'three ticks', 30_000));
  tf.signal('SIGINT');
  const result = await tf.result(30_000);
  const printed = recorded(record);
  const missing = printed.filter((n) => !result.stdout.split('\n').some((line) => tickLine(n).test(line)));
  expect(missing, `ticks printed but not in tf's output:\n${tail(result.stdout)}`).toEqual([]);
  expect(result.code).toBe(130);
}

describe.skipIf(skipWithout('the Python buffering checks', 'python3'))('a Python loop that prints without flush', () => {
  it('reaches tf\'s output within 2 s of its first print, and every printed line is there after Ctrl-C', async () => {
    requireServers('python3');
    const { tf, record } = ticker(13000, 'py');
    // Both halves are checked even when the first fails: they are two different losses.
    const late = await expectPromptFirstLine(tf, record).then(() => undefined, (error: Error) => error);
    await expectNothingLost(tf, record);
    expect(late?.message).toBeUndefined();
  }, 60_000);
});

describe.skipIf(skipWithout('the Ruby buffering checks', 'ruby'))('a Ruby puts loop', () => {
  it('without $stdout.sync, arrives only when Ruby exits, all of it (the README says why)', async () => {
    requireServers('ruby');
    const { tf, record } = ticker(13100, 'rb');
    await whileRunning(tf, waitFor(() => recorded(record).length >= 3, 'three ticks', 30_000));
    // Three lines printed, none written: Ruby holds them in its buffer (stdout is not a terminal).
    expect(tf.stdout).not.toMatch(/ticker\.1 +\| tick/);
    await expectNothingLost(tf, record);
  }, 60_000);

  it('with $stdout.sync = true, reaches tf\'s output within 2 s of its first print', async () => {
    requireServers('ruby');
    const { tf, record } = ticker(13200, 'rb', 'sync');
    await expectPromptFirstLine(tf, record);
    await expectNothingLost(tf, record);
  }, 60_000);
});
