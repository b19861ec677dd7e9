import { spawn, type ChildProcess } from 'node:child_process';
import type { Contained, ContainedEvents, ContainRequest } from './contained.js';
import { allProcesses, descendants, flushIdentities, identifySoon, signalIdentities, type Identity } from './proc.js';

/**
 * Containment without the shim (macOS, an architecture without a shim binary, TF_CONTAINMENT=portable):
 * the program leads a new process group (unless foreground). Its group is signalled only while the
 * leader is unreaped: Node reaps it and runs the 'exit' callback in the same turn, so while
 * `exited` is false the PGID cannot belong to anyone else. After that, only processes identified
 * at that moment (PID and start time, from the process table: /proc, or ps where there is none)
 * are signalled, each re-checked first.
 */
export function containPortably(request: ContainRequest, events: ContainedEvents): Contained {
  const output = request.output === 'pipe' ? 'pipe' : request.output;
  const child = spawn(request.file, request.args, {
    cwd: request.cwd,
    env: request.env,
    detached: !request.foreground,
    stdio: [request.output === 'inherit' ? 'inherit' : 'ignore', output, output],
  });
  return new PortableProcess(child, request.foreground ?? false, events);
}

class PortableProcess implements Contained {
  private exited = false;
  private leader: Identity | undefined;
  /** What was left of the tree when the leader exited. */
  private leftovers: Identity[] = [];

  constructor(
    private readonly child: ChildProcess,
    private readonly foreground: boolean,
    events: ContainedEvents,
  ) {
    const pid = child.pid;
    if (pid !== undefined) identifySoon(pid, (stat) => (this.leader = stat && { pid: stat.pid, start: stat.start }));
    child.once('error', (error) => {
      this.exited = true;
      events.onError(error);
      events.onExit(errorStatus(error), null, []);
      events.onGone(errorStatus(error), null);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.leftovers = this.tree();
      events.onExit(code, signal, []);
      events.onGone(code, signal);
    });
    if (pid !== undefined) events.onSpawn(pid, child.stdout ?? undefined, child.stderr ?? undefined);
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exited && this.child.pid !== undefined) this.signalLeader(signal);
    else signalIdentities(this.leftovers, signal);
  }

  /** SIGKILLs the group and every descendant found by parent PID (one table read, not one `ps` per process as tree-kill). */
  kill(): void {
    const tree = this.exited ? this.leftovers : this.tree();
    if (!this.exited) this.signalLeader('SIGKILL');
    signalIdentities(tree, 'SIGKILL');
  }

  private signalLeader(signal: NodeJS.Signals): void {
    try {
      // A foreground program shares tf's group: only the program itself is tf's to signal.
      process.kill(this.foreground ? this.child.pid! : -this.child.pid!, signal);
    } catch {
      // already gone
    }
  }

  /** The leader's group members and descendants, each with its start time (empty if the table cannot be read). */
  private tree(): Identity[] {
    // Killed in the same run of code that started it: its identity is read now.
    flushIdentities();
    if (!this.leader) return [];
    const stats = allProcesses();
    const group = this.foreground ? [] : stats.filter((s) => s.pgid === this.leader!.pid && s.start >= this.leader!.start && s.pid !== this.leader!.pid);
    const roots = [this.leader, ...group.map((s) => ({ pid: s.pid, start: s.start }))];
    const found = new Map<number, Identity>(roots.slice(1).map((r) => [r.pid, r]));
    for (const identity of descendants(roots, stats)) found.set(identity.pid, identity);
    return [...found.values()];
  }
}

function errorStatus(error: Error): number {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 127 : code === 'EACCES' ? 126 : 1;
}
