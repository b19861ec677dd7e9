import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { runTf, type TfProcess } from './tf.js';
import { waitFor } from './wait.js';

export const socketOf = (root: string): string => join(root, '.tf', 'control.sock');

export interface ProcessRow {
  name: string;
  type: string;
  pid: number | null;
  port: number;
  state: string;
  restarts: number;
  lastExit: number | null;
  lastExitReason?: string | null;
  lastExitSignal?: string | null;
  uptimeMs: number | null;
}

/** `tf ps --json` in `root`. */
export async function ps(root: string): Promise<ProcessRow[]> {
  const result = await runTf(['ps', '--json'], { cwd: root });
  if (result.code !== 0) throw new Error(`tf ps failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as ProcessRow[];
}

/** Polls `tf ps` until `check` holds for its rows. */
export function waitForPs(root: string, check: (rows: ProcessRow[]) => boolean, what: string, timeoutMs = 20_000): Promise<ProcessRow[]> {
  let last: ProcessRow[] = [];
  return waitFor(async () => ((last = await ps(root)), check(last) ? last : undefined), () => `${what} (last tf ps: ${JSON.stringify(last.map((r) => [r.name, r.state, r.pid]))})`, timeoutMs);
}

/** Resolves once tf start has claimed its control socket (its first process has started). */
export async function started(tf: TfProcess): Promise<void> {
  await tf.waitForLine(/ started \(pid/);
}

/** A raw connection to a control socket, closed when the test ends. */
export class RawClient {
  readonly socket: Socket;
  text = '';
  readonly closed: Promise<void>;

  constructor(path: string) {
    this.socket = connect({ path });
    this.socket.setEncoding('utf8').on('data', (chunk: string) => (this.text += chunk));
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    onTestFinished(() => void this.socket.destroy());
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connecting) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The JSON messages received so far. */
  get messages(): Array<Record<string, unknown>> {
    return this.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async reply(count = 1, timeoutMs = 10_000): Promise<Array<Record<string, unknown>>> {
    return waitFor(() => (this.messages.length >= count ? this.messages : undefined), () => `${count} replies (got: ${this.text})`, timeoutMs);
  }
}
