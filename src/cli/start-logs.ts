import { resolve } from 'node:path';
import { appRoot } from '../config/app-root.js';
import { SETTINGS_FILE, type App } from '../config/app.js';
import { DEFAULT_LOG_KEEP, DEFAULT_LOG_MAX_BYTES, LogFiles, lossSummary } from '../output/log-files.js';
import type { Multiplexer } from '../output/multiplexer.js';
import { location } from '../util/errors.js';
import { displayPath } from '../util/fs.js';

/**
 * --log-dir DIR (relative to where tf runs) or tf.yml's log_dir (relative to the app root, the
 * working one also for a release): opened before anything starts, so a bad folder is a one-line
 * error with nothing running; undefined when neither is set.
 */
export function openLogFiles(flag: string | undefined, app: App, flags: { root?: string; procfile?: string }): LogFiles | undefined {
  const { settings } = app;
  if (flag === undefined && settings.logDir === undefined) return undefined;
  const dir = flag !== undefined ? resolve(flag) : resolve(appRoot(flags), settings.logDir!);
  const from = flag !== undefined ? '--log-dir' : `${location(displayPath(settings.path ?? SETTINGS_FILE), settings.lines.get('log_dir'))}: log_dir`;
  return LogFiles.open({ dir, from, maxBytes: settings.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES, keep: settings.logKeep ?? DEFAULT_LOG_KEEP }, (message) => process.stderr.write(`tf: ${message}\n`));
}

/** Everything tf prints goes to the files too, as it is printed; a disk behind slows the processes as a slow terminal does. */
export function writeLogFiles(files: LogFiles | undefined, output: Multiplexer): void {
  if (!files) return;
  output.onRecord((record) => files.write(record));
  files.paceWith((held) => output.hold(held));
}

/** Writes what is left; lines that could not be written are counted on stderr (they were announced at the first). */
export async function closeLogFiles(files: LogFiles | undefined): Promise<void> {
  const loss = await files?.close();
  if (loss && files) process.stderr.write(`tf: ${lossSummary(loss, files.dir)}\n`);
}
