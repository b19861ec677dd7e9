import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { App } from '../config/app.js';
import { diskFull } from '../util/errors.js';
import { buildWithCommand } from './build-command.js';
import { materializeBuild, snapshotSource } from './build.js';
import { snapshotEnv } from './env-snapshot.js';
import { discardWork } from './discard.js';
import { finishRelease } from './finish.js';
import { flushFileSystem, removeTree } from './fs-util.js';
import { Interruption } from './interrupt.js';
import type { Manifest } from './manifest.js';
import { ObjectStore } from './objects.js';
import { listSource } from './source.js';
import { removeOwnWork, reserveStaging } from './staging.js';
import { StatCache } from './stat-cache.js';
import type { Store } from './store.js';

export interface CreateRequest {
  app: App;
  store: Store;
  description?: string;
  /** --env KEY=VAL, in order. */
  env: string[];
  shellEnv: NodeJS.ProcessEnv;
}

export interface Created {
  manifest: Manifest;
  /** The build already existed (nothing changed since a previous create). */
  reused: boolean;
}

/**
 * `tf release create`: reserve an ID, snapshot the source (or run the build command in a copy),
 * link the build, snapshot the env, run the release phase, rename into place, move `current`.
 * Any failure or signal before the rename removes the staging dir: no half-release is ever listed.
 */
export async function createRelease(request: CreateRequest): Promise<Created> {
  const { app, store } = request;
  const interruption = new Interruption();
  const staging = await reserveStaging(store);
  const objects = new ObjectStore(store.objects, store.tmp);
  let build: string | undefined;
  let failed = true;
  try {
    const env = snapshotEnv(app, request.env);
    const listing = await listSource(app.root, store.dir, app.envFiles.map((f) => f.path));
    const command = app.settings.build ?? null;
    let index;
    if (command) {
      index = await buildWithCommand({ store, objects, staging, root: app.root, files: listing.files, command, env, shellEnv: request.shellEnv, interruption });
    } else {
      const cache = StatCache.load(store, app.root);
      index = await snapshotSource(objects, app.root, listing.files, cache, interruption);
      cache.save();
    }
    interruption.throwIfInterrupted();
    const { reused } = materializeBuild(store, objects, index, command ? undefined : app.root);
    if (!reused) build = index.digest;
    // A reused build's objects were flushed by the create that made it.
    if (!reused) flushFileSystem(store.objects);
    const manifest = await finishRelease(
      store,
      staging,
      {
        kind: 'build',
        description: request.description ?? '',
        from: null,
        source: listing.git ?? null,
        build: { command, digest: index.digest, files: index.entries.length },
        env,
        procfile: releaseProcfile(app, store.build(index.digest)),
      },
      interruption,
      request.shellEnv,
    );
    failed = false;
    return { manifest, reused };
  } catch (error) {
    // Everything staged has been removed by the time this reaches the user.
    throw diskFull(error, ': no release was created') ?? error;
  } finally {
    // The staging dir and half-made files first: on a full disk they free the room the lock needs.
    removeTree(staging.dir);
    removeOwnWork(store);
    if (failed) await discardWork(store, { objects: objects.added, ...(build === undefined ? {} : { build }) });
    interruption.dispose();
  }
}

/** The build's own Procfile when the one tf read is part of the source; else the one tf read. */
function releaseProcfile(app: App, buildDir: string): string {
  const inBuild = join(buildDir, relative(app.root, app.procfile.path));
  const path = !relative(app.root, app.procfile.path).startsWith('..') && existsSync(inBuild) ? inBuild : app.procfile.path;
  return readFileSync(path, 'utf8');
}

