/** A change this soon after a type started may be its own write. */
export const OWN_WRITE_MS = 1000;
/** This many such restarts in a row, and it is a loop. */
export const LOOP_RESTARTS = 3;

/**
 * Spots a type that restarts itself: every change that restarted it came while tf was restarting
 * it or within a second of its start (a process removing its pid file as it stops and writing it
 * again as it starts, its database dump, its log), restart after restart.
 * After the third in a row, changes no longer restart it, and tf says which file and how to
 * ignore it. tf cannot see who wrote a file; the timing, repeated, is the evidence.
 */
export class FeedbackLoops {
  private readonly streak = new Map<string, number>();
  private readonly muted = new Set<string>();
  /** When tf last began restarting each type for a change. */
  private readonly restartedAt = new Map<string, number>();
  /** Per type, for the batch being collected: a file that came in its window, or null once one did not. */
  private batch = new Map<string, string | null>();

  constructor(private readonly startedAt: (type: string) => number | undefined) {}

  /** A change routed to TYPE at TIME. */
  note(type: string, file: string, time: number): void {
    const start = this.startedAt(type);
    const since = this.restartedAt.get(type) ?? start;
    const own = start !== undefined && since !== undefined && time >= Math.min(since, start) && time - start <= OWN_WRITE_MS;
    if (!own) this.batch.set(type, null);
    else if (!this.batch.has(type)) this.batch.set(type, file);
  }

  /** tf begins restarting TYPES now: what they write while stopping is theirs too. */
  restarting(types: string[], now: number): void {
    for (const type of types) this.restartedAt.set(type, now);
  }

  /** The types of TYPES that changes may still restart. */
  allowed(types: string[]): string[] {
    return types.filter((type) => !this.muted.has(type));
  }

  /** The batch restarted TYPES: counts the streaks; says which types are now left alone, and why. */
  restarted(types: string[]): string[] {
    const notices: string[] = [];
    for (const type of types) {
      const file = this.batch.get(type);
      const streak = file ? (this.streak.get(type) ?? 0) + 1 : 0;
      this.streak.set(type, streak);
      if (file && streak >= LOOP_RESTARTS) {
        this.muted.add(type);
        notices.push(
          `${type} changed ${file} within ${OWN_WRITE_MS / 1000}s of starting, ${streak} restarts in a row: a feedback loop, so changes no longer restart ${type} ` +
            `(add ${file} to .gitignore, or give ${type} its own watch: globs in tf.yml, or watch: false)`,
        );
      }
    }
    this.batch = new Map();
    return notices;
  }

  /** A new config: every type gets a fresh start. */
  reset(): void {
    this.streak.clear();
    this.muted.clear();
    this.restartedAt.clear();
    this.batch = new Map();
  }
}
