const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/** "10s", "500ms", "1.5m", or a bare number of seconds, in milliseconds; undefined if not one. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  const match = DURATION.exec(input.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}

/**
 * The longest wait tf accepts (a drain, a ready timeout, a restart window). Node keeps timers in
 * a signed 32-bit count of ms (24.8 days) and fires a longer one at once, so a drain of
 * "99999999999999999999s" killed at once; a day is longer than any drain means to be.
 */
export const MAX_DURATION_MS = 24 * 3_600_000;

const MAX_DURATION_TEXT = '24h';

export type DurationReading = { ok: true; ms: number } | { ok: false; tooLong: boolean; problem: string; hint: string };

/** parseDuration within MAX_DURATION_MS, or what is wrong, for the caller to place in its error. */
export function readDuration(input: unknown): DurationReading {
  const ms = typeof input === 'string' || typeof input === 'number' ? parseDuration(input) : undefined;
  if (ms === undefined) return { ok: false, tooLong: false, problem: `${JSON.stringify(input)} is not a duration`, hint: 'write e.g. 10s, 500ms or 1m' };
  if (ms > MAX_DURATION_MS) return { ok: false, tooLong: true, problem: `${JSON.stringify(input)} is longer than ${MAX_DURATION_TEXT}`, hint: `tf waits at most ${MAX_DURATION_TEXT}` };
  return { ok: true, ms };
}

/** The shortest exact spelling: 250ms, 5s, 2m. */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0 || ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
