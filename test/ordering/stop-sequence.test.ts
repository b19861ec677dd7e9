import { describe, expect, it } from 'vitest';
import type { ProcessSpec } from '../../src/formation/formation.js';
import type { ProcessHandle } from '../../src/supervisor/process-handle.js';
import { Slot } from '../../src/supervisor/slot.js';
import { StopSequence } from '../../src/supervisor/stop-sequence.js';

// The order alone, no processes: a slot is "live" while its stand-in handle has not exited.
function slot(name: string, dependsOn: string[] = []): Slot {
  const type = name.split('.')[0]!;
  const s = new Slot({ name, type, dependsOn } as unknown as ProcessSpec);
  // Only `exited` is read by Slot.live; a real handle needs a real process.
  s.handle = { exited: false } as unknown as ProcessHandle;
  return s;
}
const exit = (s: Slot) => ((s.handle as unknown as { exited: boolean }).exited = true);

describe('StopSequence', () => {
  it('signals dependents first, each dependency once everything depending on it has exited', () => {
    const [db, redis, web, worker] = [slot('db.1'), slot('redis.1'), slot('web.1', ['db', 'redis']), slot('worker.1', ['db'])];
    const all = [db, redis, web, worker];
    const graph = all.map((s) => ({ type: s.spec.type, dependsOn: s.spec.dependsOn ?? [] }));
    const signalled: string[][] = [];
    const sequence = new StopSequence(all, graph, (slots) => signalled.push(slots.map((s) => s.spec.name)));
    expect(sequence.describe()).toBe('web, worker; then db, redis');
    sequence.advance(all);
    expect(signalled).toEqual([['web.1', 'worker.1']]);
    exit(web);
    sequence.advance(all);
    expect(signalled).toEqual([['web.1', 'worker.1'], ['redis.1']]);
    exit(worker);
    sequence.advance(all);
    expect(signalled).toEqual([['web.1', 'worker.1'], ['redis.1'], ['db.1']]);
  });

  it('signals everything at once without depends_on, and nothing more after clear()', () => {
    const all = [slot('web.1'), slot('worker.1')];
    const signalled: string[][] = [];
    const sequence = new StopSequence(all, all.map((s) => ({ type: s.spec.type, dependsOn: [] })), (slots) => signalled.push(slots.map((s) => s.spec.name)));
    expect(sequence.describe()).toBeUndefined();
    sequence.advance(all);
    expect(signalled).toEqual([['web.1', 'worker.1']]);
    const [db, app] = [slot('db.1'), slot('app.1', ['db'])];
    const ordered = new StopSequence([db, app], [{ type: 'db', dependsOn: [] }, { type: 'app', dependsOn: ['db'] }], (slots) => signalled.push(slots.map((s) => s.spec.name)));
    ordered.advance([db, app]);
    ordered.clear();
    exit(app);
    ordered.advance([db, app]);
    expect(signalled).toEqual([['web.1', 'worker.1'], ['app.1']]);
  });
});
