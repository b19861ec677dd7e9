import type { App } from '../config/app.js';
import { readDuration } from '../config/duration.js';
import { runnableTypes } from '../config/procfile.js';
import { DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW_MS } from '../config/settings.js';
import { TfError } from '../util/errors.js';
import { listItems } from '../util/list-items.js';
import { buildFormation, DEFAULT_BASE_PORT, specFactory, unknownType, type FormationInput, type ProcessSpec, type SpecFactory } from './formation.js';
import { resolveScale } from './scale.js';

export interface FormationRequest {
  /** `web=2 worker`, foreman's `-m web=2,worker=3` items. */
  items?: string[];
  /** -p/--port as typed. */
  port?: string;
  /** -t/--timeout as typed: seconds, or a duration like 500ms. */
  timeout?: string;
  /** --restart TYPE,... : these types restart with backoff when they exit. */
  restart?: string[];
  /** --tty: every type runs on terminals. */
  tty?: boolean;
}

export const DEFAULT_DRAIN_MS = 5000;

/** App + command line -> the list of processes to run. */
export function planFormation(app: App, request: FormationRequest = {}): ProcessSpec[] {
  return buildFormation(formationInput(app, request));
}

/** What a running formation needs: its processes, how to make more of a type, the types there are. */
export interface RunPlan {
  specs: ProcessSpec[];
  specFor: SpecFactory;
  types: string[];
}

/** planFormation for tf start (and its reloads): at least one process, and the means to add more. */
export function planRun(app: App, request: FormationRequest = {}): RunPlan {
  const input = formationInput(app, request);
  const specs = buildFormation(input);
  if (specs.length === 0) throw new TfError('nothing to start: every process type is scaled to 0', 'name a type, e.g. tf start web=1');
  return { specs, specFor: specFactory(input), types: input.types.map((t) => t.name) };
}

/** What buildFormation and specFactory need; a running tf keeps it to start instances later. */
export function formationInput(app: App, request: FormationRequest = {}): FormationInput {
  const types = runnableTypes(app.procfile);
  const names = types.map((t) => t.name);
  const restartTypes = new Set(listItems(request.restart));
  for (const type of restartTypes) {
    if (!names.includes(type)) throw unknownType(type, names, '--restart');
  }
  return {
    types,
    scale: resolveScale(request.items ?? [], names, app.settings),
    settings: app.settings,
    root: app.root,
    environment: app.environment,
    basePort: basePort(app, request.port),
    drainMs: request.timeout === undefined ? (app.settings.drainMs ?? DEFAULT_DRAIN_MS) : drainTimeout(request.timeout),
    restartTypes,
    restartPolicy: { kind: 'restart', limit: DEFAULT_RESTART_LIMIT, windowMs: DEFAULT_RESTART_WINDOW_MS },
    ...(app.release ? { release: app.release } : {}),
    ...(request.tty ? { ttyAll: true } : {}),
  };
}

/** -p, else PORT from the environment (shell or env files), else 5000, as foreman does. */
export function basePort(app: App, flag?: string): number {
  if (flag !== undefined) return parsePort(flag, '-p/--port');
  // tf.yml's port stands for -p, so it wins over PORT, as foreman's .foreman port does.
  if (app.settings.port !== undefined) return app.settings.port;
  const fromEnv = app.environment.get('PORT');
  if (fromEnv && fromEnv.value.trim() !== '') return parsePort(fromEnv.value, `PORT (from ${fromEnv.source})`);
  return DEFAULT_BASE_PORT;
}

function parsePort(text: string, what: string): number {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new TfError(`${what}: "${text}" is not a port`, 'use a number from 1 to 65535, e.g. -p 5000');
  return port;
}

function drainTimeout(flag: string): number {
  const reading = readDuration(flag);
  if (reading.ok) return reading.ms;
  if (!reading.tooLong) throw new TfError(`-t/--timeout: "${flag}" is not a number of seconds`, 'use e.g. -t 10 or -t 500ms');
  throw new TfError(`-t/--timeout: ${reading.problem}`, reading.hint);
}
