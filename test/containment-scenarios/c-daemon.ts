import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/tmp-app.js';

/**
 * Compiles test/fixtures/daemon.c (a double-forking daemon that overwrites its argv and environ
 * with a process title) with the C compiler found on PATH. Returns the binary, or why it could not
 * (no compiler: CI installs gcc, a developer machine may not have one). `cleanup` removes it.
 */
export function compileDaemon(): { binary?: string; skipped?: string; cleanup: () => void } {
  const compiler = ['cc', 'gcc', 'clang'].find((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!compiler) return { skipped: 'no C compiler (cc, gcc or clang) on PATH: the C daemon scenarios are skipped', cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'tf-daemon-'));
  const binary = join(dir, 'daemon');
  const built = spawnSync(compiler, ['-O1', '-o', binary, join(FIXTURES, 'daemon.c')], { encoding: 'utf8' });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (built.status !== 0) throw new Error(`${compiler} could not build test/fixtures/daemon.c: ${built.stderr}`);
  return { binary, cleanup };
}
