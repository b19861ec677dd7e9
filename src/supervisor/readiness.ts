import { connect } from 'node:net';
import { formatDuration } from '../config/duration.js';
import type { ReadyCheck } from '../config/settings.js';
import type { ProcessSpec } from '../formation/formation.js';
import { describeHolder, listenerIsOurs } from './port-check.js';
import type { ProcessHandle } from './process-handle.js';
import { spawnContained, spawnEnvironment } from './spawner.js';
import type { Timers } from './timers.js';

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** Polls start fast (a dev server is often up within 50 ms) and back off to this. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;
const ANSI = /\x1b\[[0-9;]*m/g;

export interface ReadinessDeps {
  timers: Timers;
  /** Added to the spec's env for a cmd check: the supervisor's marker, so a dead tf's watchdog finds it. */
  extraEnv: Record<string, string>;
  /** The check passed: why, for "web.1 is ready (port 5000 accepts connections)". */
  onReady(detail: string): void;
  /** ready_timeout passed first. */
  onTimeout(text: string): void;
}

/** One pending ready check of one run of a process. */
export interface Readiness {
  cancel(): void;
}

/**
 * Starts the spec's ready check against a process just spawned. Port and cmd checks poll with
 * backoff; a line check hooks the handle's output (the handle looks at lines only while one is
 * pending, so the output fast path costs nothing once the process is ready).
 */
export function startReadiness(spec: ProcessSpec, handle: ProcessHandle, deps: ReadinessDeps): Readiness {
  const check = spec.ready!;
  const timeoutMs = spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  let over = false;
  let pollTimer: unknown;
  let probe: { cancel(): void } | undefined;
  const finish = (): void => {
    over = true;
    deps.timers.clearTimeout(deadline);
    if (pollTimer !== undefined) deps.timers.clearTimeout(pollTimer);
    probe?.cancel();
    handle.watchLines(undefined);
  };
  const deadline = deps.timers.setTimeout(() => {
    finish();
    deps.onTimeout(`${spec.name} is not ready after ${formatDuration(timeoutMs)} (${pending(check, spec)}); treating it as running`);
  }, timeoutMs);
  const ready = (): void => {
    if (over) return;
    finish();
    deps.onReady(passed(check, spec));
  };
  if (check.kind === 'line') {
    handle.watchLines((line) => check.pattern.test(line.replace(ANSI, '')) && (ready(), true));
  } else {
    let delay = FIRST_POLL_MS;
    const probeOnce = check.kind === 'port' ? probePort(spec.port, handle.pid) : probeCommand(spec, check.command, spawnEnvironment(spec.env, deps.extraEnv));
    const poll = (): void => {
      pollTimer = undefined;
      probe = probeOnce((ok) => {
        probe = undefined;
        if (over) return;
        if (ok) return ready();
        pollTimer = deps.timers.setTimeout(poll, delay);
        delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.5));
      });
    };
    poll();
  }
  return { cancel: () => !over && finish() };
}

/** One try of a ready check; `done` says whether it passed. */
type Probe = (done: (ok: boolean) => void) => { cancel(): void };

/**
 * One TCP connect to 127.0.0.1:PORT (only the loopback address, never the network). Where the platform
 * tells who listens, the listener must be the process or one of its descendants: another
 * program's server on that port is not this process being ready.
 */
const probePort = (port: number, pid: number | undefined): Probe => (done) => {
  const socket = connect({ host: '127.0.0.1', port });
  const end = (ok: boolean): void => {
    socket.destroy();
    done(ok);
  };
  socket.once('connect', () => end(pid === undefined || listenerIsOurs(port, pid) !== false));
  socket.once('error', () => end(false));
  return { cancel: () => socket.destroy() };
};

/** `sh -c COMMAND` with the process's environment, contained like a process so a hung one can be killed. */
const probeCommand = (spec: ProcessSpec, command: string, env: Record<string, string>): Probe => (done) => {
  let finished = false;
  const check = spawnContained(
    { command, cwd: spec.cwd, env, output: 'ignore' },
    {
      onSpawn: () => {},
      onError: () => {},
      onExit: (code) => {
        if (finished) return;
        finished = true;
        // Whatever the check left running has no business outliving it.
        check.kill();
        done(code === 0);
      },
      onGone: () => {},
    },
  );
  return {
    cancel: () => {
      finished = true;
      check.kill();
    },
  };
};

function passed(check: ReadyCheck, spec: ProcessSpec): string {
  if (check.kind === 'port') return `port ${spec.port} accepts connections`;
  if (check.kind === 'line') return `printed a line matching ${check.pattern}`;
  return `"${check.command}" exited 0`;
}

function pending(check: ReadyCheck, spec: ProcessSpec): string {
  if (check.kind === 'port') {
    const holder = describeHolder(spec.port);
    return holder ? `port ${spec.port} is held by another program${holder}` : `port ${spec.port} refuses connections`;
  }
  if (check.kind === 'line') return `no line matched ${check.pattern}`;
  return `"${check.command}" has not exited 0`;
}
