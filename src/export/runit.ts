import { serviceDirs } from './service-dirs.js';
import { bareSignal } from './quote.js';
import { shQuote } from '../util/sh-quote.js';
import { SCRIPT_MODE, type ExportInput, type ExportResult, type ExportType } from './types.js';

/**
 * runit: a service directory per instance. runsv itself only knows SIGTERM and has no kill
 * timeout, so control/d (which runsv runs on `sv down` instead of sending SIGTERM when it exits
 * 0) sends the stop signal to the process group and SIGKILLs what is left after the drain.
 */
export function runit(input: ExportInput): ExportResult {
  return serviceDirs(input, {
    name: 'runit',
    // chpst -P: the command leads its own process group, which control/d signals as a whole.
    launcher: (user) => `chpst -P ${user ? `-u ${shQuote(user)} ` : ''}`,
    extra: (type, dir) => [
      { path: `${dir}/control/d`, content: downScript(type), mode: SCRIPT_MODE },
      ...(type.restart.kind === 'restart' ? [] : [{ path: `${dir}/finish`, content: noRestart, mode: SCRIPT_MODE }]),
    ],
  });
}

function downScript(type: ExportType): string {
  const ticks = Math.max(1, Math.ceil(type.drainMs / 100));
  return [
    '#!/bin/sh',
    `# runsv runs this on \`sv down\`: ${type.stopSignal} to the process group, SIGKILL after ${type.drainMs} ms.`,
    '# The wait runs in the background: runsv waits for this script, and must reap the process meanwhile.',
    'pid=$(cat supervise/pid 2>/dev/null)',
    '[ -n "$pid" ] || exit 0',
    `kill -s ${bareSignal(type.stopSignal)} -- -"$pid" 2>/dev/null`,
    'kill -s CONT -- -"$pid" 2>/dev/null',
    '(',
    '  i=0',
    `  while kill -s 0 -- -"$pid" 2>/dev/null && [ "$i" -lt ${ticks} ]; do sleep 0.1; i=$((i + 1)); done`,
    '  kill -s KILL -- -"$pid" 2>/dev/null',
    ') </dev/null >/dev/null 2>&1 &',
    'exit 0',
    '',
  ].join('\n');
}

// tf.yml restart: ignore or stop: once it has ended, the service stays down.
const noRestart = '#!/bin/sh\n# The process ended: keep the service down rather than restart it (tf.yml restart policy).\nexec sv down "$PWD"\n';
