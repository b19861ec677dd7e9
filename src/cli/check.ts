import { formatDuration } from '../config/duration.js';
import { RELEASE_TYPE } from '../config/procfile.js';
import { planFormation } from '../formation/plan.js';
import { describeContainment } from '../platform/containment.js';
import type { ProcessSpec } from '../formation/formation.js';
import { displayPath } from '../util/fs.js';
import { formationRequest, loadAppToCheck } from './app-flags.js';
import type { AppFlags, FormationFlags, ReleaseFlags } from './options.js';
import { alignColumns } from './table.js';
import { describeWaves, startWaves, stopWaves } from '../supervisor/order.js';
import { counted } from '../util/plural.js';
import type { Environment } from '../config/env.js';

export type CheckFlags = AppFlags & FormationFlags & ReleaseFlags;

/**
 * Validates Procfile, env files and tf.yml and prints the formation; any problem throws (exit 1).
 * With --release, a release's Procfile, tf.yml and env snapshot, as tf start --release loads them.
 */
export async function check(items: string[], flags: CheckFlags): Promise<number> {
  const app = await loadAppToCheck(flags);
  const specs = planFormation(app, formationRequest(items, flags));
  const out: string[] = [];
  out.push(`Procfile  ${displayPath(app.procfile.path)} (${counted(app.procfile.types.length, 'entry', 'entries')})`);
  if (app.release) out.push(`release   ${app.release} (env snapshot: ${counted(snapshotSize(app.environment, app.release), 'variable')})`);
  for (const file of app.envFiles) out.push(`env file  ${displayPath(file.path)} (${counted(file.entries.length, 'variable')})`);
  if (app.settings.path) out.push(`settings  ${displayPath(app.settings.path)}`);
  out.push(`root      ${app.root}`);
  out.push(`contain   ${describeContainment()}`);
  out.push('', specs.length ? 'formation:' : 'formation: nothing to start (every type is scaled to 0)');
  out.push(...formationTable(specs));
  if (specs.length) out.push('', ...orderLines(specs));
  const release = app.procfile.types.find((t) => t.name === RELEASE_TYPE);
  if (release) out.push('', `release phase: "${release.command}" is never started by tf start; run it with tf run release`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** Variables that come from the release's env snapshot (the others are the shell's or tf's). */
function snapshotSize(environment: Environment, release: string): number {
  return [...environment.values()].filter((value) => value.source.startsWith(`${release}/`)).length;
}

/** Start and stop order, from depends_on: what tf start does and what Ctrl-C does. */
function orderLines(specs: ProcessSpec[]): string[] {
  const graph = [...new Map(specs.map((s) => [s.type, { type: s.type, dependsOn: s.dependsOn ?? [] }])).values()];
  const start = startWaves(graph);
  if (start.length === 1) return ['order:      all start together and stop together (no depends_on)'];
  return [`start order: ${describeWaves(start)}`, `stop order:  ${describeWaves(stopWaves(graph))}`];
}

function formationTable(specs: ProcessSpec[]): string[] {
  const rows = specs.map((s) => [s.name, `port ${s.port}`, `${s.stopSignal} then ${formatDuration(s.drainMs)}`, `on exit: ${s.restart.kind}`, s.command]);
  return alignColumns(rows, '  ');
}
