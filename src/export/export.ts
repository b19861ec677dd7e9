import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { App } from '../config/app.js';
import type { ProcessSpec } from '../formation/formation.js';
import { exportInput } from './input.js';
import { defaultAppName } from './names.js';
import { exporterFor } from './targets.js';
import { previousFiles, writeExport } from './writer.js';
import { GITIGNORE, gitignoreFile, gitWorkTree, unignoredNote } from './git-ignore.js';
import { FILE_MODE, SECRET_MODE } from './types.js';

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
  const secrets = result.files.filter((file) => file.mode === SECRET_MODE).map((file) => file.path);
  const tree = secrets.length > 0 ? gitWorkTree(outdir) : undefined;
  // tf's own folder: one this export creates, or one where an earlier export of the app wrote the .gitignore.
  const ownFolder = tree !== undefined && (!existsSync(outdir) || previousFiles(outdir, name).includes(GITIGNORE));
  const files = ownFolder ? [...result.files, gitignoreFile(secrets, FILE_MODE)] : result.files;
  const { written, removed } = writeExport(outdir, name, files);
  const gitNotes = tree !== undefined && !ownFolder ? unignoredNote(request.format, tree, outdir, secrets) : [];
  return { app: name, outdir, written, removed, notes: [...result.notes, ...gitNotes] };
}
