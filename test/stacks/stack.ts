import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { ps } from '../helpers/control.js';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { cleanEnv, runTf, startTf, TF_BIN, type TfProcess } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';

/** The README's recipes, run verbatim by these tests (test/stacks/recipes.test.ts keeps them in sync). */
export const RECIPES = resolve(import.meta.dirname, 'recipes');
export const INSTALL_HINT = 'apt-get install postgresql redis-server nginx-light gunicorn python3-flask ruby, as .ci/run does';

/** Debian keeps postgres, initdb and pg_isready in /usr/lib/postgresql/VERSION/bin: the newest. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres')));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && join(base, newest, 'bin');
}

function installed(name: string): boolean {
  if (name === 'postgres') return postgresBin() !== undefined;
  if (name === 'flask') return spawnSync('python3', ['-c', 'import flask'], { stdio: 'ignore' }).status === 0;
  // An ordinary user's PATH on Debian lacks /usr/sbin, where nginx is; the recipe's .env adds it.
  return spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether to skip a group of real-server checks: only outside CI (CI=true installs every server),
 * so `npm test` on a fresh developer machine passes; the skip is reported, never silent.
 */
export function skipWithout(what: string, ...names: string[]): boolean {
  if (process.env.CI) return false;
  const missing = names.filter((name) => !installed(name));
  if (missing.length > 0) console.warn(`skipping ${what}: ${missing.join(', ')} not installed (${INSTALL_HINT})`);
  return missing.length > 0;
}

/** In CI a missing server fails the test, never skips it: a skipped check proves nothing. */
export function requireServers(...names: string[]): void {
  const missing = names.filter((name) => !installed(name));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not installed: ${INSTALL_HINT}`);
}

export type StackType = 'postgres' | 'redis' | 'web' | 'worker' | 'api' | 'nginx';

export interface Stack {
  root: string;
  base: number;
  /** Each Procfile type's port: base + 100 × its place, as tf gives them. */
  ports: Record<StackType, number>;
}

/**
 * Linux gives outgoing connections local ports from 32768 up (net.ipv4.ip_local_port_range): a
 * server told to listen there can find its port taken by a client of another test. Test ports stay below.
 */
export const EPHEMERAL_PORTS_FROM = 32768;

/**
 * A copy of the recipe in a temp app, plus `.env.test`, which moves the ports the recipe's .env
 * names to `base` and puts this machine's PostgreSQL folder on PATH.
 */
export function recipeApp(base: number): Stack {
  const root = tmpApp();
  cpSync(RECIPES, root, { recursive: true });
  const types = readFileSync(join(root, 'Procfile'), 'utf8').split('\n').map((l) => /^([\w-]+):/.exec(l)?.[1]).filter((t): t is string => !!t && t !== 'release');
  const ports = Object.fromEntries(types.map((type, i) => [type, base + 100 * i])) as Record<StackType, number>;
  if (base + 100 * types.length > EPHEMERAL_PORTS_FROM) throw new Error(`recipeApp(${base}): its ports reach Linux's ephemeral range; choose a base below ${EPHEMERAL_PORTS_FROM - 100 * types.length}`);
  const pgBin = postgresBin() ?? '/usr/lib/postgresql/15/bin';
  writeFileSync(join(root, '.env.test'), `PATH=${pgBin}:$PATH\nPGPORT=${ports.postgres}\nREDIS_PORT=${ports.redis}\nWEB_PORT=${ports.web}\n`);
  return { root, base, ports };
}

/** The tf arguments that run the recipe on the test's ports. */
export const stackArgs = (stack: Stack): string[] => ['--no-timestamps', '-p', String(stack.base), '-e', '.env,.env.test'];

/** `tf start` of the recipe: the named types (all when none), --watch last when asked. */
export function startStack(stack: Stack, formation: string[], options: { watch?: boolean; env?: Record<string, string | undefined> } = {}): TfProcess {
  return startTf(['start', ...stackArgs(stack), ...formation, ...(options.watch ? ['--watch'] : [])], { cwd: stack.root, env: options.env });
}

/** Applies schema.sql the twelve-factor way, while the stack runs: the release phase, through `tf run`. */
export async function migrate(stack: Stack, context = ''): Promise<void> {
  const args = stackArgs(stack).filter((arg) => arg !== '--no-timestamps');
  const release = await runTf(['run', ...args, 'release'], { cwd: stack.root, timeoutMs: 30_000 });
  expect(release.code, `tf run release: ${release.stdout}${release.stderr}${context}`).toBe(0);
  expect(release.stderr).toBe('');
}

