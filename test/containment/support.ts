import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from '../helpers/wait.js';

/** A process's start time (clock ticks after boot), or undefined once it is gone or a zombie. */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** Runs a command to its end without blocking the test worker (whose reports would time out); bounded. */
export function run(file: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('close', () => done({ stdout, stderr }));
  });
}

/** Waits until each of PIDS (with the start times seen now) has ended; bounded. */
export async function expectGone(pids: number[], timeoutMs: number): Promise<void> {
  const identities = pids.map((pid) => [pid, startTime(pid)] as const);
  await waitFor(() => identities.every(([pid, start]) => start === undefined || startTime(pid) !== start), () => `pids ${pids.join(', ')} to end (left: ${identities.filter(([p, s]) => s !== undefined && startTime(p) === s).map(([p]) => p).join(', ')})`, timeoutMs);
}
