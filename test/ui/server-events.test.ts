import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLIENT_BUFFER_BYTES, EventClient, EventHub, type EventSources, type LogFeed, type MetricsReply } from '../../src/ui/events.js';
import { waitFor } from '../helpers/wait.js';

/** A real HTTP server whose one route is the hub's event stream; the sources are the test's. */
async function serve(sources: EventSources<string>): Promise<{ port: number; hub: EventHub<string> }> {
  const hub = new EventHub(sources);
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
    void hub.add(new EventClient(res, !req.url?.includes('logs=0')), new Promise((resolve) => res.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as AddressInfo).port, hub };
}

/** A log feed of plain text, as tf's log tail is one of records; it counts what the hub asks of it. */
function textFeed() {
  const listeners = new Set<(item: string, bytes: number) => void>();
  const counts = { written: 0, calls: 0, rendered: 0, started: false };
  const feed: LogFeed<string> = {
    subscribe: (listener) => {
      counts.started = true;
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    written: () => counts.written,
    // As tf's feed does: each line a data line.
    render: (item) => ((counts.rendered += item.length), item.replace(/^/gm, 'data: ').replace(/data: $/, '')),
  };
  const print = (text: string | Buffer): void => {
    const item = String(text);
    const bytes = Buffer.byteLength(item);
    counts.written += bytes;
    for (const listener of listeners) (counts.calls++, listener(item, bytes));
  };
  return { feed, print, counts };
}

function open(port: number, path = '/'): Promise<{ text: () => string; response: IncomingMessage }> {
  return new Promise((resolve) => {
    let text = '';
    const req = request({ host: '127.0.0.1', port, path }, (response) => {
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      resolve({ text: () => text, response });
    });
    req.on('error', () => {});
    req.end();
    onTestFinished(() => void req.destroy());
  });
}

/** The data of each `name` event (its data lines joined, as EventSource gives them). */
function eventsOf(text: string, name: string): string[] {
  return text
    .split('\n\n')
    .slice(0, -1) // what follows the last blank line is an event still arriving
    .filter((block) => block.startsWith(`event: ${name}\n`))
    .map((block) => block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n'));
}

/** A log event's text: its lines, each ending in LF. */
const logText = (data: string): string => `${data}\n`;

/** Bytes of log text a stream received. */
const receivedBytes = (text: string): number => eventsOf(text, 'log').reduce((sum, data) => sum + logText(data).length, 0);

/** Bytes its gap events say were dropped. */
const droppedBytes = (text: string): number => eventsOf(text, 'gap').reduce((sum, data) => sum + (JSON.parse(data) as { dropped: number }).dropped, 0);

/** A hub fed by a text feed, with one tab open on it and the feed started. */
async function tabOnFeed(): Promise<{ logs: ReturnType<typeof textFeed>; client: Awaited<ReturnType<typeof open>> }> {
  const logs = textFeed();
  const { port } = await serve({ ps: async () => [], metrics: async () => undefined, logs: logs.feed });
  const client = await open(port);
  await waitFor(() => logs.counts.started, 'the log feed');
  return { logs, client };
}

/** Prints `line` in bursts of `perBurst`, 10 ms apart, for 2.5 s; returns the bytes fed and the seconds it took. */
async function flood(logs: ReturnType<typeof textFeed>, line: string, perBurst: number): Promise<{ fed: number; seconds: number }> {
  const started = Date.now();
  let fed = 0;
  while (Date.now() - started < 2500) {
    for (let i = 0; i < perBurst; i++) logs.print(line);
    fed += line.length * perBurst;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { fed, seconds: (Date.now() - started) / 1000 };
}

describe('the dashboard event stream', () => {
  it('turns metrics samples into one event per sample time, only new ones', async () => {
    let samples: Array<[number, number | null, number | null]> = [[1000, 1, 100]];
    const reply = (): MetricsReply => ({ intervalMs: 2000, processes: [{ name: 'web.1', type: 'web', samples }, { name: 'worker.1', type: 'worker', samples: samples.map(([t]) => [t, 0.5, 50]) }] });
    const asked: Array<number | undefined> = [];
    const { port } = await serve({
      ps: async () => [{ name: 'web.1', state: 'running', uptimeMs: 1 }],
      metrics: async (since) => (asked.push(since), reply()),
      logs: textFeed().feed,
    });
    const client = await open(port);
    await waitFor(() => asked.length >= 1, 'the first metrics poll');
    samples = [[1000, 1, 100], [3000, 2.5, 200]];
    const event = await waitFor(() => eventsOf(client.text(), 'metrics')[0], 'a metrics event');
    expect(JSON.parse(event)).toEqual({ t: 3000, processes: { 'web.1': [2.5, 200], 'worker.1': [0.5, 50] } });
    // The sample of before the tab came is history (/api/metrics), not an event; later polls ask from the last one.
    await waitFor(() => asked.at(-1) === 3000, 'a poll since 3000');
    expect(eventsOf(client.text(), 'metrics')).toHaveLength(1);
  });

  it('sends ps on a change and batches log text; logs=0 gets none', async () => {
    let state = 'running';
    const logs = textFeed();
    const { port } = await serve({
      ps: async () => [{ name: 'web.1', state, uptimeMs: Date.now() }],
      metrics: async () => undefined,
      logs: logs.feed,
    });
    const client = await open(port);
    const quiet = await open(port, '/?logs=0');
    await waitFor(() => eventsOf(client.text(), 'ps').length >= 1 && logs.counts.started, 'the first ps event and the log feed');
    for (let i = 0; i < 50; i++) logs.print(Buffer.from(`line ${i}\n`));
    const text = await waitFor(() => {
      const all = eventsOf(client.text(), 'log').map((data) => logText(data)).join('');
      return all.includes('line 49\n') && all;
    }, 'the 50 lines');
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
    // Batched: far fewer events than lines.
    expect(eventsOf(client.text(), 'log').length).toBeLessThan(10);
    const before = eventsOf(client.text(), 'ps').length;
    state = 'stopped';
    await waitFor(() => eventsOf(client.text(), 'ps').slice(before).some((data) => data.includes('"stopped"')), 'a ps event saying stopped');
    await waitFor(() => eventsOf(quiet.text(), 'ps').some((data) => data.includes('"stopped"')), 'the same on the quiet stream');
    expect(eventsOf(quiet.text(), 'log')).toEqual([]);
  });

  it('drops log text for a tab that does not read, counts it, and says so when it reads again', async () => {
    const { logs, client } = await tabOnFeed();
    client.response.pause();
    const chunk = Buffer.from(`${'x'.repeat(1023)}\n`);
    // 64 MiB over a few seconds, far past what the socket buffers and the tab's bound hold.
    for (let sent = 0; sent < 64 * 1024 * 1024; sent += chunk.length * 256) {
      for (let i = 0; i < 256; i++) logs.print(chunk);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    client.response.resume();
    const dropped = (): number => droppedBytes(client.text());
    await waitFor(() => dropped() > 32 * 1024 * 1024, () => `gap events counting most of it (${dropped()})`);
    const received = (): number => receivedBytes(client.text());
    // Every byte is either received or counted as dropped, and what got through is whole lines.
    await waitFor(() => received() + dropped() === 64 * 1024 * 1024, () => `received ${received()} + dropped ${dropped()} to be all 64 MiB`);
    expect(received()).toBeGreaterThan(0);
    expect(received()).toBeLessThan(CLIENT_BUFFER_BYTES * 8);
    expect(eventsOf(client.text(), 'log').every((data) => /^(x{1023}\n)+$/.test(logText(data)))).toBe(true);
    // After its gap the tab's stream is whole again.
    logs.print('after the flood\n');
    await waitFor(() => eventsOf(client.text(), 'log').some((data) => data.includes('after the flood')), 'the line after the flood');
  });
});

describe('gap events in a lasting flood', () => {
  it('come at most once a second to a tab that reads, so the page does not refetch its tail ten times a second', async () => {
    const { logs, client } = await tabOnFeed();
    // 2.5 s at some 10 MiB/s: four times what a batch carries, every batch drops some.
    const { fed, seconds } = await flood(logs, `${'y'.repeat(1023)}\n`, 100);
    const received = (): number => receivedBytes(client.text());
    const dropped = (): number => droppedBytes(client.text());
    // The last gap is out once every byte is accounted for; a line after it arrives as it is.
    await waitFor(() => received() + dropped() === fed, () => `received ${received()} + dropped ${dropped()} to be ${fed}`);
    logs.print('the end\n');
    await waitFor(() => client.text().includes('the end'), 'the last line after the last gap');
    const gaps = eventsOf(client.text(), 'gap').length;
    expect(gaps).toBeGreaterThanOrEqual(2);
    expect(gaps).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });

  it('renders log text only for what a tab is sent: none past a batch, none while every tab waits for its gap', async () => {
    const { logs, client } = await tabOnFeed();
    const line = `${'z'.repeat(1023)}\n`;
    // Each burst is eight batches' worth, so however slowly a loaded machine runs the loop or the
    // batch timer, most of every burst is past a batch.
    const { fed } = await flood(logs, line, 2000);
    const received = (): number => receivedBytes(client.text());
    const dropped = (): number => droppedBytes(client.text());
    await waitFor(() => received() + dropped() === fed, () => `received ${received()} + dropped ${dropped()} to be ${fed}`);
    // Everything rendered was sent: a flood ten times a batch made no text that went nowhere.
    expect(logs.counts.rendered).toBe(received());
    expect(received()).toBeLessThan(fed / 4);
    // Nor was it listened to past a full batch: most of the flood's lines never reached the hub.
    expect(logs.counts.calls).toBeLessThan(fed / line.length / 2);
  });
});
