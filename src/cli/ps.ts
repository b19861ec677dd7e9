import { controlRequest } from '../control/client.js';
import type { ProcessInfo } from '../supervisor/slot.js';
import { controlTarget, type ControlFlags } from './control-target.js';
import { alignColumns } from './table.js';
import { writeStdout } from '../output/write-error.js';

export async function ps(flags: ControlFlags & { json?: boolean }): Promise<number> {
  const processes = (await controlRequest(controlTarget(flags), { cmd: 'ps' })) as ProcessInfo[];
  return writeStdout(flags.json ? `${JSON.stringify(processes, null, 2)}\n` : renderTable(processes));
}

const HEADER = ['NAME', 'PID', 'PORT', 'STATE', 'UPTIME', 'RESTARTS', 'LAST EXIT'];

/** The RELEASE column sits after PORT, and only for a tf running releases (the working tree has none). */
const RELEASE_AT = 3;

export function renderTable(processes: ProcessInfo[]): string {
  if (processes.length === 0) return 'no processes (scale one up with tf scale TYPE=N)\n';
  const withRelease = processes.some((p) => p.release);
  const rows = processes.map((p) => {
    const row = [p.name, p.pid ?? '-', p.port, p.daemon ? `${p.state} (daemon ${p.daemon})` : p.state, p.uptimeMs === null ? '-' : uptime(p.uptimeMs), p.restarts, lastExit(p)].map(String);
    if (withRelease) row.splice(RELEASE_AT, 0, p.release ?? '-');
    return row;
  });
  const header = withRelease ? [...HEADER.slice(0, RELEASE_AT), 'RELEASE', ...HEADER.slice(RELEASE_AT)] : HEADER;
  return alignColumns([header, ...rows]).map((line) => `${line}\n`).join('');
}

/**
 * "restarted (SIGTERM)", "stopped (exit 0)", "crashed: exit 3", "crashed: SIGSEGV": a deliberate
 * end says what tf did and how the process took it; an end of its own says how it ended.
 */
export function lastExit(p: ProcessInfo): string {
  if (p.lastExit === null) return '-';
  const how = p.lastExitSignal ?? `exit ${p.lastExit}`;
  if (p.lastExitReason === 'exited' || p.lastExitReason === 'crashed') return `${p.lastExitReason}: ${how}`;
  // An older tf start answers without a reason: its bare status is all there is.
  return p.lastExitReason ? `${p.lastExitReason} (${how})` : String(p.lastExit);
}

/** 42s, 5m03s, 2h05m, 3d04h: two units at most, as ps and docker do. */
export function uptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}
