import { constants, copyFileSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { shellEnvironment, withVariables } from '../config/env.js';
import { TfError } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { snapshotOwned } from './build.js';
import type { BuildIndex } from './build-index.js';
import type { EnvSnapshot } from './env-snapshot.js';
import { removeTree } from './fs-util.js';
import type { Interruption } from './interrupt.js';
import { runLogged } from './logged-run.js';
import type { ObjectStore } from './objects.js';
import { BUILD_LOG } from './releases.js';
import type { Staging } from './staging.js';
import type { Store } from './store.js';

export interface CommandBuild {
  store: Store;
  objects: ObjectStore;
  staging: Staging;
  root: string;
  files: string[];
  command: string;
  env: EnvSnapshot;
  shellEnv: NodeJS.ProcessEnv;
  interruption: Interruption;
}

/**
 * Runs tf.yml's `build:` command in a private copy of the source (real copies: a build writing
 * through a hard link would change every release sharing that object), then moves its output into
 * the object store. The build gets the shell's environment plus the release's snapshot.
 */
export async function buildWithCommand(build: CommandBuild): Promise<BuildIndex> {
  const work = join(build.staging.dir, '.work');
  copySource(build.root, build.files, work);
  const logPath = join(build.staging.dir, BUILD_LOG);
  process.stdout.write(`tf: ${build.staging.id}: building: ${build.command}\n`);
  const env = withVariables(shellEnvironment(build.shellEnv), build.env, 'env snapshot');
  const status = await runLogged({ name: 'build', command: build.command, cwd: work, env, logPath, interruption: build.interruption });
  build.interruption.throwIfInterrupted();
  if (status !== 0) {
    const kept = join(build.store.logs, `build-${build.staging.id}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    copyFileSync(logPath, kept);
    // tf's own status, 1, as for a failed release phase: the build's could be 2, which means bad usage.
    throw new TfError(`the build command failed (exit status ${status}): no release was created`, `its output is kept in ${displayPath(kept)}`);
  }
  const index = await snapshotOwned(build.objects, work, build.interruption);
  removeTree(work);
  return index;
}

function copySource(root: string, files: string[], work: string): void {
  mkdirSync(work, { mode: 0o700 });
  const made = new Set<string>(['.']);
  for (const path of files) {
    const source = join(root, path);
    const stat = lstatSync(source, { throwIfNoEntry: false });
    if (!stat || (!stat.isFile() && !stat.isSymbolicLink())) continue;
    const parent = dirname(path);
    if (!made.has(parent)) {
      mkdirSync(join(work, parent), { recursive: true });
      made.add(parent);
    }
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), join(work, path));
    else copyFileSync(source, join(work, path), constants.COPYFILE_FICLONE);
  }
}
