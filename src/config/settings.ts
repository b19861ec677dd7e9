/** tf.yml as plain data. Parsing lives in settings-file.ts, which alone loads the yaml package. */

export type RestartPolicy =
  | { kind: 'stop' }
  | { kind: 'ignore' }
  | { kind: 'restart'; limit: number; windowMs: number };

export type ReadyCheck = { kind: 'port' } | { kind: 'line'; pattern: RegExp } | { kind: 'cmd'; command: string };

export interface TypeSettings {
  stopSignal?: NodeJS.Signals;
  drainMs?: number;
  restart?: RestartPolicy;
  ready?: ReadyCheck;
  readyTimeoutMs?: number;
  /** Types every instance of which must be ready before this type starts. */
  dependsOn?: string[];
  /** Globs (relative to the root) whose changes restart this type under `tf start --watch`. */
  watch?: string[];
  /** Each process runs on its own pseudo-terminal (tty mode). */
  tty?: boolean;
  /** tf start's own keyboard goes to its (first) process; implies tty. At most one type. */
  interactive?: boolean;
  /** memory_limit, in bytes: a process over it (with its descendants) is restarted through its crash policy. */
  memoryLimit?: number;
}

export interface Settings {
  path?: string;
  /** `build:`, the shell command `tf release create` runs in a copy of the source. */
  build?: string;
  formation: Map<string, number>;
  /** `port:`, the base port when -p is not given (as foreman's .foreman has it). */
  port?: number;
  /** `env_files:`, relative to the root, when -e is not given. */
  envFiles?: string[];
  /** `timeout:`, the drain of types that set none, when -t is not given. */
  drainMs?: number;
  /** `metrics_interval:`, how often tf samples CPU and memory (0: never), when --metrics-interval is not given. */
  metricsIntervalMs?: number;
  types: Map<string, TypeSettings>;
  /** Line of each key path ("processes.web.drain"), for errors found later against the Procfile. */
  lines: Map<string, number>;
}

export const DEFAULT_RESTART_LIMIT = 10;
export const DEFAULT_RESTART_WINDOW_MS = 5 * 60_000;

export function emptySettings(): Settings {
  return { formation: new Map(), types: new Map(), lines: new Map() };
}
