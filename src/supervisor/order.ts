/** A process type and the types it waits for (tf.yml depends_on). */
export interface TypeDeps {
  type: string;
  dependsOn: readonly string[];
}

/**
 * Start order in waves: each type after every type it depends on. Types in one wave start together.
 * tf.yml refuses cycles; should one slip through, its types come last rather than never.
 */
export function startWaves(types: readonly TypeDeps[]): string[][] {
  return waves(types, (t) => t.dependsOn);
}

/**
 * Stop order in waves, the reverse of starting: a type stops once every type that depends on it
 * has stopped, so nothing loses its database while it drains. Without depends_on: one wave.
 */
export function stopWaves(types: readonly TypeDeps[]): string[][] {
  const dependents = directDependents(types);
  return waves(types, (t) => dependents.get(t.type) ?? []);
}

/** Every type that depends on TYPE, directly or through others. */
export function dependentsOf(types: readonly TypeDeps[], type: string): Set<string> {
  const direct = directDependents(types);
  const out = new Set<string>();
  const visit = (name: string): void => {
    for (const next of direct.get(name) ?? []) if (!out.has(next)) out.add(next), visit(next);
  };
  visit(type);
  return out;
}

/** "web, worker; then postgres, redis" */
export function describeWaves(waves: readonly string[][]): string {
  return waves.map((wave) => wave.join(', ')).join('; then ');
}

function directDependents(types: readonly TypeDeps[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { type, dependsOn } of types) for (const dep of dependsOn) out.set(dep, [...(out.get(dep) ?? []), type]);
  return out;
}

/** Layers types so each comes after everything `before` names (that is in the list), keeping list order within a layer. */
function waves(types: readonly TypeDeps[], before: (t: TypeDeps) => readonly string[]): string[][] {
  const known = new Set(types.map((t) => t.type));
  const placed = new Set<string>();
  const out: string[][] = [];
  let left = [...types];
  while (left.length > 0) {
    let wave = left.filter((t) => before(t).every((name) => placed.has(name) || !known.has(name)));
    if (wave.length === 0) wave = left;
    for (const t of wave) placed.add(t.type);
    out.push(wave.map((t) => t.type));
    left = left.filter((t) => !placed.has(t.type));
  }
  return out;
}
