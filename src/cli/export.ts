import { loadApp } from '../config/app.js';
import { exportFormation } from '../export/export.js';
import { planFormation } from '../formation/plan.js';
import { displayPath } from '../util/fs.js';
import { appOptions, type AppFlags } from './options.js';

export interface ExportFlags extends AppFlags {
  port?: string;
  timeout?: string;
  formation?: string[];
  restart?: string[];
  app?: string;
  user?: string;
  image?: string;
}

/** Writes the formation for an engine into OUTDIR and lists what it wrote. */
export async function exportCommand(format: string, outdir: string, items: string[], flags: ExportFlags): Promise<number> {
  const app = await loadApp(appOptions(flags));
  const specs = planFormation(app, { items: [...items, ...(flags.formation ?? [])], port: flags.port, timeout: flags.timeout, restart: flags.restart });
  const report = await exportFormation(app, specs, { format, outdir, app: flags.app, user: flags.user, image: flags.image });
  const shown = displayPath(report.outdir);
  const out = [`exported ${report.app} for ${format} into ${shown}:`, ...report.written.map((path) => `  wrote   ${path}`), ...report.removed.map((path) => `  removed ${path}`)];
  out.push(...report.notes.map((note) => `note: ${note}`));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
