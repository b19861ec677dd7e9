import { formatSize } from '../config/size.js';
import type { RestartPolicy } from '../config/settings.js';

/**
 * A sample over the limit must be followed by another before tf acts: one sample can catch a
 * short spike (a request buffering a big upload) that the process frees a moment later. Two
 * samples is at least one interval (2 s by default) over the limit.
 */
export const SAMPLES_OVER_LIMIT = 2;

/** Counts consecutive samples over each process's memory_limit. */
export class MemoryLimits {
  private readonly over = new Map<string, number>();

  /** True when NAME has now been over LIMIT for SAMPLES_OVER_LIMIT samples in a row (the count starts again). */
  exceeded(name: string, rssBytes: number | null, limit: number): boolean {
    if (rssBytes === null || rssBytes <= limit) {
      this.over.delete(name);
      return false;
    }
    const count = (this.over.get(name) ?? 0) + 1;
    if (count < SAMPLES_OVER_LIMIT) {
      this.over.set(name, count);
      return false;
    }
    this.over.delete(name);
    return true;
  }

  /** A new run starts counting from nothing. */
  forget(name: string): void {
    this.over.delete(name);
  }
}

const ACTION: Record<RestartPolicy['kind'], string> = { restart: 'restarting it', stop: 'stopping it and every other process', ignore: 'stopping it' };

/** "web.1 used 530M, over its memory_limit 512M: restarting it (crash policy restart)". */
export function overLimitMessage(name: string, usedBytes: number, limitBytes: number, policy: RestartPolicy): string {
  return `${name} used ${formatSize(usedBytes)}, over its memory_limit ${formatSize(limitBytes)}: ${ACTION[policy.kind]} (crash policy ${policy.kind})`;
}
