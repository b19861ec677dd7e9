import { controlRequest } from '../control/client.js';
import type { ProcessInfo } from '../supervisor/slot.js';
import { controlTarget, type ControlFlags } from './control-target.js';
import { alignColumns } from './table.js';

export async function ps(flags: ControlFlags & { json?: boolean }): Promise<number> {
  const processes = (await controlRequest(controlTarget(flags), { cmd: 'ps' })) as ProcessInfo[];
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(processes, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(renderTable(processes));
  return 0;
}

const HEADER = ['NAME', 'PID', 'PORT', 'STATE', 'UPTIME', 'RESTARTS', 'LAST EXIT'];

export function renderTable(processes: ProcessInfo[]): string {
  if (processes.length === 0) return 'no processes (scale one up with tf scale TYPE=N)\n';
  const rows = processes.map((p) => [p.name, p.pid ?? '-', p.port, p.daemon ? `${p.state} (daemon ${p.daemon})` : p.state, p.uptimeMs === null ? '-' : uptime(p.uptimeMs), p.restarts, p.lastExit ?? '-'].map(String));
  return alignColumns([HEADER, ...rows]).map((line) => `${line}\n`).join('');
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
