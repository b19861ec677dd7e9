import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process tf starts carries this variable with a value unique to that tf. A daemon that
 * double-forks and calls setsid leaves both its parent's tree and its process group, but keeps
 * its environment, so this is how tf (and its watchdog) still finds it. Linux only (/proc).
 */
export const MARKER_VARIABLE = 'TF_SUPERVISOR_ID';

/** Live (non-zombie) processes whose initial environment holds MARKER_VARIABLE=marker. */
export function markedProcesses(marker: string): number[] {
  const needle = Buffer.from(`${MARKER_VARIABLE}=${marker}\0`);
  const inside = Buffer.concat([Buffer.from('\0'), needle]);
  const found: number[] = [];
  for (const pid of processIds()) {
    if (pid === process.pid) continue;
    const environ = readOrEmpty(`/proc/${pid}/environ`);
    if ((environ.indexOf(needle) === 0 || environ.indexOf(inside) !== -1) && !isZombie(pid)) {
      found.push(pid);
    }
  }
  return found;
}

/** A zombie has exited and only waits to be reaped; it holds no resources and cannot be killed. */
export function isZombie(pid: number): boolean {
  const stat = readOrEmpty(`/proc/${pid}/stat`).toString();
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** Every process id in /proc (none where there is no /proc). */
export function processIds(): number[] {
  try {
    return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** A /proc file, or nothing if the process is gone or hidden. */
export function readOrEmpty(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}
