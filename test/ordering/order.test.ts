import { describe, expect, it } from 'vitest';
import { dependentsOf, describeWaves, startWaves, stopWaves, type TypeDeps } from '../../src/supervisor/order.js';

const graph = (spec: Record<string, string[]>): TypeDeps[] => Object.entries(spec).map(([type, dependsOn]) => ({ type, dependsOn }));

describe('start and stop order from depends_on', () => {
  it.each([
    ['no depends_on: one wave each way', { web: [], worker: [] }, 'web, worker', 'web, worker'],
    ['the common stack', { web: ['postgres', 'redis'], worker: ['postgres'], postgres: [], redis: [] }, 'postgres, redis; then web, worker', 'web, worker; then postgres, redis'],
    ['a chain', { a: ['b'], b: ['c'], c: [] }, 'c; then b; then a', 'a; then b; then c'],
    ['a type the formation does not run is skipped', { web: ['db'] }, 'web', 'web'],
    ['an independent type goes first both ways', { web: ['db'], db: [], clock: [] }, 'db, clock; then web', 'web, clock; then db'],
  ])('%s', (_, spec, start, stop) => {
    expect(describeWaves(startWaves(graph(spec)))).toBe(start);
    expect(describeWaves(stopWaves(graph(spec)))).toBe(stop);
  });

  it('finds dependents through others', () => {
    const types = graph({ a: ['b'], b: ['c'], c: [], d: [] });
    expect([...dependentsOf(types, 'c')].sort()).toEqual(['a', 'b']);
    expect([...dependentsOf(types, 'd')]).toEqual([]);
  });
});
