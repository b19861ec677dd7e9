import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { onTestFinished } from 'vitest';
import type { TfProcess } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

/** What tf ui's server answered. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Call {
  method?: string;
  /** Host header; default 127.0.0.1:PORT. */
  host?: string;
  cookie?: string;
  origin?: string;
  json?: unknown;
  /** A raw body and its type, instead of json. */
  body?: string;
  contentType?: string;
}

/** The dashboard's address as `tf start --ui` prints it on stderr. */
export async function dashboardUrl(tf: TfProcess): Promise<URL> {
  const line = await waitFor(() => tf.stderr.split('\n').find((l) => l.startsWith('tf | dashboard ')), () => `the dashboard line (stderr: ${tf.stderr})`);
  return new URL(line.slice('tf | dashboard '.length));
}

/** One request with node:http (fetch may not set Host). */
export function call(port: number, path: string, options: Call = {}): Promise<Answer> {
  const body = options.json === undefined ? options.body : JSON.stringify(options.json);
  const headers: Record<string, string> = { Host: options.host ?? `127.0.0.1:${port}` };
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.origin) headers.Origin = options.origin;
  if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Exchanges the URL's token for the session cookie, as the browser does on the first visit. */
export async function signIn(url: URL): Promise<string> {
  const answer = await call(Number(url.port), `/${url.search}`);
  if (answer.status !== 303) throw new Error(`token exchange answered ${answer.status}: ${answer.body}`);
  const cookie = String(answer.headers['set-cookie']?.[0] ?? '');
  return cookie.split(';')[0]!;
}

/** A signed-in client of one dashboard: JSON in, JSON out. */
export class Dashboard {
  readonly port: number;
  constructor(
    readonly url: URL,
    readonly cookie: string,
  ) {
    this.port = Number(url.port);
  }

  static async open(tf: TfProcess): Promise<Dashboard> {
    const url = await dashboardUrl(tf);
    return new Dashboard(url, await signIn(url));
  }

  async get<T = unknown>(path: string): Promise<T> {
    const answer = await call(this.port, path, { cookie: this.cookie });
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body) as T;
  }

  async post<T = unknown>(path: string, json: unknown): Promise<T> {
    const answer = await call(this.port, path, { cookie: this.cookie, origin: `http://127.0.0.1:${this.port}`, json });
    if (answer.status !== 200) throw new Error(`POST ${path}: ${answer.status} ${answer.body}`);
    return (JSON.parse(answer.body) as { result: T }).result;
  }

  /** An /api/events stream, read as it comes; closed when the test ends. */
  events(query = ''): EventStream {
    return new EventStream(this.port, `/api/events${query}`, this.cookie);
  }
}

export interface ServerEvent {
  event: string;
  data: string;
  /** When it arrived (Date.now()). */
  at: number;
}

export class EventStream {
  readonly events: ServerEvent[] = [];
  private pending = '';
  response: IncomingMessage | undefined;
  private readonly req;

  constructor(port: number, path: string, cookie: string) {
    this.req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, Cookie: cookie } }, (res) => {
      this.response = res;
      res.setEncoding('utf8').on('data', (chunk: string) => this.take(chunk));
    });
    this.req.on('error', () => {});
    this.req.end();
    onTestFinished(() => void this.req.destroy());
  }

  close(): void {
    this.req.destroy();
  }

  /** The first event after index `from` for which `check` holds. */
  next(check: (event: ServerEvent) => boolean, what: string, timeoutMs = 20_000, from = 0): Promise<ServerEvent> {
    return waitFor(() => this.events.slice(from).find(check), () => `an event: ${what} (got ${this.events.map((e) => e.event).join(' ')})`, timeoutMs);
  }

  private take(chunk: string): void {
    this.pending += chunk;
    for (let end = this.pending.indexOf('\n\n'); end !== -1; end = this.pending.indexOf('\n\n')) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      this.events.push({ event, data, at: Date.now() });
    }
  }
}
