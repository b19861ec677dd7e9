import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { QueueBudget } from '../../src/output/queue-budget.js';
import { RotatingFile, type Loss } from '../../src/output/rotating-file.js';

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-rotate-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


describe('RotatingFile (real files)', () => {
  it('drops what does not fit the queue, counted as the disk falling behind, and writes the rest', async () => {
    const dir = folder();
    const losses: Loss[] = [];
    const file = new RotatingFile(join(dir, 'a.log'), 1 << 20, 2, new QueueBudget(16), (loss) => losses.push(loss));
    file.append('one\ntwo\n');
    file.append('three\nfour\n');
    file.append('5\n');
    await file.close();
    expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe('one\ntwo\n5\n');
    expect(losses).toEqual([{ file: join(dir, 'a.log'), lines: 2 }]);
  });

  it('gives a line longer than a whole file a file of its own, whole', async () => {
    const dir = folder();
    const file = new RotatingFile(join(dir, 'b.log'), 10, 5, new QueueBudget(1 << 20), () => expect.unreachable());
    file.append(`short\n${'x'.repeat(25)}\nend\n`);
    await file.close();
    expect(readdirSync(dir).sort()).toEqual(['b.log', 'b.log.1', 'b.log.2']);
    expect(readFileSync(join(dir, 'b.log.2'), 'utf8')).toBe('short\n');
    expect(readFileSync(join(dir, 'b.log.1'), 'utf8')).toBe(`${'x'.repeat(25)}\n`);
    expect(readFileSync(join(dir, 'b.log'), 'utf8')).toBe('end\n');
  });

  it('with log_keep 0 keeps the current file only', async () => {
    const dir = folder();
    const file = new RotatingFile(join(dir, 'c.log'), 8, 0, new QueueBudget(1 << 20), () => expect.unreachable());
    for (const line of ['aaaa\n', 'bbbb\n', 'cccc\n']) file.append(line);
    await file.close();
    expect(readdirSync(dir)).toEqual(['c.log']);
    expect(readFileSync(join(dir, 'c.log'), 'utf8')).toBe('cccc\n');
  });
});
