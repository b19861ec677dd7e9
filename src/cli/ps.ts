import { controlRequest } from '../control/client.js';
import type { ProcessInfo } from '../supervisor/slot.js';
import { controlTarget, type ControlFlags } from './control-target.js';
import { alignColumns } from './table.js';
import { writeStdout } from '../output/write-error.js';
import { formatSize } from '../config/size.js';

export async function ps(flags: ControlFlags & { json?: boolean }): Promise<number> {
  const processes = (await controlRequest(controlTarget(flags), { cmd: 'ps' })) as ProcessInfo[];
  return writeStdout(flags.json ? `${JSON.stringify(processes, null, 2)}\n` : renderTable(processes));
}

const HEADER = ['NAME', 'PID', 'PORT', 'STATE', 'UPTIME', 'CPU%', 'MEM', 'RESTARTS', 'LAST EXIT'];

/** The RELEASE column sits after PORT, and only for a tf running releases (the working tree has none). */
const RELEASE_AT = 3;

export function renderTable(processes: ProcessInfo[]): string {
  if (processes.length === 0) return 'no processes (scale one up with tf scale TYPE=N)\n';
  const withRelease = processes.some((p) => p.release);
  const rows = processes.map((p) => {
    const state = p.daemon ? `${p.state} (daemon ${p.daemon})` : p.state;
    return [p.name, p.pid ?? '-', p.port, state, p.uptimeMs === null ? '-' : uptime(p.uptimeMs), cpu(p.cpuPercent), memory(p.rssBytes), p.restarts, lastExit(p)].map(String);
  });
  const table = [[...HEADER], ...rows, ...totals(processes).map((total) => [total.label, '', '', '', '', cpu(total.cpuPercent), memory(total.rssBytes), '', ''])];
  if (withRelease) table.forEach((row, i) => row.splice(RELEASE_AT, 0, i === 0 ? 'RELEASE' : i <= processes.length ? (processes[i - 1]!.release ?? '-') : ''));
  return alignColumns(table).map((line) => `${line}\n`).join('');
}

interface Total {
  label: string;
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** One line per type that runs more than one process, then one for all: what they use together. */
export function totals(processes: ProcessInfo[]): Total[] {
  const sum = (label: string, rows: ProcessInfo[]): Total => ({ label, cpuPercent: sumOf(rows.map((p) => p.cpuPercent)), rssBytes: sumOf(rows.map((p) => p.rssBytes)) });
  const types = [...new Set(processes.map((p) => p.type))];
  const byType = types.map((type) => processes.filter((p) => p.type === type)).filter((rows) => rows.length > 1);
  return [...byType.map((rows) => sum(`${rows[0]!.type} total`, rows)), sum('total', processes)];
}

/** The sum of the values known; null if none is (nothing sampled yet, or sampling off). */
function sumOf(values: Array<number | null | undefined>): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

/** 12.3%, or - before two samples (an older tf start sends no cpuPercent at all). */
function cpu(percent: number | null | undefined): string {
  return typeof percent === 'number' ? `${percent.toFixed(1)}%` : '-';
}

function memory(bytes: number | null | undefined): string {
  return typeof bytes === 'number' ? formatSize(bytes) : '-';
}

/**
 * "restarted (SIGTERM)", "stopped (exit 0)", "crashed: exit 3", "crashed: SIGSEGV": a deliberate
 * end says what tf did and how the process took it; an end of its own says how it ended.
 */
export function lastExit(p: ProcessInfo): string {
  if (p.lastExit === null) return '-';
  const how = p.lastExitSignal ?? `exit ${p.lastExit}`;
  if (p.lastExitReason === 'memory') return `over memory_limit (${how})`;
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
