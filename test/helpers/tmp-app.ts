import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  onTestFinished(() => removeAll(dir));
  return dir;
}

/** `node test/fixtures/NAME.mjs ARGS` as a Procfile command. */
export function fixture(name: string, ...args: string[]): string {
  return [process.execPath, join(FIXTURES, `${name}.mjs`), ...args].map((a) => (/[^\w./-]/.test(a) ? `'${a}'` : a)).join(' ');
}

/**
 * rm -rf that also takes a release store: its builds and releases are read-only folders, which
 * only root may empty without giving them u+w first (what `chmod -R u+w` before `rm -rf` does).
 */
export function removeAll(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    writable(path);
    rmSync(path, { recursive: true, force: true });
  }
}

function writable(path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return;
  if ((stat.mode & 0o700) !== 0o700) chmodSync(path, stat.mode | 0o700);
  for (const name of readdirSync(path)) writable(join(path, name));
}
