import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appRoot } from '../config/app-root.js';
import { TfError, errnoCode } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { DIR_MODE, writeFileAtomic } from './fs-util.js';
import { seqOf } from './ids.js';

/** The on-disk layout this tf writes. A store with a higher number was made by a newer tf. */
export const STORE_FORMAT = 1;
const FORMAT_FILE = '.tf-store.json';
const GITIGNORE = '.gitignore';

export interface StoreLocation {
  /** -d/--root, or the Procfile's folder, or the working directory. */
  root: string;
  /** --releases-dir, else TF_RELEASES_DIR, else ROOT/releases. */
  releasesDir?: string;
}

/**
 * The front door to a release store: where everything lives. Layout:
 *   .tf-store.json  {"format": 1}
 *   .gitignore      `*`: written when the store is made, so git never stages an env snapshot
 *   .objects/       content-addressed files: <sha256> and <sha256>-x (executable), read-only
 *   .builds/        <digest>/ (an app's files as hard links to objects) and <digest>.index.json
 *   .tmp/           PID-... entries being written or removed, swept when their tf is dead
 *   .lock           held for milliseconds while a sequence number is reserved or `current` moves
 *   .change.lock    held by config set/unset and rollback from reading `current` to moving it
 *   .staging-vN-PID releases being assembled; renamed to vN when complete
 *   .in-use/PID     the release a running `tf start --release` uses
 *   .logs/          output of failed builds
 *   vN/             release.yml, env.json, Procfile, app -> ../.builds/<digest>, *.log
 *   current         symlink to vN, swapped atomically
 */
export class Store {
  readonly objects: string;
  readonly builds: string;
  readonly lockFile: string;
  readonly changeLock: string;
  readonly inUse: string;
  readonly logs: string;
  readonly current: string;
  /** Work in progress (objects being written, builds being linked, trash): `<pid>-...` names. */
  readonly tmp: string;

  constructor(readonly dir: string) {
    this.tmp = join(dir, '.tmp');
    this.objects = join(dir, '.objects');
    this.builds = join(dir, '.builds');
    this.lockFile = join(dir, '.lock');
    this.changeLock = join(dir, '.change.lock');
    this.inUse = join(dir, '.in-use');
    this.logs = join(dir, '.logs');
    this.current = join(dir, 'current');
  }

  /** Only ever called with an ID that passed parseReleaseId or came from listIds. */
  release(id: string): string {
    return join(this.dir, id);
  }

  build(digest: string): string {
    return join(this.builds, digest);
  }

  /** Release IDs present, oldest first. Staging dirs and anything else are not releases. */
  listIds(): string[] {
    return readdirSync(this.dir)
      .map((name) => ({ name, seq: seqOf(name) }))
      .filter((e): e is { name: string; seq: number } => e.seq !== undefined)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.name);
  }

  get shown(): string {
    return displayPath(this.dir);
  }
}

/** The store of the app that -d/-f find (see appRoot), or the one --releases-dir names. */
export function locateStore(flags: { root?: string; procfile?: string; releasesDir?: string }): StoreLocation {
  return { root: appRoot(flags), ...(flags.releasesDir ? { releasesDir: flags.releasesDir } : {}) };
}

export function storeDir(location: StoreLocation, env: NodeJS.ProcessEnv = process.env): string {
  const named = location.releasesDir ?? (env.TF_RELEASES_DIR?.trim() || undefined);
  return named ? resolve(named) : join(resolve(location.root), 'releases');
}

/** Opens a store that must already exist (every command but create). */
export function openStore(dir: string): Store {
  const store = new Store(dir);
  if (!existsSync(join(dir, FORMAT_FILE))) {
    throw new TfError(`no releases in ${store.shown} yet`, 'make the first with tf release create');
  }
  checkFormat(store);
  refuseLinks(store);
  // Made by every create; a store copied without its empty folders still works.
  if (!existsSync(store.tmp)) mkdirSync(store.tmp, { mode: DIR_MODE });
  return store;
}

/** Opens a store, creating it (owner-only) if it is missing. */
export function createStore(dir: string): Store {
  const store = new Store(dir);
  // A newer tf's store is refused before anything is added to it.
  if (existsSync(join(dir, FORMAT_FILE))) checkFormat(store);
  refuseLinks(store);
  for (const sub of [dir, ...privateFolders(store)]) {
    if (!existsSync(sub)) {
      mkdirSync(sub, { recursive: true, mode: DIR_MODE });
      // mkdir's mode passes through the umask; secrets need exactly 0700.
      chmodSync(sub, DIR_MODE);
    }
  }
  if (!existsSync(join(dir, FORMAT_FILE))) {
    // env.json holds the app's secrets: keep the whole store out of git wherever it is, as a
    // user's `.gitignore` kept `.env` out (`git add -A` would otherwise stage every snapshot).
    writeFileAtomic(join(dir, GITIGNORE), '*\n');
    writeFileAtomic(join(dir, FORMAT_FILE), `${JSON.stringify({ format: STORE_FORMAT })}\n`);
  }
  checkFormat(store);
  return store;
}

function privateFolders(store: Store): string[] {
  return [store.objects, store.builds, store.inUse, store.logs, store.tmp];
}

/**
 * The folders tf writes secrets and builds into are never symlinks: a checked-out repo (or anyone
 * who can write the store's parent) could point one elsewhere, and tf would write there. The
 * store's own path may be a symlink: that is the user's choice of where it lives.
 */
function refuseLinks(store: Store): void {
  for (const path of privateFolders(store)) {
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new TfError(`${displayPath(path)} is a symbolic link; tf writes only into a real folder there`, 'remove the link (tf makes the folder again)');
    }
  }
}

function checkFormat(store: Store): void {
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(join(store.dir, FORMAT_FILE), 'utf8')) as { format?: unknown }).format;
  } catch (error) {
    throw new TfError(`${store.shown}/${FORMAT_FILE}: unreadable (${errnoCode(error) ?? (error as Error).message})`, 'is this folder a tf release store?');
  }
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new TfError(`${store.shown}/${FORMAT_FILE}: "format" must be a whole number, found ${JSON.stringify(format)}`, 'is this folder a tf release store?');
  }
  if (format > STORE_FORMAT) {
    throw new TfError(`${store.shown} was made by a newer tf (store format ${format}; this tf reads format ${STORE_FORMAT})`, 'upgrade tf, or use another store with --releases-dir');
  }
}
