import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration, readDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each<[string | number, number]>([
    ['10', 10_000],
    ['0', 0],
    ['1.5', 1500],
    ['10s', 10_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['  3s  ', 3000],
    ['3 s', 3000],
    ['0.0004s', 0],
    ['0.0006s', 1],
    [2, 2000],
    [0.25, 250],
    [0, 0],
  ])('%j is %i ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each<[string | number]>([[''], ['s'], ['ten'], ['-1'], ['-1s'], ['.5s'], ['1.s'], ['10S'], ['10sec'], ['1d'], ['1m30s'], ['1e3'], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    '%j is not a duration',
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );
});

describe('readDuration', () => {
  it.each<[string | number, number]>([
    ['24h', MAX_DURATION_MS],
    ['1440m', MAX_DURATION_MS],
    [86_400, MAX_DURATION_MS],
    ['10s', 10_000],
  ])('%j is at most a day: %i ms', (input, ms) => {
    expect(readDuration(input)).toEqual({ ok: true, ms });
  });

  it.each<[string | number]>([['99999999999999999999s'], ['24.001h'], ['1441m'], [86_401], ['9'.repeat(400)], [1e308]])('%j is longer than a day', (input) => {
    expect(readDuration(input)).toEqual({ ok: false, tooLong: true, problem: `${JSON.stringify(input)} is longer than 24h`, hint: 'tf waits at most 24h' });
  });

  it.each<[unknown]>([['soon'], [[1]], [null], [-1]])('%j is not a duration', (input) => {
    expect(readDuration(input)).toEqual({ ok: false, tooLong: false, problem: `${JSON.stringify(input)} is not a duration`, hint: 'write e.g. 10s, 500ms or 1m' });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1500ms'],
    [10_000, '10s'],
    [90_000, '90s'],
    [60_000, '1m'],
    [300_000, '5m'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([0, 500, 1000, 1500, 90_000, 300_000])('%i ms reads back as itself', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
