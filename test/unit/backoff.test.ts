import { describe, expect, it } from 'vitest';
import { CrashHistory, FIRST_DELAY_MS, HEALTHY_UPTIME_MS, MAX_DELAY_MS } from '../../src/supervisor/backoff.js';

const policy = (limit: number, windowMs: number) => ({ kind: 'restart' as const, limit, windowMs });

/** Records a crash every `everyMs` (each run lasting 1 ms) and returns the delays. */
function delays(history: CrashHistory, count: number, everyMs = 1, startAt = 0): Array<number | undefined> {
  return Array.from({ length: count }, (_, i) => history.record(startAt + i * everyMs, 1));
}

describe('CrashHistory', () => {
  it('doubles the delay from 100 ms and caps it at 30 s', () => {
    expect([FIRST_DELAY_MS, MAX_DELAY_MS]).toEqual([100, 30_000]);
    expect(delays(new CrashHistory(policy(100, 60_000)), 12)).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000, 30_000]);
  });

  it.each([
    ['a run of exactly 60 s', HEALTHY_UPTIME_MS, 100],
    ['a longer run', 10 * HEALTHY_UPTIME_MS, 100],
    ['a run just short of 60 s', HEALTHY_UPTIME_MS - 1, 800],
  ])('after %s, the next crash delay is %i ms', (_case, uptimeMs, expected) => {
    const history = new CrashHistory(policy(100, 1000));
    delays(history, 3);
    expect(history.record(1_000_000, uptimeMs)).toBe(expected);
  });

  it.each([
    [1, [undefined]],
    [2, [100, undefined]],
    [3, [100, 200, undefined]],
  ])('gives up on crash number %i of the window (limit %i)', (limit, expected) => {
    const history = new CrashHistory(policy(limit, 60_000));
    expect(delays(history, limit, 1000)).toEqual(expected);
    expect(history.crashesInWindow).toBe(limit);
  });

  it('forgets crashes that fell out of the window', () => {
    const history = new CrashHistory(policy(3, 10_000));
    expect(delays(history, 2, 1000)).toEqual([100, 200]);
    // 20 s later both earlier crashes are outside the 10 s window: no give-up, only this one counts.
    expect(history.record(21_000, 1)).toBe(400);
    expect(history.crashesInWindow).toBe(1);
  });

  it('counts a crash exactly one window ago as outside it', () => {
    const history = new CrashHistory(policy(2, 10_000));
    expect(history.record(0, 1)).toBe(100);
    expect(history.record(10_000, 1)).toBe(200);
    expect(history.crashesInWindow).toBe(1);
    expect(history.record(19_999, 1)).toBeUndefined();
  });

  it('keeps counting crashes in the window even after a healthy run', () => {
    const history = new CrashHistory(policy(3, 10 * HEALTHY_UPTIME_MS));
    expect(history.record(0, 1)).toBe(100);
    expect(history.record(HEALTHY_UPTIME_MS, HEALTHY_UPTIME_MS)).toBe(100);
    expect(history.record(2 * HEALTHY_UPTIME_MS, HEALTHY_UPTIME_MS)).toBeUndefined();
  });
});
