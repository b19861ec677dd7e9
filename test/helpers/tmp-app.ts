import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/** A fresh app folder with the given files, removed when the test ends. */
export function tmpApp(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-test-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `node test/fixtures/NAME.mjs ARGS` as a Procfile command. */
export function fixture(name: string, ...args: string[]): string {
  return [process.execPath, join(FIXTURES, `${name}.mjs`), ...args].map((a) => (/[^\w./-]/.test(a) ? `'${a}'` : a)).join(' ');
}
