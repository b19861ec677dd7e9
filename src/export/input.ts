import type { App } from '../config/app.js';
import { RELEASE_TYPE } from '../config/procfile.js';
import type { ProcessSpec } from '../formation/formation.js';
import { processVariables } from '../formation/formation.js';
import { DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW_MS, type RestartPolicy, type Settings } from '../config/settings.js';
import { DEFAULT_READY_TIMEOUT_MS } from '../supervisor/readiness.js';
import type { ExportInput, ExportType } from './types.js';

export interface ExportOptions {
  app: string;
  outdir: string;
  user?: string;
  image?: string;
}

/** tf's own per-process variables: each engine sets them per instance, never from the env file. */
export const TF_VARIABLES: ReadonlySet<string> = new Set(Object.keys(processVariables('x.1', 1)));

/**
 * App + formation -> what every target exports. Only the env files' variables are exported: the
 * shell that runs `tf export` is not the environment the engine will give the app (PATH aside).
 */
export function exportInput(app: App, specs: ProcessSpec[], options: ExportOptions): ExportInput {
  const env: Array<[string, string]> = [];
  for (const [key, { value, source }] of app.environment) {
    if (source !== 'shell' && !TF_VARIABLES.has(key)) env.push([key, value]);
  }
  const release = app.procfile.types.find((t) => t.name === RELEASE_TYPE);
  return {
    app: options.app,
    root: app.root,
    outdir: options.outdir,
    types: groupTypes(specs, app.settings),
    env,
    path: app.environment.get('PATH')?.value ?? '/usr/local/bin:/usr/bin:/bin',
    ...(release ? { release: release.command } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.image !== undefined ? { image: options.image } : {}),
  };
}

/**
 * What an engine restarts a type with when nothing chose a policy: tf start's `stop` suits a
 * developer's terminal (one crash ends the session, loudly); in production one crash would stop
 * the app for good, so the export restarts it, with backoff and tf's own limit.
 */
export const PRODUCTION_RESTART: RestartPolicy = { kind: 'restart', limit: DEFAULT_RESTART_LIMIT, windowMs: DEFAULT_RESTART_WINDOW_MS };

function groupTypes(specs: ProcessSpec[], settings: Settings): ExportType[] {
  const types = new Map<string, ExportType>();
  for (const spec of specs) {
    let type = types.get(spec.type);
    if (!type) {
      // --restart only ever chooses `restart`, so a `stop` that tf.yml did not write is the default.
      const defaulted = spec.restart.kind === 'stop' && settings.types.get(spec.type)?.restart === undefined;
      const restart = defaulted ? PRODUCTION_RESTART : spec.restart;
      const ready = spec.ready ? { ready: spec.ready, readyTimeoutMs: spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS } : {};
      type = { name: spec.type, command: spec.command, instances: [], port: spec.port, stopSignal: spec.stopSignal, drainMs: spec.drainMs, restart, restartDefaulted: defaulted, dependsOn: spec.dependsOn ?? [], ...ready };
      types.set(spec.type, type);
    }
    type.instances.push({ name: spec.name, instance: spec.instance, port: spec.port });
  }
  return [...types.values()];
}

/** Host engines give processes a PATH: the env files' own, else the exporting shell's. */
export function hostEnv(input: ExportInput): Array<[string, string]> {
  return input.env.some(([key]) => key === 'PATH') ? input.env : [...input.env, ['PATH', input.path]];
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variables a shell can set, and a note naming the rest. tf's env files take names with "-"
 * and ".", but the engines that have sh read an env file (runit, s6, supervisord) would fail
 * every service at start on one (`export: my-key: bad variable name`): those are left out.
 */
export function shellVariables(target: string, vars: Array<[string, string]>, reader: string): { vars: Array<[string, string]>; notes: string[] } {
  const bad = vars.filter(([key]) => !SHELL_NAME.test(key)).map(([key]) => key);
  if (bad.length === 0) return { vars, notes: [] };
  const many = bad.length > 1;
  return {
    vars: vars.filter(([key]) => SHELL_NAME.test(key)),
    notes: [`${target}: ${bad.join(', ')} ${many ? 'are' : 'is'} not exported: ${reader} is read by sh, which cannot set a variable whose name holds anything but letters, digits and "_" (rename ${many ? 'them' : 'it'} in the env file)`],
  };
}

/** One note naming every type whose tf.yml restart policy (one of `kinds`) the target cannot keep. */
export function restartNote(types: ExportType[], kinds: ReadonlyArray<string>, say: (names: string, many: boolean) => string): string[] {
  const names = types.filter((t) => kinds.includes(t.restart.kind)).map((t) => t.name);
  return names.length ? [say(names.join(', '), names.length > 1)] : [];
}

/** "web, worker will not be restarted when they exit, but the others keep running (...)" */
export function notRestarted(target: string, why = ''): (names: string, many: boolean) => string {
  return (names, many) => `${target}: ${names} will not be restarted when ${many ? 'they exit' : 'it exits'}, but the others keep running (${why}tf.yml restart: stop)`;
}

/**
 * One note naming the types whose restart the export chose: what tf start would have done, and
 * how to keep that. `how` says the engine's own restart, e.g. "Restart=always, RestartSec=1s".
 */
export function defaultRestartNote(target: string, types: ExportType[], how: string): string[] {
  const names = types.filter((t) => t.restartDefaulted).map((t) => t.name);
  if (names.length === 0) return [];
  const many = names.length > 1;
  return [`${target}: ${names.join(', ')} ${many ? 'have' : 'has'} no restart: in tf.yml, so the export restarts ${many ? 'them' : 'it'} when ${many ? 'they exit' : 'it exits'} (${how}); tf start's default would stop the app instead (set restart: stop in tf.yml to export that)`];
}

/** One note naming the types whose tf.yml restart limit the engine drops: it restarts without one. */
export function unlimitedNote(target: string, types: ExportType[], how: string): string[] {
  const names = types.filter((t) => t.restart.kind === 'restart' && !t.restartDefaulted).map((t) => t.name);
  return names.length ? [`${target}: ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} restarted without a limit (${how}): the restart limit of tf.yml is not kept`] : [];
}

/** Without --user a system service manager runs the processes as root: said, never silent. */
export function rootNote(target: string, user: string | undefined, what: string): string[] {
  return user === undefined ? [`${target}: no --user, so ${what}: they run as ${target}'s own user, root for a system service (name the account with --user NAME)`] : [];
}

/** One note for an engine that starts every process at once: which depends_on it drops. */
export function dependsOnNote(target: string, types: ExportType[]): string[] {
  const waits = types.filter((t) => t.dependsOn.length > 0).map((t) => `${t.name} on ${t.dependsOn.join(', ')}`);
  if (waits.length === 0) return [];
  return [`${target}: depends_on is not exported (${waits.join('; ')}): ${target} starts every process at once, so each must wait for what it needs itself (retry its connections)`];
}
