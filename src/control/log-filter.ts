import { parseDuration } from '../config/duration.js';
import { TfError } from '../util/errors.js';

/** A --grep pattern as a RegExp, or a one-line error naming it. */
export function grepPattern(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new TfError(`--grep: "${source}" is not a regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`, 'e.g. --grep "ERROR|WARN"');
  }
}

/** An ISO 8601 date, with or without a time: what --since takes besides a duration. */
const ISO_TIME = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$/;

/**
 * --since as epoch ms: a duration back from `now` (10m, 2h, 90s, as tf's other durations) or an
 * ISO time (2026-12-01T04:50:00Z; without a zone it is local time, as Date reads it).
 */
export function sinceTime(text: string, now: number): number {
  const ms = parseDuration(text);
  if (ms !== undefined) return now - ms;
  const time = ISO_TIME.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (!Number.isNaN(time)) return time;
  throw new TfError(`--since: "${text}" is neither a duration nor a time`, 'write e.g. --since 10m, --since 2h or --since 2026-12-01T04:50:00Z');
}
