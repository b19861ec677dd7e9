import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { cleanEnv, TF_BIN } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';
import { Dashboard, signIn } from './server-client.js';

// App ports of this file: 30200-30299.
const FLOOD_MIB = 256;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

function progress(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
}

describe('tf ui backpressure', () => {
  it('a tab that never reads its event stream while a process floods costs tf a bounded amount of memory', async () => {
    const root = tmpApp({});
    const counter = join(root, 'written');
    writeFileSync(join(root, 'Procfile'), `flood: sh -c 'while [ ! -f go ]; do sleep 0.02; done; exec ${fixture('flood', String(FLOOD_MIB), counter)}'\n`);
    const tag = newTag();
    // tf's own output goes nowhere: the test must not hold 256 MiB either.
    const tf = spawn(process.execPath, [TF_BIN, 'start', '--ui', '-p', '30200'], { cwd: root, env: cleanEnv({ [TAG_VARIABLE]: tag }), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    tf.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => tf.once('close', (code) => resolve(code)));
    onTestFinished(async () => {
      if (tf.exitCode === null && tf.signalCode === null) tf.kill('SIGKILL');
      await exited;
      await expectNoSurvivors(tag);
    });
    const line = await waitFor(() => stderr.split('\n').find((l) => l.startsWith('tf | dashboard ')), () => `the dashboard line (stderr: ${stderr})`);
    const url = new URL(line.slice('tf | dashboard '.length));
    const dashboard = new Dashboard(url, await signIn(url));
    await waitFor(async () => (await dashboard.get<{ processes: Array<{ pid: number | null }> }>('/api/state')).processes[0]?.pid, 'flood.1 to run');

    // The tab: asks for events, then never reads.
    const socket = connect({ host: '127.0.0.1', port: dashboard.port });
    onTestFinished(() => void socket.destroy());
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${dashboard.port}\r\nCookie: ${dashboard.cookie}\r\n\r\n`);
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = rssBytes(tf.pid!);
    writeFileSync(join(root, 'go'), '');
    let peak = before;
    await waitFor(() => {
      peak = Math.max(peak, rssBytes(tf.pid!));
      return progress(counter) >= FLOOD_MIB * 1024 * 1024 * 0.99;
    }, () => `the flood to finish (${progress(counter)} bytes written)`, 120_000);
    peak = Math.max(peak, rssBytes(tf.pid!));
    // Unbounded, tf would hold most of the 256 MiB for the tab; bounded, a few MiB (1 MiB for the
    // tab, 1 MiB of tail, a batch) plus garbage not yet collected.
    expect(peak - before, `tf's RSS went from ${before} to ${peak}`).toBeLessThan(96 * 1024 * 1024);

    // Read now: the tab learns that text was dropped (and refetches the tail).
    let received = '';
    socket.setEncoding('utf8').on('data', (text: string) => (received += text));
    socket.resume();
    // Most of the flood was dropped for it, in one gap event or a few (each time it caught up).
    const dropped = (): number => [...received.matchAll(/event: gap\ndata: (\{[^\n]*\})/g)].reduce((sum, m) => sum + (JSON.parse(m[1]!) as { dropped: number }).dropped, 0);
    await waitFor(() => dropped() > (FLOOD_MIB - 32) * 1024 * 1024, () => `gap events counting most of the flood (${dropped()} bytes so far)`, 30_000);
    tf.kill('SIGTERM');
    expect(await exited).toBe(143);
  });
});
