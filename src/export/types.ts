import type { ReadyCheck, RestartPolicy } from '../config/settings.js';

/** One process type of the formation, as every engine needs it. */
export interface ExportType {
  name: string;
  command: string;
  /** 1-based instances with their ports, as `tf start` would run them. */
  instances: Array<{ name: string; instance: number; port: number }>;
  /** web.1's port: the one a container listens on. */
  port: number;
  stopSignal: NodeJS.Signals;
  drainMs: number;
  restart: RestartPolicy;
  /**
   * tf.yml (and --restart) said nothing of this type's restart: `restart` is then the export's
   * production default (restart, with the engine's backoff), not tf start's `stop`.
   */
  restartDefaulted: boolean;
  /** tf.yml ready: how tf start knows an instance is ready. */
  ready?: ReadyCheck;
  /** tf.yml ready_timeout (or tf's default), set with `ready`. */
  readyTimeoutMs?: number;
  /** tf.yml depends_on: types that must be ready before this one starts. */
  dependsOn: string[];
}

/** Everything a target needs, as plain data: generators are pure functions of this. */
export interface ExportInput {
  /** The app's name, already checked against the target's naming rule. */
  app: string;
  /** Absolute app root: where processes run on a host engine. */
  root: string;
  /** Absolute folder the files will live in, for the paths units refer to. */
  outdir: string;
  types: ExportType[];
  /** The app's own variables (env files), in order; never the shell's, never PORT/PS/DYNO. */
  env: Array<[string, string]>;
  /** PATH for host engines: the env files' PATH, else the exporting shell's. */
  path: string;
  /** The `release:` command, if the Procfile has one. */
  release?: string;
  user?: string;
  image?: string;
}

export interface ExportedFile {
  /** Relative to OUTDIR, `/`-separated. */
  path: string;
  content: string;
  mode: number;
}

export interface ExportResult {
  files: ExportedFile[];
  /** What the target cannot express of the formation, said plainly. */
  notes: string[];
}

export type Exporter = (input: ExportInput) => ExportResult;

export const FILE_MODE = 0o644;
export const SCRIPT_MODE = 0o755;
/** Env files hold secrets. */
export const SECRET_MODE = 0o600;
