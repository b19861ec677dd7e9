import { spawn, type ChildProcess } from 'node:child_process';
import { MARKER_VARIABLE } from '../platform/proc.js';

// Node cannot ask the kernel for a parent-death signal, so a SIGKILLed tf could not clean up.
// This tiny shell process holds the read end of a pipe from tf: it learns each process group tf
// starts, and when the pipe closes without "done" (tf died), it SIGKILLs those groups and every
// process carrying tf's marker. It ignores the terminal's signals and lives in its own session.
const SCRIPT = `
trap '' INT HUP TERM QUIT PIPE
groups=
while IFS= read -r line; do
  case $line in
    +*) groups="$groups \${line#+}" ;;
    -*) g=\${line#-}; kept=; for x in $groups; do [ "$x" = "$g" ] || kept="$kept $x"; done; groups=$kept ;;
    done) exit 0 ;;
  esac
done
sweep() {
  for g in $groups; do kill -9 -"$g" 2>/dev/null; done
  for f in $(grep -lsxzF "${MARKER_VARIABLE}=$1" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; kill -9 "\${p%/environ}" 2>/dev/null
  done
}
sweep "$1"; sweep "$1"
`;

export class Watchdog {
  private readonly child: ChildProcess;

  constructor(marker: string) {
    this.child = spawn('/bin/sh', ['-c', SCRIPT, 'tf-watchdog', marker], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // Without tf's environment, so the watchdog never matches the marker it hunts for.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    this.child.unref();
    this.child.stdin?.on('error', () => {});
    (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  watch(pgid: number): void {
    this.child.stdin?.write(`+${pgid}\n`);
  }

  /**
   * A group tf has already killed: forget it, so a long session with many restarts neither grows
   * the list nor, after tf dies, kills an unrelated group that reused the number.
   */
  forget(pgid: number): void {
    this.child.stdin?.write(`-${pgid}\n`);
  }

  /** tf ended normally and cleaned up itself: the watchdog leaves without killing anything. */
  release(): void {
    this.child.stdin?.end('done\n');
  }
}
