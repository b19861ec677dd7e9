import { basename } from 'node:path';
import { appRoot } from '../config/app-root.js';
import { exportFormation } from '../export/export.js';
import { defaultAppName } from '../export/names.js';
import { planFormation } from '../formation/plan.js';
import { displayPath } from '../util/fs.js';
import { formationRequest, loadAppFor } from './app-flags.js';
import type { FormationFlags, ReleaseFlags } from './options.js';

export interface ExportFlags extends ReleaseFlags, FormationFlags {
  app?: string;
  user?: string;
  image?: string;
}

/** Writes the formation for an engine into OUTDIR and lists what it wrote. */
export async function exportCommand(format: string, outdir: string, items: string[], flags: ExportFlags): Promise<number> {
  const app = await loadAppFor(flags);
  const specs = planFormation(app, formationRequest(items, flags));
  // Named after the working tree, also for a release (whose app.root is its build folder).
  const name = flags.app ?? defaultAppName(basename(appRoot(flags)));
  const report = await exportFormation(app, specs, { format, outdir, app: name, user: flags.user, image: flags.image });
  const shown = displayPath(report.outdir);
  const out = [`exported ${report.app} for ${format} into ${shown}:`, ...report.written.map((path) => `  wrote   ${path}`), ...report.removed.map((path) => `  removed ${path}`)];
  out.push(...report.notes.map((note) => `note: ${note}`));
  const release = app.environment.get('TF_RELEASE')?.value;
  if (flags.release !== undefined && release) out.push(`note: the export runs release ${release} from ${app.root}; tf release prune does not know an engine runs it, so keep ${release} until you export a newer release`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
