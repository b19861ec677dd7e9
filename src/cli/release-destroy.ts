import { createInterface } from 'node:readline/promises';
import { destroyStore } from '../release/destroy.js';
import { TfError } from '../util/errors.js';
import type { StoreFlags } from './options.js';
import { openFor } from './release-common.js';

export interface DestroyFlags extends StoreFlags {
  yes?: boolean;
}

/** `tf release destroy [--yes]`: the whole store, after a y on a terminal or with --yes. */
export async function destroy(flags: DestroyFlags): Promise<number> {
  const store = openFor(flags);
  const count = store.listIds().length;
  const what = `${store.shown} (${count} release${count === 1 ? '' : 's'}, their builds and env snapshots)`;
  if (!flags.yes) {
    if (!process.stdin.isTTY) throw new TfError(`tf release destroy would remove ${what}`, 'confirm with --yes');
    if (!(await confirm(`tf: remove ${what}? [y/N] `))) {
      process.stderr.write('tf: nothing removed\n');
      return 1;
    }
  }
  await destroyStore(store);
  process.stdout.write(`tf: removed ${what}\n`);
  return 0;
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
