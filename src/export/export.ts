import { basename, resolve } from 'node:path';
import type { App } from '../config/app.js';
import type { ProcessSpec } from '../formation/formation.js';
import { exportInput } from './input.js';
import { defaultAppName } from './names.js';
import { exporterFor } from './targets.js';
import { writeExport } from './writer.js';

export interface ExportRequest {
  format: string;
  outdir: string;
  /** --app; default: the app root's folder name, made valid for every target. */
  app?: string;
  user?: string;
  image?: string;
}

export interface ExportReport {
  app: string;
  outdir: string;
  written: string[];
  removed: string[];
  notes: string[];
}

/** Formation -> the target's files -> OUTDIR. */
export async function exportFormation(app: App, specs: ProcessSpec[], request: ExportRequest): Promise<ExportReport> {
  const exporter = await exporterFor(request.format);
  const name = request.app ?? defaultAppName(basename(app.root));
  const outdir = resolve(request.outdir);
  const result = exporter(exportInput(app, specs, { app: name, outdir, user: request.user, image: request.image }));
  const { written, removed } = writeExport(outdir, name, result.files);
  return { app: name, outdir, written, removed, notes: result.notes };
}
