import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { onTestFinished } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from './processes.js';
import { waitFor } from './wait.js';

export const TF_BIN = resolve(import.meta.dirname, '../../bin/tf.js');

export interface TfOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Written to tf's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

export interface TfResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment tests give tf: the current one minus anything that would change its output. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key === 'PORT' || key === 'FORCE_COLOR' || key === 'NO_COLOR' || key.startsWith('TF_')) delete env[key];
  }
  Object.assign(env, extra);
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A running `tf` with its output collected, for tests that signal it or wait for lines. */
export class TfProcess {
  readonly child: ChildProcess;
  readonly tag = newTag();
  stdout = '';
  stderr = '';
  readonly exited: Promise<TfResult>;

  constructor(args: string[], options: TfOptions) {
    this.child = spawn(process.execPath, [TF_BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv({ ...options.env, [TAG_VARIABLE]: this.tag }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    // A tf that refuses its arguments can exit before its stdin is written: EPIPE then is no failure of the test.
    this.child.stdin!.on('error', () => {});
    this.child.stdin!.end(options.input ?? '');
    this.exited = new Promise((resolveExit) => {
      this.child.once('close', (code, signal) => resolveExit({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const matches = (line: string): boolean => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    return waitFor(() => this.stdout.split('\n').find(matches), () => `a line matching ${pattern} (stdout so far:\n${this.stdout.slice(-2000)}\nstderr:\n${this.stderr.slice(-2000)})`, timeoutMs);
  }

  /** Resolves once `count` lines match. */
  waitForLines(pattern: RegExp, count: number, timeoutMs = 20_000): Promise<string[]> {
    return waitFor(() => {
      const found = this.stdout.split('\n').filter((line) => pattern.test(line));
      return found.length >= count ? found : undefined;
    }, () => `${count} lines matching ${pattern} (stdout so far:\n${this.stdout.slice(-2000)})`, timeoutMs);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async result(timeoutMs = 30_000): Promise<TfResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tf did not exit within ${timeoutMs} ms; stdout:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-2000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Starts tf; when the test ends, tf is killed if still running and the test fails if any process
 * tf started is still alive.
 */
export function startTf(args: string[], options: TfOptions): TfProcess {
  const tf = new TfProcess(args, options);
  onTestFinished(async () => {
    if (tf.child.exitCode === null && tf.child.signalCode === null) {
      tf.signal('SIGKILL');
      await tf.exited;
    }
    await expectNoSurvivors(tf.tag);
  });
  return tf;
}

/** Runs tf to completion. */
export async function runTf(args: string[], options: TfOptions): Promise<TfResult> {
  return startTf(args, options).result(options.timeoutMs);
}
