import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { expectNoSurvivors, TAG_VARIABLE } from './processes.js';
import { cleanEnv, TF_BIN } from './tf.js';
import { waitFor } from './wait.js';

/**
 * tf start in ROOT, whose Procfile runs test/fixtures/flood.mjs MIB with progress.txt, with nobody
 * reading tf's output: the writer must block (having written well under 64 MiB, tf's memory
 * bounded), then finish once tf's output is read. Leaves nothing running.
 */
/** tf's kernel state and where it waits, for a failure message. */
function tfState(pid: number | undefined): string {
  try {
    const state = /State:\s+(.*)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return `${state}, wchan ${readFileSync(`/proc/${pid}/wchan`, 'utf8')}`;
  } catch {
    return 'gone';
  }
}

export async function expectFloodPausedByReader(root: string, tag: string, mib: number): Promise<void> {
  const tf = spawn(process.execPath, [TF_BIN, 'start', '--no-timestamps'], { cwd: root, env: cleanEnv({ [TAG_VARIABLE]: tag }), stdio: ['ignore', 'pipe', 'inherit'] });
  tf.stdout.pause();
  const written = (): number => {
    try {
      return Number(readFileSync(`${root}/progress.txt`, 'utf8'));
    } catch {
      return -1;
    }
  };
  await waitFor(() => written() >= 0, 'the writer to start');
  // Wait until the writer stops making progress: it is blocked on its pipe (or terminal).
  let last = -1;
  await waitFor(async () => {
    const now = written();
    const stalled = now === last;
    last = now;
    await new Promise((r) => setTimeout(r, 250));
    return stalled && written() === now;
  }, 'the writer to block', 25_000);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${tf.pid}/status`, 'utf8'))![1]) * 1024;
  expect(written()).toBeLessThan(64 * 1024 * 1024);
  expect(rss).toBeLessThan(150 * 1024 * 1024);
  let bytes = 0;
  let text = '';
  tf.stdout.on('data', (d: Buffer) => {
    bytes += d.length;
    text = (text + d.toString()).slice(-200);
  });
  tf.stdout.resume();
  // 25 s + 45 s of waits, within the file's test timeout: a hang says which phase it was in.
  await waitFor(() => text.includes('FLOOD DONE'), () => `the writer to finish once read (${bytes} bytes read from tf; the writer at ${written()} of ${mib * 1024 * 1024}; tf ${tfState(tf.pid)})`, 45_000);
  tf.kill('SIGTERM');
  await new Promise((r) => tf.once('close', r));
  expect(bytes).toBeGreaterThan(mib * 1024 * 1024);
  await expectNoSurvivors(tag);
}
