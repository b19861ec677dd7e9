import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LiveLine } from '../../src/output/live-line.js';

/** A stand-in for a tty process's terminal: its unfinished line, and who watches it. */
function fakeTerminal(): { partial: Buffer; changed(): void; terminal: { partialLine(): Buffer; watch(listener: () => void): () => void } } {
  const watchers = new Set<() => void>();
  const fake = {
    partial: Buffer.alloc(0),
    changed: () => watchers.forEach((watcher) => watcher()),
    terminal: {
      partialLine: () => fake.partial,
      watch: (listener: () => void) => {
        watchers.add(listener);
        return () => void watchers.delete(listener);
      },
    },
  };
  return fake;
}

/** LiveLine over a sink that records what reaches the terminal, 40 columns wide. */
function liveLine(find: () => ReturnType<typeof fakeTerminal>['terminal'] | undefined): { live: LiveLine; written: () => string } {
  const out = Object.assign(new PassThrough(), { columns: 40 }) as unknown as NodeJS.WriteStream;
  const chunks: Buffer[] = [];
  // Read synchronously, so each check sees every byte written so far.
  out.write = ((chunk: Buffer | string, callback?: () => void) => {
    chunks.push(Buffer.from(chunk));
    callback?.();
    return true;
  }) as typeof out.write;
  const live = new LiveLine(out, () => {
    const terminal = find();
    return terminal && { source: { name: 'app.1' }, terminal };
  }, 6, { color: false, timestamps: false });
  return { live, written: () => Buffer.concat(chunks).toString() };
}

const write = (live: LiveLine, text: string): Promise<void> => new Promise((resolve) => live.write(text, () => resolve()));

describe('LiveLine', () => {
  it("draws the process's unfinished line under the merged stream, erasing it before each write", async () => {
    const fake = fakeTerminal();
    const { live, written } = liveLine(() => fake.terminal);
    await write(live, 'system | app.1 started\n');
    fake.partial = Buffer.from('name? bo');
    fake.changed();
    expect(written()).toBe('system | app.1 started\napp.1  | name? bo');
    await write(live, 'other  | tick\n');
    expect(written()).toBe('system | app.1 started\napp.1  | name? bo\r\x1b[Kother  | tick\napp.1  | name? bo');
    // The line ended: it is erased, and the merged stream prints it whole.
    fake.partial = Buffer.alloc(0);
    fake.changed();
    live.close();
    expect(written()).toMatch(/app\.1  \| name\? bo\r\x1b\[K$/);
  });

  it('applies backspaces, shows other controls as text, keeps what follows the last CR, and fits the width', async () => {
    const fake = fakeTerminal();
    const { live, written } = liveLine(() => fake.terminal);
    await write(live, '');
    fake.partial = Buffer.from('old\rname? bobx\b \b\x1b]0;title\x07');
    fake.changed();
    expect(written()).toBe('app.1  | name? bob␛]0;title␇');
    fake.partial = Buffer.from('x'.repeat(100));
    fake.changed();
    // 40 columns: the prefix, and the end of the line in the 30 left (one kept free, so it never wraps).
    expect(written().split('\r\x1b[K').at(-1)).toBe(`app.1  | ${'x'.repeat(30)}`);
  });
});
