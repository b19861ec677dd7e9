import { planRun, type FormationRequest } from '../formation/plan.js';
import type { InUseMark } from '../release/in-use.js';
import { releaseApp } from '../release/load.js';
import { openStore, storeDir, type StoreLocation } from '../release/store.js';
import { watchCurrent } from '../release/watch-current.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { TfError } from '../util/errors.js';

export interface FollowSetup {
  location: StoreLocation;
  /** The release it started on. */
  release: string;
  request: FormationRequest;
  supervisor: Supervisor;
  mark: InUseMark;
  say(text: string): void;
}

/**
 * `tf start --release` without an ID: each time `current` moves (tf release create, tf config
 * set, tf release rollback), the running formation rolls onto the new release. Moves that come
 * while a roll runs are taken one after the other, ending on the latest.
 */
export function followCurrent(setup: FollowSetup): { close(): void } {
  const store = openStore(storeDir(setup.location));
  let queue: Promise<void> = Promise.resolve();
  let wanted = setup.release;
  const watcher = watchCurrent(store, setup.release, (id) => {
    wanted = id;
    queue = queue
      .then(() => (wanted === id ? rollTo(id) : undefined))
      .catch((error: unknown) => setup.say(`could not roll onto ${id}, the processes stay as they are: ${error instanceof Error ? error.message : String(error)}`));
  });
  const rollTo = async (id: string): Promise<void> => {
    let target;
    try {
      const app = releaseApp(store, id, process.env);
      target = { release: id, ...planRun(app, setup.request) };
    } catch (error) {
      if (!(error instanceof TfError)) throw error;
      setup.say(`${id} is current but cannot run, the processes stay as they are: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
      return;
    }
    const running = (): string[] => [...new Set(setup.supervisor.processes().flatMap((p) => (p.release ? [p.release] : [])))];
    // Both are in use while the roll runs: prune must not take either away.
    setup.mark.set([...new Set([...running(), id])]);
    try {
      await setup.supervisor.roll(target);
    } finally {
      setup.mark.set(running());
    }
  };
  // A roll under way when tf stops sees the supervisor stopping and changes nothing more.
  return { close: () => watcher.close() };
}
