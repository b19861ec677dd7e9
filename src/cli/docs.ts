import { join } from 'node:path';
import { appRoot } from '../config/app-root.js';
import { readProcfile, runnableTypes } from '../config/procfile.js';
import { openStore, locateStore, storeDir } from '../release/store.js';
import { writeStdout } from '../output/write-error.js';
import type { Command } from './commander.js';
import { completionScript, type Shell } from './completion.js';
import { helpModel } from './help-model.js';
import { manPage } from './man.js';

export async function completion(tf: Command, shell: Shell): Promise<number> {
  return writeStdout(completionScript(shell, helpModel(tf)));
}

export async function man(tf: Command): Promise<number> {
  return writeStdout(manPage(helpModel(tf), tf.version() ?? ''));
}

/**
 * The words a completion script offers for an argument, found from the folder being typed in.
 * Silent on any problem (no Procfile, no store): a completion must never print an error mid-line.
 */
export async function words(kind: string): Promise<number> {
  let list: string[] = [];
  try {
    if (kind === 'types') list = runnableTypes(readProcfile(join(appRoot({}), 'Procfile'))).map((t) => t.name);
    if (kind === 'releases') list = ['current', ...openStore(storeDir(locateStore({}))).listIds()];
  } catch {
    list = [];
  }
  return writeStdout(list.map((word) => `${word}\n`).join(''));
}
