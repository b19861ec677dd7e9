import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolError } from '../control/protocol.js';
import { errnoCode, TfError } from '../util/errors.js';
import type { OutputRecord } from '../output/record.js';
import { get, metrics, post, processes, readBody, type UiContext } from './api.js';
import { cookieValue, hostAllowed, newSecret, originAllowed, sameSecret, SECURITY_HEADERS, sessionCookie } from './auth.js';
import { EventClient, EventHub } from './events.js';
import { NotFound } from './releases.js';
import { pageDir, pageFile, staticFile } from './static.js';

const TICKET_MS = 60_000;
const MAX_CONNECTIONS = 128;
const MAX_TICKETS = 100;

/**
 * The dashboard's HTTP server, inside the running tf start: 127.0.0.1 only, on a port the kernel
 * picks, every request checked by the rules in auth.ts. It lives and dies with tf.
 */
export class UiServer {
  private readonly token = newSecret();
  /** One session secret for every tab: the cookie the token buys. */
  private readonly session = newSecret();
  private readonly server: Server;
  private readonly hub: EventHub<OutputRecord>;
  /** One-use sign-in links for a browser that tf ui starts, and when each expires. */
  private readonly tickets = new Map<string, number>();
  private port = 0;

  private constructor(private readonly context: UiContext) {
    this.hub = new EventHub({
      ps: () => processes(context),
      metrics: (since) => metrics(context, since),
      logs: context.logs,
    });
    this.server = createServer((request, response) => void this.serve(request, response).catch((error: unknown) => this.fail(response, error)));
    // Each costs a file descriptor in tf: a local program without the token must not exhaust them.
    this.server.maxConnections = MAX_CONNECTIONS;
  }

  static async start(context: UiContext): Promise<UiServer> {
    const ui = new UiServer(context);
    await new Promise<void>((resolve, reject) => {
      ui.server.once('error', (error) => reject(new TfError(`cannot serve the dashboard on 127.0.0.1 (${errnoCode(error) ?? error.message})`, 'is the loopback interface (lo) up?')));
      ui.server.listen(0, '127.0.0.1', () => resolve());
    });
    ui.port = (ui.server.address() as AddressInfo).port;
    return ui;
  }

  /** The address with the token: whoever has it can control this tf (a secret of the local user). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  /**
   * A sign-in link that works once, within a minute: what tf ui hands the browser it starts, whose
   * command line (and so the link) other users can see in ps. The token itself never goes there.
   */
  openUrl(): string {
    const now = Date.now();
    for (const [ticket, expires] of this.tickets) if (expires <= now) this.tickets.delete(ticket);
    // Nobody opens a hundred browsers in a minute: past that, the oldest link stops working.
    if (this.tickets.size >= MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value!);
    const ticket = newSecret();
    this.tickets.set(ticket, now + TICKET_MS);
    return `http://127.0.0.1:${this.port}/?ticket=${ticket}`;
  }

  /** The address alone, for messages that may end up in logs. */
  get address(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Stops listening and cuts every connection (event streams never end on their own). */
  async close(): Promise<void> {
    this.hub.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    // A DNS-rebinding page reaches 127.0.0.1 under its own name: refused before anything else.
    if (!hostAllowed(request, this.port)) return this.text(response, 421, 'tf ui answers only to 127.0.0.1 and localhost with its own port\n');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (request.method === 'GET' && path === '/' && url.searchParams.has('token')) return this.exchange(sameSecret(url.searchParams.get('token') ?? '', this.token), response);
    if (request.method === 'GET' && path === '/' && url.searchParams.has('ticket')) return this.exchange(this.useTicket(url.searchParams.get('ticket') ?? ''), response);
    if (!sameSecret(cookieValue(request), this.session)) return this.unauthorized(path, response);
    if (path.startsWith('/api/')) response.setHeader('Cache-Control', 'no-store');
    if (request.method === 'POST') {
      if (!originAllowed(request)) return this.json(response, 403, { error: 'refused: the request does not come from this page (Origin)', hint: 'use the dashboard itself' });
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return this.json(response, 415, { error: 'send JSON', hint: 'Content-Type: application/json' });
      const answer = await post(this.context, path, await readBody(request));
      return this.json(response, answer.status, answer.body);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, POST');
      return this.json(response, 405, { error: `${request.method} is not allowed`, hint: 'GET or POST' });
    }
    if (path === '/api/events') return this.events(request, response, url.searchParams.get('logs') !== '0');
    if (path.startsWith('/api/')) {
      const answer = await get(this.context, path, url.searchParams);
      return this.json(response, answer.status, answer.body);
    }
    return this.page(path, response);
  }

  /** A valid token or ticket buys the cookie; then straight to / so the secret leaves the address bar and history entry. */
  private exchange(valid: boolean, response: ServerResponse): void {
    if (!valid) return this.text(response, 401, 'wrong or used token: open the address tf ui prints\n');
    response.writeHead(303, { 'Set-Cookie': sessionCookie(this.session), Location: '/', 'Cache-Control': 'no-store' });
    response.end();
  }

  private useTicket(given: string): boolean {
    for (const [ticket, expires] of this.tickets) {
      if (!sameSecret(given, ticket)) continue;
      this.tickets.delete(ticket);
      return expires > Date.now();
    }
    return false;
  }

  private unauthorized(path: string, response: ServerResponse): void {
    if (path.startsWith('/api/')) return this.json(response, 401, { error: 'not signed in', hint: 'open the address tf ui prints (it carries the token)' });
    this.text(response, 401, 'tf ui: open the address `tf ui` prints (it carries the token)\n');
  }

  private async page(path: string, response: ServerResponse): Promise<void> {
    if (!pageFile(path)) return this.text(response, 404, 'not found\n');
    const dir = pageDir();
    if (!dir) return this.text(response, 503, 'the dashboard page is not built (npm run build)\n');
    const file = await staticFile(dir, path);
    if (!file) return this.text(response, 404, 'not found\n');
    response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': path.startsWith('/assets/') ? 'no-cache' : 'no-store' });
    response.end(file.body);
  }

  private async events(request: IncomingMessage, response: ServerResponse, logs: boolean): Promise<void> {
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    response.flushHeaders();
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    request.socket.setNoDelay(true);
    await this.hub.add(new EventClient(response, logs), closed);
  }

  private fail(response: ServerResponse, error: unknown): void {
    if (response.headersSent) return void response.destroy();
    if (error instanceof NotFound) return this.json(response, 404, { error: error.message, hint: error.hint });
    if (error instanceof TfError || error instanceof ProtocolError) return this.json(response, 400, { error: error.message, ...(error.hint ? { hint: error.hint } : {}) });
    this.json(response, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}`, hint: 'this is a bug in tf' });
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }

  private text(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }
}
