import type { ServerResponse } from 'node:http';
import { LogBatch, type LogFrame } from './log-batch.js';

/** At most this much waits in tf for one dashboard tab; past it, that tab's log text is dropped and counted. */
export const CLIENT_BUFFER_BYTES = 1 << 20;
/** Log text is sent in batches this far apart: one write per tab instead of one per line. */
const LOG_BATCH_MS = 100;
/** How often the process list is compared with the last one sent (so at most 5 ps events a second). */
const PS_POLL_MS = 200;
/** An unchanged process list is sent again this often: uptimes move, and the tab knows tf is alive. */
const PS_EVERY_MS = 2000;
const METRICS_POLL_MS = 1000;
/**
 * A tab is told of dropped text at most this often: each gap makes the page fetch the tail again,
 * and in a lasting flood that must not become ten fetches a second.
 */
export const GAP_EVERY_MS = 1000;

/** The `metrics` control reply (h16's contract). */
export interface MetricsReply {
  intervalMs: number;
  processes: Array<{ name: string; type: string; samples: Array<[number, number | null, number | null]> }>;
}

/** Where the events come from: the same control commands the CLI uses, and tf's log tail. */
export interface EventSources<T> {
  ps(): Promise<Array<Record<string, unknown>>>;
  /** undefined: this tf keeps no metrics. */
  metrics(since: number | undefined): Promise<MetricsReply | undefined>;
  logs: LogFeed<T>;
}

/**
 * The merged stream as tf prints it: each item (a record of tf's log tail) comes with its size,
 * and its text (prefixes, colours) is made only for what a batch sends, so a flood past the batch
 * costs no rendering. While the hub has no room for more it does not listen at all: what it
 * missed is counted from `written`, not looked at.
 */
export interface LogFeed<T> {
  subscribe(listener: (item: T, bytes: number) => void): () => void;
  /** Bytes printed so far (the sum of every item's size). */
  written(): number;
  /**
   * The item's lines as printed, each as an event-stream data line (`data: LINE` and LF): a log
   * event's data is then the lines themselves, with no JSON around them to make and escape.
   */
  render(item: T): Buffer | string;
}

/**
 * One open /api/events stream. ps and metrics events coalesce while the tab is behind (only the
 * latest of each is sent when it catches up); log text past the bound is dropped and the tab is
 * told how much (a gap event), so a tab that never reads costs tf a bounded amount of memory.
 * Once text is dropped, the tab gets no more until its gap event is out: the gap marks where its
 * stream has a hole, and what comes after it is whole again.
 */
export class EventClient {
  dropped = 0;
  private readonly waiting = new Map<string, string>();
  private lastGapAt = 0;

  constructor(
    private readonly response: ServerResponse,
    readonly wantsLogs: boolean,
  ) {
    response.on('drain', () => this.catchUp());
  }

  /** ps, metrics: only the latest matters. */
  latest(event: string, data: string): void {
    if (this.response.writableNeedDrain) this.waiting.set(event, data);
    else this.write(event, data);
  }

  /** A batch as one log event, or, when it does not fit, dropped and counted with what followed. */
  logs(frame: LogFrame, droppedAfter: number): void {
    if (!this.wantsLogs) return;
    this.sendGap();
    if (frame.size > 0 && this.dropped === 0 && this.response.writableLength + frame.size <= CLIENT_BUFFER_BYTES) {
      if (this.response.writableEnded) return;
      this.response.cork();
      this.response.write('event: log\n');
      for (const chunk of frame.chunks) this.response.write(chunk);
      this.response.write('\n');
      this.response.uncork();
    } else {
      this.dropped += frame.bytes;
    }
    // The batch came before what was dropped after it: it goes out first, then the gap is due.
    this.dropped += droppedAfter;
  }

  /** Sends the pending gap event once the tab has room and the last one is a second old. */
  sendGap(now = Date.now()): void {
    if (this.dropped === 0 || now - this.lastGapAt < GAP_EVERY_MS || this.response.writableNeedDrain) return;
    this.write('gap', JSON.stringify({ dropped: this.dropped }));
    this.dropped = 0;
    this.lastGapAt = now;
  }

  private catchUp(): void {
    for (const [event, data] of this.waiting) this.write(event, data);
    this.waiting.clear();
    this.sendGap();
  }

  private write(event: string, data: string): void {
    if (!this.response.writableEnded) this.response.write(`event: ${event}\ndata: ${data}\n\n`);
  }
}

