import { readDuration } from './duration.js';
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
  else return false;
  return true;
}

export const DEFAULT_KEYS = ['port', 'env_files', 'timeout', 'metrics_interval'];

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
