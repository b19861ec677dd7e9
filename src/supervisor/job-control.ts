import { stoppedProcesses } from '../platform/proc.js';

/**
 * Ctrl-Z for a whole formation. Each process runs in its own process group, so the terminal's
 * SIGTSTP reaches tf alone: tf passes SIGTSTP to every group, then SIGSTOPs the groups whose
 * leader did not stop (it ignores or outlasts SIGTSTP), then stops itself. `fg`/`bg` send tf
 * SIGCONT, which it passes on to every group.
 */
export interface JobControlTarget {
  /**
   * The processes tf started and that still run; signal() goes through their containment (the shim,
   * or a group whose leader is unreaped), so a stopped or continued PID is always one of tf's.
   */
  processes(): Array<{ pid: number | undefined; signal(signal: NodeJS.Signals): void }>;
  say(text: string): void;
}

/** How long a process may take to act on SIGTSTP (a handler that tidies up, then stops itself). */
const TSTP_GRACE_MS = 200;

export function listenForJobControl(target: JobControlTarget): () => void {
  let stopping = false;
  const onTstp = (): void => {
    if (stopping) return;
    stopping = true;
    const processes = target.processes();
    for (const p of processes) p.signal('SIGTSTP');
    target.say(`Ctrl-Z: suspending ${processes.length} process${processes.length === 1 ? '' : 'es'} and tf (fg or bg continues them)`);
    setTimeout(() => {
      const stopped = stoppedProcesses(processes.flatMap((p) => (p.pid === undefined ? [] : [p.pid])));
      for (const p of processes) if (p.pid === undefined || !stopped.has(p.pid)) p.signal('SIGSTOP');
      stopping = false;
      process.kill(process.pid, 'SIGSTOP');
    }, TSTP_GRACE_MS);
  };
  const onCont = (): void => {
    const processes = target.processes();
    for (const p of processes) p.signal('SIGCONT');
    target.say(`continued: resumed ${processes.length} process${processes.length === 1 ? '' : 'es'}`);
  };
  process.on('SIGTSTP', onTstp);
  process.on('SIGCONT', onCont);
  return () => {
    process.off('SIGTSTP', onTstp);
    process.off('SIGCONT', onCont);
  };
}
