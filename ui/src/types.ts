// The shapes of tf ui's HTTP API (README "tf ui"; the server is src/ui/). Kept apart from tf's own
// types on purpose: the page talks to tf only through this API, like any other client.

export type ProcessState =
  | 'waiting' | 'starting' | 'ready' | 'running' | 'draining' | 'backoff' | 'crashed' | 'stopped' | string;

export interface ProcessInfo {
  name: string;
  type: string;
  pid: number | null;
  port: number;
  state: ProcessState;
  uptimeMs: number | null;
  restarts: number;
  lastExit: number | null;
  lastExitReason: string | null;
  lastExitSignal: string | null;
  daemon?: string;
  release: string | null;
  /** From tf's metrics sampler; absent on a tf without it, null before two samples. */
  cpuPercent?: number | null;
  rssBytes?: number | null;
  descendants?: number;
}

export interface TypeInfo {
  type: string;
  count: number;
  dependsOn: string[];
  web: boolean;
}

export interface TimelineEntry {
  name: string;
  startedAt: number;
  readyAt: number | null;
}

export interface AppState {
  app: { name: string; root: string };
  processes: ProcessInfo[];
  types: TypeInfo[];
  timeline: TimelineEntry[];
  release: string | null;
  store: boolean;
}

export interface MetricsReply {
  intervalMs: number;
  processes: { name: string; type: string; samples: [number, number | null, number | null][] }[];
}

export interface MetricsEvent {
  t: number;
  processes: Record<string, [number | null, number | null]>;
}

export interface Release {
  id: string;
  createdAt: string;
  kind: string;
  description: string;
  status: string;
  current: boolean;
  inUse: boolean;
}

export interface ReleaseDiff {
  env: { key: string; change: 'added' | 'removed' | 'changed' | 'same' }[];
  files: { path: string; change: 'added' | 'removed' | 'changed' }[];
}
