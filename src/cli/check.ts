import { loadApp } from '../config/app.js';
import { formatDuration } from '../config/duration.js';
import { RELEASE_TYPE } from '../config/procfile.js';
import { planFormation } from '../formation/plan.js';
import { describeContainment } from '../platform/containment.js';
import type { ProcessSpec } from '../formation/formation.js';
import { displayPath } from '../util/fs.js';
import { appOptions, formationRequest } from './app-flags.js';
import type { AppFlags, FormationFlags } from './options.js';
import { alignColumns } from './table.js';

export type CheckFlags = AppFlags & FormationFlags;

/** Validates Procfile, env files and tf.yml and prints the formation; any problem throws (exit 1). */
export async function check(items: string[], flags: CheckFlags): Promise<number> {
  const app = await loadApp(appOptions(flags));
  const specs = planFormation(app, formationRequest(items, flags));
  const out: string[] = [];
  out.push(`Procfile  ${displayPath(app.procfile.path)} (${app.procfile.types.length} entries)`);
  for (const file of app.envFiles) out.push(`env file  ${displayPath(file.path)} (${file.entries.length} variables)`);
  if (app.settings.path) out.push(`settings  ${displayPath(app.settings.path)}`);
  out.push(`root      ${app.root}`);
  out.push(`contain   ${describeContainment()}`);
  out.push('', specs.length ? 'formation:' : 'formation: nothing to start (every type is scaled to 0)');
  out.push(...formationTable(specs));
  const release = app.procfile.types.find((t) => t.name === RELEASE_TYPE);
  if (release) out.push('', `release phase: "${release.command}" is never started by tf start; run it with tf run release`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

function formationTable(specs: ProcessSpec[]): string[] {
  const rows = specs.map((s) => [s.name, `port ${s.port}`, `${s.stopSignal} then ${formatDuration(s.drainMs)}`, `on exit: ${s.restart.kind}`, s.command]);
  return alignColumns(rows, '  ');
}