/** Index of the `nth` (1-based) line matching `pattern`, or -1. */
export function lineAt(text: string, pattern: RegExp, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (pattern.test(lines[i]!) && ++seen === nth) return i;
  return -1;
}

export const countLines = (text: string, pattern: RegExp): number => text.split('\n').filter((l) => pattern.test(l)).length;

export async function http(port: number, path: string, method = 'GET'): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(20_000) });
  return { status: response.status, text: await response.text() };
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}

/** A live (not zombie) process. */
export function alive(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {
    return '?';
  }
}

/** The fields of /proc/PID/stat after the command name (state is [0], ppid [1], start time [19]). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Start time of each pid a test saw, so that a cleanup never kills a later process with its number. */
const startTimes = new Map<number, string>();

/** `pids` and all their descendants now, found by parent pid (daemons rewrite their environment). */
export function treeOf(pids: number[]): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const fields = /^\d+$/.test(entry) ? statFields(Number(entry)) : undefined;
    if (fields) parent.set(Number(entry), Number(fields[1]));
  }
  const tree = new Set(pids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  for (const pid of tree) startTimes.set(pid, statFields(pid)?.[19] ?? '');
  return [...tree];
}

/** The very process treeOf saw (same start time) still lives. */
const stillSeen = (pid: number): boolean => alive(pid) && startTimes.has(pid) && statFields(pid)?.[19] === startTimes.get(pid);

/** SIGKILLs the processes treeOf saw that still live, with their descendants now (no orphaned workers). */
export function killSeen(pids: number[]): void {
  for (const pid of treeOf(pids.filter(stillSeen))) if (stillSeen(pid)) kill(pid, 'SIGKILL');
}

/** The pid of every process `tf ps` lists, with its descendants (postgres backends, nginx workers). */
export async function stackPids(root: string): Promise<number[]> {
  return treeOf((await ps(root)).map((row) => row.pid).filter((pid): pid is number => pid !== null));
}

/**
 * Waits until none of `pids` (from treeOf) lives and nothing listens on `ports`; otherwise SIGKILLs
 * what is left of them (only those very processes) and fails naming them.
 */
export async function expectGone(pids: number[], ports: number[], timeoutMs = 10_000): Promise<void> {
  const left = async () => [...pids.filter(alive).map((pid) => `pid ${pid} (${cmdline(pid)})`), ...(await openPorts(ports)).map((p) => `port ${p} accepting`)];
  try {
    await waitFor(async () => (await left()).length === 0, 'every server process to end', timeoutMs);
  } catch {
    const described = await left();
    killSeen(pids);
    throw new Error(`left alive after tf exited: ${described.join('; ')}`);
  }
}

async function openPorts(ports: number[]): Promise<number[]> {
  const open = await Promise.all(ports.map((port) => portOpen(port)));
  return ports.filter((_, i) => open[i]);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * `tf ARGS > FILE` (stdout to a file, as a user redirects it); stderr is collected. Killed when the
 * test ends if still running; the test fails if anything tf started outlives it.
 */
export class TfToFile {
  readonly child: ChildProcess;
  readonly tag = newTag();
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], readonly cwd: string, readonly file: string) {
    const fd = openSync(file, 'w');
    this.child = spawn(process.execPath, [TF_BIN, ...args], { cwd, env: cleanEnv({ [TAG_VARIABLE]: this.tag }), stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((done) => this.child.once('close', (code, signal) => done(code ?? (signal ? 128 : null))));
    onTestFinished(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
      await expectNoSurvivors(this.tag);
    });
  }

  get stdout(): string {
    return readFileSync(this.file, 'utf8');
  }

  waitForLine(pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<string> {
    return waitFor(() => {
      const found = this.stdout.split('\n').filter((l) => pattern.test(l));
      return found.length >= count ? found[count - 1] : undefined;
    }, () => `${count} line(s) matching ${pattern} in ${this.file}:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-1000)}`, timeoutMs);
  }
}

/** The end of a long output, for failure messages. */
export const tail = (text: string, chars = 4000): string => (text.length > chars ? `…${text.slice(-chars)}` : text);

/** `wait`, unless tf exits first: then fail at once with its output (no waiting out the timeout). */
export function whileRunning<T>(tf: TfProcess, wait: Promise<T>): Promise<T> {
  const ended = tf.exited.then((r) => Promise.reject(new Error(`tf exited (code ${r.code}) while the test waited; its output:\n${tail(r.stdout)}\n${tail(r.stderr, 1000)}`)));
  ended.catch(() => {});
  return Promise.race([wait, ended]);
}
