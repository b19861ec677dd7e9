import { expect } from 'vitest';

/** Checks that each writer's lines (test/fixtures/lines.mjs) arrived whole, in order, attributed to the right process. */
export function checkLines(stdout: string, writers: string[], count: number): void {
  const seen = new Map(writers.map((w) => [w, 0]));
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) +\| (\S+) (\d{7}) x{60}$/.exec(line);
    if (!match) {
      expect(line).toMatch(/^(system +\| |$)/);
      continue;
    }
    const [, name, id, seq] = match;
    expect(id).toBe(name);
    expect(Number(seq)).toBe(seen.get(name!));
    seen.set(name!, Number(seq) + 1);
  }
  for (const writer of writers) expect(seen.get(writer), writer).toBe(count);
}

/**
 * The lines tf printed for test/fixtures/bytes.mjs (process bytes.1, its huge line HUGE bytes long),
 * checked for what every mode keeps: UTF-8 split across reads, invalid bytes and NUL shown, each CR
 * progress update its own line, CRLF one line end, the huge line whole, no CR left. Returns them.
 */
export function expectAwkwardBytes(stdout: string, huge: number): string[] {
  const lines = stdout.split('\n').filter((l) => l.startsWith('bytes.1 | ')).map((l) => l.slice('bytes.1 | '.length));
  expect(lines).toContain('split:€:end');
  expect(lines).toContain('bad:\uFFFD\uFFFD:end');
  expect(lines).toContain('nul:\u2400:end');
  expect(lines).toEqual(expect.arrayContaining(['progress 10%', 'progress 50%', 'progress 100%']));
  expect(lines.filter((l) => l === 'crlf:end')).toHaveLength(1);
  expect(lines).toContain(`huge:${'h'.repeat(huge)}:end`);
  expect(stdout).not.toContain('\r');
  return lines;
}
