// What the page knows about the running tf, kept live by the Server-Sent Events stream. One store,
// one subscription list: every page renders from it.
import { getJson, query } from './api';
import { LogBuffer } from './log-buffer';
import type { AppState, MetricsEvent, MetricsReply, ProcessInfo } from './types';

/** Ten minutes of samples: what a sparkline shows. */
export const METRICS_WINDOW_MS = 10 * 60 * 1000;
const CAPACITY_KEY = 'tf-ui-log-lines';
export const DEFAULT_LOG_LINES = 5000;

export type Sample = [time: number, cpu: number | null, rss: number | null];
export type Connection = 'connecting' | 'live' | 'lost';

export interface Store {
  state: AppState | null;
  /** When `state.processes` arrived: uptimes count on from there. */
  receivedAt: number;
  metrics: Map<string, Sample[]>;
  connection: Connection;
  error: string | null;
}

export const store: Store = { state: null, receivedAt: 0, metrics: new Map(), connection: 'connecting', error: null };

/** The merged stream's buffer; the logs page filters or refetches per process on its own. */
export const logs = new LogBuffer(savedCapacity());

type Listener = () => void;
const listeners = new Set<Listener>();
const logListeners = new Set<(text: string) => void>();
const tailListeners = new Set<() => void>();

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Live log text as it arrives (the logs page's per-process view appends the lines it wants). */
export function onLogText(listener: (text: string) => void): () => void {
  logListeners.add(listener);
  return () => logListeners.delete(listener);
}

/** Called when the live stream skipped text (a gap, a hidden tab): views refetch their tail. */
export function onTailLost(listener: () => void): () => void {
  tailListeners.add(listener);
  return () => tailListeners.delete(listener);
}

let notifyQueued = false;

/** Re-renders once per frame at most, however many events arrived. */
export function notify(): void {
  if (notifyQueued) return;
  notifyQueued = true;
  requestAnimationFrame(() => {
    notifyQueued = false;
    for (const listener of listeners) listener();
  });
}

function savedCapacity(): number {
  const saved = Number(localStorage.getItem(CAPACITY_KEY));
  return Number.isInteger(saved) && saved >= 100 && saved <= 100_000 ? saved : DEFAULT_LOG_LINES;
}

export function setLogCapacity(lines: number): void {
  localStorage.setItem(CAPACITY_KEY, String(lines));
  logs.setCapacity(lines);
  notify();
}

export async function refreshState(): Promise<void> {
  try {
    const state = await getJson<AppState>('/api/state');
    store.state = state;
    store.receivedAt = Date.now();
    store.error = null;
    recordRows(state.processes, store.receivedAt);
  } catch (error) {
    store.error = (error as Error).message;
  }
  notify();
}

export async function refreshLogs(): Promise<void> {
  try {
    const { text } = await getJson<{ text: string }>(`/api/logs${query({ lines: logs.capacity })}`);
    logs.reset(text);
  } catch (error) {
    store.error = (error as Error).message;
  }
  for (const listener of tailListeners) listener();
  notify();
}

async function loadMetrics(): Promise<void> {
  try {
    const reply = await getJson<MetricsReply>(`/api/metrics${query({ since: Date.now() - METRICS_WINDOW_MS })}`);
    for (const process of reply.processes) {
      const known = store.metrics.get(process.name) ?? [];
      const merged = [...process.samples, ...known].sort((a, b) => a[0] - b[0]);
      store.metrics.set(process.name, dedupe(merged));
    }
    notify();
  } catch {
    // A tf without metrics: the sparklines stay empty and the columns show what ps rows carry.
  }
}

function dedupe(samples: Sample[]): Sample[] {
  return samples.filter((sample, i) => i === 0 || sample[0] !== samples[i - 1][0]);
}

function addSample(name: string, sample: Sample): void {
  let samples = store.metrics.get(name);
  if (!samples) store.metrics.set(name, (samples = []));
  const last = samples[samples.length - 1];
  if (last && last[0] >= sample[0]) return;
  samples.push(sample);
  const cutoff = sample[0] - METRICS_WINDOW_MS;
  let old = 0;
  while (old < samples.length && samples[old][0] < cutoff) old++;
  if (old > 0) samples.splice(0, old);
}

/** A metrics event: one sample per process. */
function recordMetrics(event: MetricsEvent): void {
  for (const [name, [cpu, rss]] of Object.entries(event.processes)) addSample(name, [event.t, cpu, rss]);
}

/** ps rows carry the latest figures too: a sparkline grows even if metrics events are not sent. */
function recordRows(rows: ProcessInfo[], time: number): void {
  for (const row of rows) {
    if (row.cpuPercent === undefined && row.rssBytes === undefined) continue;
    const samples = store.metrics.get(row.name);
    const last = samples?.[samples.length - 1];
    // Metrics events are the finer source; a row only fills in when they have been quiet a while.
    if (!last || time - last[0] >= 4000) addSample(row.name, [time, row.cpuPercent ?? null, row.rssBytes ?? null]);
  }
}

let source: EventSource | null = null;

/** Opens the event stream; a hidden tab asks for no log text (`?logs=0`) and catches up when shown. */
function connect(): void {
  source?.close();
  const withLogs = document.visibilityState !== 'hidden';
  const events = new EventSource(withLogs ? '/api/events' : '/api/events?logs=0');
  source = events;
  store.connection = 'connecting';
  let failures = 0;
  events.onopen = () => {
    failures = 0;
    store.connection = 'live';
    notify();
    // Whatever happened while the stream was down or had no logs: fetch the state and tail again.
    void refreshState();
    if (withLogs) void refreshLogs();
  };
  events.onerror = () => {
    // EventSource retries by itself; after a few failures in a row tf has most likely stopped.
    failures++;
    store.connection = events.readyState === EventSource.CLOSED || failures >= 3 ? 'lost' : 'connecting';
    notify();
  };
  events.addEventListener('ps', (event) => {
    if (!store.state) return;
    store.state.processes = JSON.parse((event as MessageEvent<string>).data) as ProcessInfo[];
    store.receivedAt = Date.now();
    recordRows(store.state.processes, store.receivedAt);
    syncTypes();
    notify();
  });
  events.addEventListener('log', (event) => {
    // Each line of the batch is a data line; the event's data joins them without the last LF.
    const text = `${(event as MessageEvent<string>).data}\n`;
    logs.append(text);
    for (const listener of logListeners) listener(text);
    notify();
  });
  events.addEventListener('metrics', (event) => {
    recordMetrics(JSON.parse((event as MessageEvent<string>).data) as MetricsEvent);
    notify();
  });
  events.addEventListener('gap', () => void refreshLogs());
}

/** A scale changes the counts; ps rows say how many of each type run now. */
function syncTypes(): void {
  const state = store.state;
  if (!state) return;
  const counts = new Map<string, number>();
  for (const row of state.processes) counts.set(row.type, (counts.get(row.type) ?? 0) + 1);
  for (const type of state.types) type.count = counts.get(type.type) ?? 0;
  // A type scaled up from zero, or a timeline entry missing: the full state has it.
  if ([...counts.keys()].some((name) => !state.types.some((t) => t.type === name))) void refreshState();
}

export function start(): void {
  void refreshState();
  void loadMetrics();
  connect();
  document.addEventListener('visibilitychange', connect);
}
