// Helpers for bench/run.mjs: tracked child processes (so nothing outlives the bench), timing,
// /proc readings, line readers and formatting. Plain Node, no dependencies.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { execFileSync, spawnSync } from 'node:child_process';

/** Every process the bench starts, and everything those start, carries BENCH_TAG=<this>. */
export const TAG_VARIABLE = 'BENCH_TAG';
export const TAG = randomBytes(8).toString('hex');

export const now = () => performance.now();

/** The environment for everything the bench starts: ours, minus what changes tf's output, plus the tag. */
export function benchEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key === 'PORT' || key === 'FORCE_COLOR' || key.startsWith('TF_') || key.startsWith('NODE_OPTIONS')) delete env[key];
  }
  return { ...env, [TAG_VARIABLE]: TAG, ...extra };
}

const live = new Set();

/**
 * child_process.spawn that remembers the child until it exits. `exited` resolves with
 * { code, signal, at } where `at` is now() at the 'exit' event; `closed` after its pipes close too.
 */
/** Runs a command to its end (10 minutes at most) and times it: { s, status, stdout, stderr }. */
export function timed(file, args, cwd) {
  const start = now();
  const result = spawnSync(file, args, { cwd, env: benchEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, maxBuffer: 64 << 20 });
  return { s: (now() - start) / 1000, status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function spawnTracked(file, args, options) {
  const child = spawn(file, args, options);
  live.add(child);
  child.exited = new Promise((resolve, reject) => {
    child.once('error', (error) => {
      live.delete(child);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      const at = now();
      live.delete(child);
      resolve({ code, signal, at });
    });
  });
  child.closed = new Promise((resolve) => child.once('close', () => resolve()));
  child.closed.catch(() => {});
  child.exited.catch(() => {});
  return child;
}

/** Resolves with the value of `promise`, or rejects after `ms` with `what` in the message. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${(ms / 1000).toFixed(0)} s waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Live (non-zombie) processes carrying the bench's tag. */
export function taggedProcesses() {
  const needle = Buffer.from(`${TAG_VARIABLE}=${TAG}\0`);
  const found = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`);
      const at = environ.indexOf(needle);
      if (at === -1 || (at > 0 && environ[at - 1] !== 0)) continue;
      if (!isZombie(Number(entry))) found.push(Number(entry));
    } catch {
      // ended while we looked, or not ours to read
    }
  }
  return found;
}

function isZombie(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

export function describePid(pid) {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim()}`;
  } catch {
    return `${pid} ?`;
  }
}

/** Waits up to `ms` for every tagged process to end; returns (and SIGKILLs) the ones that did not. */
export async function survivors(ms = 2000) {
  const deadline = now() + ms;
  let left = taggedProcesses();
  while (left.length > 0 && now() < deadline) {
    await sleep(50);
    left = taggedProcesses();
  }
  const described = left.map(describePid);
  for (const pid of left) kill(pid, 'SIGKILL');
  return described;
}

export function kill(pid, signal) {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every child the bench started that is still running, and anything carrying the tag. */
export function killEverything() {
  for (const child of live) {
    if (child.pid === undefined) continue;
    kill(-child.pid, 'SIGKILL');
    kill(child.pid, 'SIGKILL');
  }
  for (let round = 0; round < 3; round++) {
    const left = taggedProcesses();
    if (left.length === 0) break;
    for (const pid of left) kill(pid, 'SIGKILL');
  }
}

/** Calls onLine(line) for each complete line of a readable stream (utf8). */
export function onLines(stream, onLine) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text) => {
    pending += text;
    let nl;
    let start = 0;
    while ((nl = pending.indexOf('\n', start)) !== -1) {
      onLine(pending.slice(start, nl));
      start = nl + 1;
    }
    pending = pending.slice(start);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The baseline of the spawn and scale benchmarks: COUNT copies of bench/ready.mjs started directly
 * (detached, as tf starts its processes), PS=TYPE.N each. Resolves with the seconds until every one
 * printed its READY line; they are then stopped.
 */
export async function startReadyDirectly({ node, script, cwd, type, count, timeoutMs }) {
  const start = now();
  const children = [];
  let ready = 0;
  let allReady;
  const done = new Promise((resolve) => (allReady = resolve));
  for (let i = 1; i <= count; i++) {
    const child = spawnTracked(node, [script], { cwd, env: benchEnv({ PS: `${type}.${i}` }), stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let seen = false;
    onLines(child.stdout, (line) => {
      if (!seen && line.startsWith(`READY ${type}.${i} `)) {
        seen = true;
        if (++ready === count) allReady(now());
      }
    });
    children.push(child);
  }
  try {
    return ((await within(done, timeoutMs, `${count} READY lines from the baseline processes`)) - start) / 1000;
  } finally {
    for (const child of children) kill(child.pid, 'SIGTERM');
    await within(Promise.all(children.map((c) => c.exited)), 20_000, 'the baseline processes to exit').catch(() => {});
  }
}

/**
 * CPU seconds (user + system) of all the bench's children that have exited and been reaped, from
 * /proc/self/stat (cutime + cstime). A child's figure includes the children it reaped itself, so for
 * tf it is tf plus everything tf ran. Undefined where /proc is missing.
 */
export function reapedChildrenCpu() {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** VmHWM (peak resident set) and VmRSS of a live process, in KiB, from /proc/<pid>/status. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const field = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) : undefined;
    };
    return { hwmKiB: field('VmHWM'), rssKiB: field('VmRSS'), anonKiB: field('RssAnon') };
  } catch {
    return { hwmKiB: undefined, rssKiB: undefined, anonKiB: undefined };
  }
}

export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (value, digits = 3) => (typeof value === 'number' && Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

/** 1.234 -> "1.23 s"; 0.0456 -> "45.6 ms". */
export function seconds(s) {
  if (typeof s !== 'number' || !Number.isFinite(s)) return 'n/a';
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(s < 0.1 ? 1 : 0)} ms`;
}

export function mib(kib) {
  return typeof kib === 'number' ? `${(kib / 1024).toFixed(1)} MiB` : 'n/a';
}

export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : undefined;
}

/** One request over the control socket; resolves with the reply. */
export function controlRequest(path, body) {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let text = '';
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${JSON.stringify({ v: 1, id: 1, ...body })}\n`));
    socket.on('data', (chunk) => {
      text += chunk;
      if (!text.includes('\n')) return;
      socket.destroy();
      const reply = JSON.parse(text.slice(0, text.indexOf('\n')));
      reply.ok ? resolve(reply.result) : reject(new Error(reply.error));
    });
  });
}
