import { spawn, type ChildProcess } from 'node:child_process';
import { MARKER_VARIABLE, procStat } from '../platform/proc.js';

// Node cannot ask the kernel for a parent-death signal, so a SIGKILLed tf could not clean up.
// This tiny shell process holds the read end of a pipe from tf: it learns each process group tf
// starts, and when the pipe closes without "done" (tf died), it SIGKILLs those groups and every
// process carrying tf's marker that is younger than tf. It ignores the terminal's signals and lives
// in its own session. Portable mode only: with the shim, each shim cleans up its own tree.
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
marker=$1 since=$2
sweep() {
  for g in $groups; do kill -9 -"$g" 2>/dev/null; done
  for f in $(grep -lsxzF "${MARKER_VARIABLE}=$marker" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; p=\${p%/environ}
    # Only a process younger than tf (field 22 of stat, its start time) can be one tf started.
    read -r stat < /proc/$p/stat 2>/dev/null || continue
    set -- \${stat##*) }
    [ "\${20:-0}" -ge "$since" ] && kill -9 "$p" 2>/dev/null
  done
}
sweep; sweep
`;

export class Watchdog {
  private readonly child: ChildProcess;

  constructor(marker: string) {
    const since = String(procStat(process.pid)?.start ?? 0);
    this.child = spawn('/bin/sh', ['-c', SCRIPT, 'tf-watchdog', marker, since], {
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
