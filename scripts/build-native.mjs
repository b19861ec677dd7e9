// Run by `npm run build`: compiles native/tf-shim.c, statically, into dist/native/tf-shim-linux-<arch>
// for this machine's architecture and, where a cross compiler is installed, for the other one, so a
// packed tarball ships both. A static binary runs on any Linux of that architecture, whatever its libc.
// No compiler: one line, and tf runs in its portable containment mode (see src/platform/containment.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE = join(ROOT, 'native', 'tf-shim.c');
const OUT = join(ROOT, 'dist', 'native');
const FLAGS = ['-static', '-Os', '-s', '-Wall', '-Wextra', '-Werror', '-o'];

// Compilers per target architecture (Node's names), in order of preference: musl makes the smallest binary.
const COMPILERS = {
  x64: ['musl-gcc', 'x86_64-linux-musl-gcc', 'x86_64-linux-gnu-gcc', 'cc'],
  arm64: ['aarch64-linux-musl-gcc', 'aarch64-linux-gnu-gcc'],
};
if (process.arch === 'arm64') COMPILERS.arm64.push('musl-gcc', 'cc');

/** Compiles the shim for ARCH; returns undefined on success, else why not (one line). */
function compile(arch) {
  const target = join(OUT, `tf-shim-linux-${arch}`);
  if (newer(target, SOURCE)) return undefined;
  let why = 'no C compiler found';
  for (const compiler of COMPILERS[arch] ?? []) {
    if ((compiler === 'cc' || compiler === 'musl-gcc') && arch !== process.arch) continue;
    const temp = `${target}.${process.pid}`;
    try {
      execFileSync(compiler, [...FLAGS, temp, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
      renameSync(temp, target);
      return undefined;
    } catch (error) {
      rmSync(temp, { force: true });
      // A compiler that exists but failed says why; one that is missing (ENOENT) is just skipped.
      if (error.code !== 'ENOENT') why = `${compiler}: ${String(error.stderr ?? error.message).trim().split('\n')[0]}`;
    }
  }
  // A binary left from an older source could speak an older protocol: better none.
  rmSync(target, { force: true });
  return why;
}

function newer(file, than) {
  try {
    return statSync(file).mtimeMs >= statSync(than).mtimeMs;
  } catch {
    return false;
  }
}

if (process.platform === 'linux') {
  mkdirSync(OUT, { recursive: true });
  for (const arch of Object.keys(COMPILERS)) {
    const failure = compile(arch);
    if (failure && arch === process.arch) console.log(`build-native: no tf-shim for linux-${arch} (${failure}); tf will use its portable containment mode`);
  }
}