/**
 * Every open stream, and the pollers that feed them: running only while a tab is connected, so a
 * dashboard nobody looks at costs nothing (and the log feed only while a tab wants logs).
 */
export class EventHub<T> {
  private readonly clients = new Set<EventClient>();
  private timers: NodeJS.Timeout[] = [];
  private logTimer: NodeJS.Timeout | undefined;
  private readonly logs: LogBatch<T>;
  private lastPs = '';
  private lastPsAt = 0;
  private metricsSince: number | undefined;
  private metricsOff = false;

  constructor(private readonly sources: EventSources<T>) {
    this.logs = new LogBatch(sources.logs, () => this.anyTakesLogs());
  }

  async add(client: EventClient, closed: Promise<void>): Promise<void> {
    this.clients.add(client);
    if (this.clients.size === 1) this.startPolling();
    this.updateLogFeed();
    const rows = await this.sources.ps().catch(() => undefined);
    if (rows) {
      client.latest('ps', JSON.stringify(rows));
      // The next poll sends it again only if it changed.
      this.lastPs = psSignature(rows);
      this.lastPsAt = Date.now();
    }
    await closed;
    this.clients.delete(client);
    this.updateLogFeed();
    if (this.clients.size === 0) this.stopPolling();
  }

  close(): void {
    this.clients.clear();
    this.stopPolling();
    this.updateLogFeed();
  }

  private startPolling(): void {
    this.timers = [setInterval(() => void this.pollPs(), PS_POLL_MS), setInterval(() => void this.pollMetrics(), METRICS_POLL_MS)];
    for (const timer of this.timers) timer.unref();
  }

  private stopPolling(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.lastPs = '';
  }

  /** The log feed and its batches run only while some tab wants logs. */
  private updateLogFeed(): void {
    const wanted = [...this.clients].some((client) => client.wantsLogs);
    if (wanted && !this.logs.on) {
      this.logs.start();
      this.logTimer = setInterval(() => this.flushLogs(), LOG_BATCH_MS).unref();
    }
    if (!wanted && this.logs.on) {
      this.logs.stop();
      clearInterval(this.logTimer);
    }
  }

  /** A flood is cut before it costs a rendering while every tab that wants logs has a gap pending (it would drop the batch). */
  private anyTakesLogs(): boolean {
    for (const client of this.clients) if (client.wantsLogs && client.dropped === 0) return true;
    return false;
  }

  private flushLogs(): void {
    // A gap waiting for its second is sent even when the stream has gone quiet.
    for (const client of this.clients) client.sendGap();
    const { frame, dropped } = this.logs.take();
    if (frame.size === 0 && dropped === 0) return;
    for (const client of this.clients) client.logs(frame, dropped);
  }

  private async pollPs(): Promise<void> {
    const rows = await this.sources.ps().catch(() => undefined);
    if (!rows) return;
    const signature = psSignature(rows);
    const now = Date.now();
    if (signature === this.lastPs && now - this.lastPsAt < PS_EVERY_MS) return;
    this.lastPs = signature;
    this.lastPsAt = now;
    const data = JSON.stringify(rows);
    for (const client of this.clients) client.latest('ps', data);
  }

  private async pollMetrics(): Promise<void> {
    if (this.metricsOff) return;
    const reply = await this.sources.metrics(this.metricsSince).catch(() => undefined);
    if (!reply || !Array.isArray(reply.processes)) {
      this.metricsOff = true;
      return;
    }
    const byTime = new Map<number, Record<string, [number | null, number | null]>>();
    for (const row of reply.processes) {
      for (const [t, cpu, rss] of row.samples) {
        if (this.metricsSince !== undefined && t <= this.metricsSince) continue;
        byTime.set(t, { ...byTime.get(t), [row.name]: [cpu, rss] });
      }
    }
    const times = [...byTime.keys()].sort((a, b) => a - b);
    // The first poll only finds where the samples stand: a new tab fetches history from /api/metrics.
    const first = this.metricsSince === undefined;
    if (times.length > 0) this.metricsSince = times.at(-1);
    else if (first) this.metricsSince = Date.now();
    if (first) return;
    for (const t of times) {
      const data = JSON.stringify({ t, processes: byTime.get(t) });
      for (const client of this.clients) client.latest('metrics', data);
    }
  }
}

/** Uptime moves every poll: a change is anything else. */
function psSignature(rows: Array<Record<string, unknown>>): string {
  return JSON.stringify(rows.map(({ uptimeMs: _uptime, ...rest }) => rest));
}
