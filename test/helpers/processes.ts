import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { waitFor } from './wait.js';

/** Tests put TF_TEST_TAG=<unique> in tf's environment; every process tf starts inherits it. */
export const TAG_VARIABLE = 'TF_TEST_TAG';

export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/** Live (not zombie) processes carrying the tag, tf itself included if it is still running. */
export function taggedProcesses(tag: string): number[] {
  const needle = `${TAG_VARIABLE}=${tag}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environ.includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && state !== 'X') found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Waits until nothing with the tag is alive; kills and fails if something still is. */
export async function expectNoSurvivors(tag: string, timeoutMs = 5000): Promise<void> {
  try {
    await waitFor(() => taggedProcesses(tag).length === 0, `every process tagged ${tag} to end`, timeoutMs);
  } catch (error) {
    const left = taggedProcesses(tag);
    const described = left.map((pid) => `${pid} ${safeCmdline(pid)}`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    throw new Error(`processes outlived tf: ${described.join('; ')}`, { cause: error });
  }
}

function safeCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {
    return '?';
  }
}
