import { spawn, type ChildProcess } from 'node:child_process';
import { MARKER_VARIABLE, ownStart } from '../platform/proc.js';
import { processTable } from '../platform/process-table.js';
import { PS_ENVIRONMENT_FLAG } from '../platform/ps-table.js';

// Node cannot ask the kernel for a parent-death signal, so a SIGKILLed tf could not clean up.
// This tiny shell process holds the read end of a pipe from tf: it learns each process group tf
// starts, and when the pipe closes without "done" (tf died), it SIGKILLs those groups and every
// process carrying tf's marker that is younger than tf. It ignores the terminal's signals and lives
// in its own session. Portable mode only: with the shim, each shim cleans up its own tree.
// The marked processes come from /proc, or from one `ps` (macOS) read the way ps-table.ts does:
// start times as YYYYMMDDhhmmss in UTC, so `since` compares the same way.
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
marker=$1 since=$2 table=$3 envflag=$4
marked_ps() {
  LC_ALL=C TZ=UTC ps -A -ww -o pid=,lstart=,command= $envflag 2>/dev/null | awk -v entry="${MARKER_VARIABLE}=$marker" -v since="$since" '
    BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " "); for (i = 1; i <= 12; i++) month[names[i]] = i }
    {
      found = 0; for (i = 7; i <= NF; i++) if ($i == entry) found = 1
      split($5, t, ":")
      start = ((((($6 * 100 + month[$3]) * 100 + $4) * 100 + t[1]) * 100 + t[2]) * 100 + t[3])
      if (found && start >= since + 0) print $1
    }'
}
marked_procfs() {
  for f in $(grep -lsxzF "${MARKER_VARIABLE}=$marker" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; p=\${p%/environ}
    # Only a process younger than tf (field 22 of stat, its start time) can be one tf started.
    read -r stat < /proc/$p/stat 2>/dev/null || continue
    set -- \${stat##*) }
    [ "\${20:-0}" -ge "$since" ] && echo "$p"
  done
}
sweep() {
  for g in $groups; do kill -9 -"$g" 2>/dev/null; done
  for p in $(marked_$table); do kill -9 "$p" 2>/dev/null; done
}
sweep; sweep
`;

export class Watchdog {
  private readonly child: ChildProcess;

  constructor(marker: string) {
    // Without tf's own start, every age is suspect: the marked sweep is skipped (groups are still killed).
    const since = String(ownStart() || Number.MAX_SAFE_INTEGER);
    this.child = spawn('/bin/sh', ['-c', SCRIPT, 'tf-watchdog', marker, since, processTable().kind, PS_ENVIRONMENT_FLAG], {
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
