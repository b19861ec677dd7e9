import { readDuration } from './duration.js';
import { parseSize } from './size.js';
import type { Settings } from './settings.js';

/** How settings-file.ts reports a bad value: key path, problem, fix. */
export type Fail = (path: string, problem: string, hint?: string) => never;

/**
 * The top-level keys that stand in for flags (foreman keeps the same in .foreman): the flag wins,
 * the key is the app's default. Returns false for a key that is not one of them.
 */
export function parseDefault(key: string, value: unknown, settings: Settings, fail: Fail): boolean {
  if (key === 'port') settings.port = parsePortValue(value, fail);
  else if (key === 'env_files') settings.envFiles = parseEnvFiles(value, fail);
  else if (key === 'timeout') {
    const reading = readDuration(value);
    settings.drainMs = reading.ok ? reading.ms : fail('timeout', reading.problem, reading.hint);
  } else if (key === 'metrics_interval') settings.metricsIntervalMs = parseMetricsInterval(value, fail);
  else if (key.startsWith('log_')) return parseLogKey(key, value, settings, fail);
  else return false;
  return true;
}

export const DEFAULT_KEYS = ['port', 'env_files', 'timeout', 'metrics_interval', 'log_dir', 'log_max_size', 'log_keep'];

/** Sampling more often than this would cost more than it tells. */
export const MIN_METRICS_INTERVAL_MS = 100;

/** metrics_interval: a duration of at least 100ms, or 0 to turn sampling off. */
export function readMetricsInterval(value: unknown): { ok: true; ms: number } | { ok: false; problem: string; hint: string } {
  const reading = readDuration(value);
  const hint = 'write e.g. 2s, 500ms, or 0 to turn sampling off';
  if (!reading.ok) return { ok: false, problem: reading.problem, hint };
  if (reading.ms !== 0 && reading.ms < MIN_METRICS_INTERVAL_MS) return { ok: false, problem: `${JSON.stringify(value)} is shorter than ${MIN_METRICS_INTERVAL_MS}ms`, hint };
  return reading;
}

function parseMetricsInterval(value: unknown, fail: Fail): number {
  const reading = readMetricsInterval(value);
  return reading.ok ? reading.ms : fail('metrics_interval', reading.problem, reading.hint);
}

/** The smallest log_max_size: a smaller file would hold a line or two. */
export const MIN_LOG_BYTES = 1024;
export const MAX_LOG_KEEP = 1000;

/** log_dir (as --log-dir, relative to the app root), log_max_size and log_keep. */
function parseLogKey(key: string, value: unknown, settings: Settings, fail: Fail): boolean {
  if (key === 'log_dir') {
    if (typeof value !== 'string' || value.trim() === '') fail('log_dir', `${JSON.stringify(value)} is not a folder`, 'write e.g. log_dir: log (relative to the app root)');
    settings.logDir = (value as string).trim();
  } else if (key === 'log_max_size') {
    const bytes = parseSize(value);
    if (bytes === undefined || bytes < MIN_LOG_BYTES) fail('log_max_size', `${JSON.stringify(value)} is not a size of 1K or more`, 'write e.g. log_max_size: 10M (K, M, G: powers of 1024)');
    settings.logMaxBytes = bytes;
  } else if (key === 'log_keep') {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_LOG_KEEP) fail('log_keep', `${JSON.stringify(value)} is not a count of files`, `write a whole number from 0 to ${MAX_LOG_KEEP}, e.g. log_keep: 5`);
    settings.logKeep = value as number;
  } else return false;
  return true;
}

function parsePortValue(value: unknown, fail: Fail): number {
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535) return value as number;
  return fail('port', `${JSON.stringify(value)} is not a port`, 'use a number from 1 to 65535, e.g. port: 5100');
}

function parseEnvFiles(value: unknown, fail: Fail): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return fail('env_files', `${JSON.stringify(value)} is not a list of files`, 'write e.g. env_files: [.env, .env.local] (relative to the app root)');
  }
  return list.map((item: string) => item.trim());
}
