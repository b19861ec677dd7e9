import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE, taggedProcesses } from '../helpers/processes.js';
import { runTf } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';

export const INSTALL_HINT = 'run the install step of .ci/run (apt-get install systemd supervisor runit s6 docker-compose libplist-utils; npm ci)';

function which(name: string): string {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
}

/** In CI an engine test fails, never skips, when its engine is missing: a skipped check proves nothing. */
export function requireBinary(name: string): string {
  const found = which(name);
  if (!found) throw new Error(`${name} is not installed: ${INSTALL_HINT}`);
  return found;
}

/**
 * Whether to skip a file's engine checks: only outside CI (CI=true, which installs every engine),
 * so that `npm test` on a fresh developer machine passes; the skip is reported, never silent.
 */
export function skipWithout(...names: string[]): boolean {
  if (process.env.CI) return false;
  const missing = names.filter((name) => !which(name));
  if (missing.length > 0) console.warn(`skipping the ${names[0]} engine checks: ${missing.join(', ')} not installed (${INSTALL_HINT})`);
  return missing.length > 0;
}

/** Values that trip the quoting rules foreman got wrong: * , ; # % $ quotes and a backslash. */
export const TRICKY = `a * b, c ; d # e %i $HOME \${X} "q" back\\slash`;
export const QUOTED = "it's 'here'";

/**
 * The demo app of the engine tests: web drains in 100 ms, stubborn ignores SIGTERM (drain 1s).
 * MORE_ENV is appended to its .env.
 */
export function demoApp(moreEnv = ''): string {
  return tmpApp({
    Procfile: `web: ${fixture('drain', '100')}\nstubborn: ${fixture('stubborn')}\nrelease: echo migrate\n`,
    'tf.yml': 'processes:\n  stubborn:\n    drain: 1s\n',
    '.env': `GREETING='${TRICKY}'\nQUOTED="${QUOTED}"\n${moreEnv}`,
  });
}

/** The demo's tf.yml with stubborn depending on web, whose ready check is a command. */
export const DEMO_DEPENDS = 'processes:\n  web:\n    ready: "cmd true"\n  stubborn:\n    drain: 1s\n    depends_on: [web]\n';

/** Env names tf's env files take but sh cannot set: the engines that source an env file with sh leave them out. */
export const NOT_SHELL_NAMES = 'my-key=1\na.b=2\n';

/** Runs the built `tf export` and returns OUTDIR. */
export async function exportDemo(format: string, app: string, extra: string[] = [], expectNote?: RegExp): Promise<string> {
  const outdir = join(app, 'out');
  const result = await runTf(['export', format, outdir, '--app', 'demo', 'web=2', 'stubborn', ...extra], { cwd: app, env: { TF_EXPORT_SHELL_ONLY: 'leaked' } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  if (expectNote) expect(result.stdout).toMatch(expectNote);
  return outdir;
}

export interface Engine {
  child: ChildProcess;
  tag: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts an engine with a tagged, minimal environment; the test fails if anything tagged outlives it. */
export function startEngine(command: string, args: string[], cwd: string): Engine {
  const tag = newTag();
  let output = '';
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [TAG_VARIABLE]: tag }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (output += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (output += t));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // The check failed midway (or was meant to): the engine and its supervisors go, by tag.
      for (const pid of taggedProcesses(tag)) killQuietly(pid);
      await exited;
    }
    await expectNoSurvivors(tag);
  });
  return { child, tag, output: () => output, exited };
}

/** A live process's environment, read from /proc. */
export function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** What every instance of the demo must see: its own PORT and name, the app's value intact. */
export function expectDemoEnv(pids: Record<string, number>): void {
  const ports: Record<string, string> = { 'web.1': '5000', 'web.2': '5001', 'stubborn.1': '5100' };
  expect(Object.keys(pids).sort()).toEqual(Object.keys(ports).sort());
  for (const [name, pid] of Object.entries(pids)) {
    const env = environOf(pid);
    expect({ name, PORT: env.PORT, PS: env.PS, DYNO: env.DYNO, GREETING: env.GREETING, QUOTED: env.QUOTED }).toEqual({ name, PORT: ports[name], PS: name, DYNO: name, GREETING: TRICKY, QUOTED });
    expect(env.TF_EXPORT_SHELL_ONLY).toBeUndefined();
  }
}

export function run(command: string, args: string[], cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Breaks an exported file on purpose; fails if the change did not apply. */
export function breakFile(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}
