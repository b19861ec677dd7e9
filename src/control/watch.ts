import { relative, resolve, sep } from 'node:path';
import { FeedbackLoops } from './feedback-loop.js';
import { matcher } from './glob.js';
import { WatchFilter } from './watch-filter.js';
import { importEsm } from '../util/import-esm.js';

export interface WatchConfig {
  /** Every runnable type, and the tf.yml `watch:` globs of those that have them. */
  types: string[];
  typeGlobs: Map<string, string[]>;
  /** Absolute paths whose change reloads the config: the Procfile, the env files, tf.yml. */
  configFiles: string[];
}

export interface WatchOptions extends WatchConfig {
  root: string;
  /** `--watch GLOB...`: what restarts the types without globs of their own; empty: any file. */
  globs: string[];
  debounceMs?: number;
  /** Paths never to watch, with everything under them: the control socket's folder, the release store. */
  ignore?: string[];
  /** When the latest instance of TYPE started (ms, Date.now clock); undefined if none runs. */
  startedAt?(type: string): number | undefined;
  restart(types: string[]): Promise<unknown>;
  /** Reloads the config; resolves with the new one, or undefined when it was invalid (kept the old). */
  reload(): Promise<WatchConfig | undefined>;
  say(text: string): void;
}

export const DEFAULT_DEBOUNCE_MS = 200;

/**
 * Watches the app root with chokidar (loaded only here, only with --watch). Changes are collected
 * until none has come for the debounce time, then acted on once: a storm of a thousand changes
 * is one restart. Changes during a restart are acted on after it, again once. What is not an
 * edit (watch-filter.ts) is dropped, and a type that keeps restarting itself is left alone.
 */
export async function watchApp(options: WatchOptions): Promise<{ close(): Promise<void> }> {
  const { watch } = await importEsm('chokidar');
  const root = resolve(options.root);
  let config: WatchConfig = options;
  let route = router(config, options.globs);
  const filter = new WatchFilter({ root, ignore: options.ignore ?? [] });
  const loops = new FeedbackLoops(options.startedAt ?? (() => undefined));
  // Files as a map: one save often fires add and change for the same path, and is one change.
  let pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let again = false;

  /** The batch's edits: whether the config changed, which types to restart, which files say so. */
  const sort = (batch: Map<string, number>) => {
    const out = { reload: false, types: new Set<string>(), files: [] as string[] };
    for (const [abs, time] of batch) {
      if (!filter.isEdit(abs)) continue;
      const rel = relative(root, abs).split(sep).join('/');
      if (config.configFiles.includes(abs)) out.reload = true;
      else {
        const types = loops.allowed(route(rel));
        if (types.length === 0) continue;
        for (const type of types) (out.types.add(type), loops.note(type, rel, time));
      }
      out.files.push(rel);
    }
    return out;
  };

  const act = async (): Promise<void> => {
    if (busy) return void (again = true);
    busy = true;
    const batch = sort(pending);
    pending = new Map();
    const what = describeChanges(batch.files);
    try {
      if (batch.reload) {
        options.say(`${what}, reloading the config`);
        const next = await options.reload();
        if (next) (config = next), (route = router(next, options.globs)), loops.reset();
      } else {
        const types = config.types.filter((t) => batch.types.has(t));
        if (types.length > 0) {
          options.say(`${what}, restarting ${types.join(', ')}`);
          loops.restarting(types, Date.now());
          await options.restart(types);
          for (const notice of loops.restarted(types)) options.say(notice);
        }
      }
    } catch (error) {
      options.say(`watch: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      busy = false;
    }
    if (again) (again = false), void act();
  };

  const changed = (path: string): void => {
    pending.set(resolve(root, path), Date.now());
    clearTimeout(timer);
    timer = setTimeout(() => void act(), options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  };

  const watcher = watch(root, { ignored: filter.skipWhileWalking, ignoreInitial: true, persistent: true });
  watcher.on('all', (event, path) => {
    if (event === 'add' || event === 'change' || event === 'unlink') changed(path);
  });
  watcher.on('error', (error) => options.say(`watch: ${error instanceof Error ? error.message : String(error)}`));
  await new Promise<void>((ready) => watcher.once('ready', ready));
  options.say(`watching ${root} for changes${options.globs.length ? ` to ${options.globs.join(', ')}` : ''}`);
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

function describeChanges(files: string[]): string {
  if (files.length === 1) return `${files[0]} changed`;
  const more = files.length > 3 ? ` and ${files.length - 3} more` : '';
  return `${files.length} files changed (${files.slice(0, 3).join(', ')}${more})`;
}

/**
 * Which types a changed file restarts: the types whose tf.yml globs claim it; a file no type
 * claims restarts the types without globs of their own, if --watch's globs (default: all) match.
 * A type with `watch: false` (or `[]`) has globs that claim nothing: no change restarts it.
 */
function router(config: WatchConfig, globs: string[]): (path: string) => string[] {
  const own = [...config.typeGlobs].map(([type, list]) => [type, matcher(list)] as const);
  const general = globs.length > 0 ? matcher(globs) : () => true;
  const rest = config.types.filter((type) => !config.typeGlobs.has(type));
  return (path) => {
    const owners = own.filter(([, matches]) => matches(path)).map(([type]) => type);
    return owners.length > 0 ? owners : general(path) ? rest : [];
  };
}
