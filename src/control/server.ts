import { chmodSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TfError, errnoCode } from '../util/errors.js';
import { encode, MAX_MESSAGE_BYTES, parseRequest, PROTOCOL_VERSION, ProtocolError, type Reply, type Request, type RequestId } from './protocol.js';
import { inodeOf, prepareSocketDir, removeStaleSocket, type SocketPlace } from './socket-path.js';

/**
 * A result whose reply is followed by a stream of events (tf logs, tf attach); `start` runs after
 * the reply. With `receive`, the lines the client sends after it go there instead of being requests.
 */
export class Streaming {
  constructor(
    readonly result: unknown,
    readonly start: (send: (data: string) => void, onClose: (cleanUp: () => void) => void, end: () => void) => void,
    readonly event: 'output' | 'tty' = 'output',
    readonly receive?: (line: string) => void,
  ) {}
}

export type Handler = (request: Exclude<Request, { cmd: 'hello' }>) => unknown;

/** More clients than this at once are turned away: each costs a file descriptor. */
const MAX_CLIENTS = 64;
/** A connection that sends no request for this long is closed (a stream or a running request is not idle). */
export const IDLE_MS = 3000;
/** How often a request still running says so, well inside a client's 5 s default timeout. */
const BUSY_EVERY_MS = 1000;
/** A `tf logs` reader this far behind is cut off rather than buffered without bound. */
const MAX_BEHIND_BYTES = 8 << 20;
const PROBE_TIMEOUT_MS = 1000;

/**
 * The control socket of a running `tf start`. Only a Unix socket (mode 0600 in a 0700 folder):
 * nothing listens on TCP. Each connection is read independently, so a client that connects and
 * sends nothing, or a slow one, holds up no one else; a bad request gets an error reply.
 */
export class ControlServer {
  private handler: Handler | undefined;
  private readonly server: Server;
  /** Each client: how many of its requests are still running, since when it is idle, its idle timer. */
  private readonly sockets = new Map<Socket, ClientState>();
  private readonly streams = new Map<Socket, RequestId>();
  private readonly receivers = new Map<Socket, (line: string) => void>();
  private inode: number | undefined;
  private closing = false;

  private constructor(
    readonly path: string,
    private readonly root: string,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on `path`; replaces a stale socket, refuses when a live tf answers on it. */
  static async open(place: SocketPlace, root: string): Promise<ControlServer> {
    const path = place.path;
    prepareSocketDir(place);
    const control = new ControlServer(path, root);
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          control.server.once('error', reject);
          control.server.listen(path, () => (control.server.off('error', reject), resolve()));
        });
        break;
      } catch (error) {
        if (errnoCode(error) !== 'EADDRINUSE' || attempt > 0) throw new TfError(`cannot listen on ${path} (${errnoCode(error) ?? String(error)})`, 'choose another path with --control-socket');
        const live = await probe(path);
        if (live) throw new AlreadyRunning(root, live.pid);
        removeStaleSocket(path);
      }
    }
    chmodSync(path, 0o600);
    control.inode = inodeOf(path);
    return control;
  }

  serve(handler: Handler): void {
    this.handler = handler;
  }

  /** Ends every connection (streams get an end event), stops listening, removes the socket. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const [socket, id] of this.streams) this.write(socket, encode({ v: PROTOCOL_VERSION, id, event: 'end' }));
    for (const socket of this.sockets.keys()) socket.end();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Only our own socket: a tf started after us may have replaced it (when ours looked stale).
    if (this.inode !== undefined && inodeOf(this.path) === this.inode) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
    for (const socket of this.sockets.keys()) socket.destroySoon();
    await closed;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => {});
    // Idle clients never starve a new one: the longest idle makes room.
    if (!this.closing && this.sockets.size >= MAX_CLIENTS) this.dropIdlest();
    if (this.closing || this.sockets.size >= MAX_CLIENTS) {
      socket.end(encode(failure(null, this.closing ? 'tf is stopping' : `too many control clients at once (${MAX_CLIENTS})`, 'try again in a moment')));
      return;
    }
    const state: ClientState = { running: 0, since: Date.now(), timer: undefined };
    this.sockets.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.timer);
      this.sockets.delete(socket);
      this.streams.delete(socket);
      this.receivers.delete(socket);
    });
    this.armIdle(socket, state);
    let pending: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        const line = Buffer.concat([...pending, chunk.subarray(start, nl)]);
        pending = [];
        size = 0;
        start = nl + 1;
        if (line.length > MAX_MESSAGE_BYTES) return this.tooLarge(socket, onData);
        const receiver = this.receivers.get(socket);
        if (receiver && line.length > 0) receiver(line.toString('utf8'));
        else if (line.length > 0) void this.dispatch(line.toString('utf8'), socket);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
      size += chunk.length - start;
      if (size > MAX_MESSAGE_BYTES) this.tooLarge(socket, onData);
    };
    socket.on('data', onData);
  }

  /**
   * Only a whole request resets the count, not any byte: a client dribbling a partial line holds a
   * place as surely as a silent one. A running request or a stream is never idle.
   */
  private armIdle(socket: Socket, state: ClientState): void {
    clearTimeout(state.timer);
    state.since = Date.now();
    state.timer = setTimeout(() => {
      if (this.isIdle(socket)) this.dropIdle(socket);
    }, IDLE_MS).unref();
  }

  private isIdle(socket: Socket): boolean {
    const state = this.sockets.get(socket);
    return state !== undefined && state.running === 0 && !this.streams.has(socket);
  }

  private dropIdle(socket: Socket): void {
    this.sockets.delete(socket);
    socket.end(encode(failure(null, `closed: no request for ${IDLE_MS / 1000}s`, 'send a request right after connecting')));
    socket.destroySoon();
  }

  private dropIdlest(): void {
    let idlest: Socket | undefined;
    for (const [socket, state] of this.sockets) {
      if (this.isIdle(socket) && (idlest === undefined || state.since < this.sockets.get(idlest)!.since)) idlest = socket;
    }
    if (idlest) this.dropIdle(idlest);
  }

  private tooLarge(socket: Socket, onData: (chunk: Buffer) => void): void {
    socket.off('data', onData);
    socket.end(encode(failure(null, `message larger than ${MAX_MESSAGE_BYTES} bytes`, 'send one request a line, each under 64 KiB')));
  }

  private async dispatch(line: string, socket: Socket): Promise<void> {
    const state = this.sockets.get(socket);
    if (!state) return;
    state.running++;
    clearTimeout(state.timer);
    let id: RequestId = null;
    // Never what keeps tf alive: a request still running at exit is cut off with its socket.
    const busy = setInterval(() => this.write(socket, encode({ v: 1, id, event: 'busy' })), BUSY_EVERY_MS).unref();
    try {
      const request = parseRequest(line);
      id = request.id;
      if (request.cmd === 'hello') return this.reply(socket, { v: 1, id, ok: true, result: { pid: process.pid, root: this.root, protocol: PROTOCOL_VERSION } });
      if (!this.handler) throw new TfError('tf is still starting', 'try again in a moment');
      const result = await this.handler(request);
      if (!(result instanceof Streaming)) return this.reply(socket, { v: 1, id, ok: true, result });
      this.reply(socket, { v: 1, id, ok: true, result: result.result });
      this.streams.set(socket, id);
      if (result.receive) this.receivers.set(socket, result.receive);
      const event = result.event;
      result.start(
        (data) => this.write(socket, encode({ v: 1, id, event, data })),
        (cleanUp) => socket.once('close', cleanUp),
        () => {
          this.write(socket, encode({ v: 1, id, event: 'end' }));
          socket.end();
        },
      );
    } catch (error) {
      if (error instanceof ProtocolError) return this.reply(socket, failure(error.id, error.message, error.hint));
      if (error instanceof TfError) return this.reply(socket, failure(id, error.message, error.hint));
      this.reply(socket, failure(id, `internal error: ${error instanceof Error ? error.message : String(error)}`, 'this is a bug in tf'));
    } finally {
      clearInterval(busy);
      if (--state.running === 0 && !this.streams.has(socket)) this.armIdle(socket, state);
    }
  }

  private reply(socket: Socket, reply: Reply): void {
    this.write(socket, encode(reply));
  }

  private write(socket: Socket, text: string): void {
    if (socket.destroyed || !socket.writable) return;
    socket.write(text);
    if (socket.writableLength > MAX_BEHIND_BYTES) socket.destroy();
  }
}

interface ClientState {
  running: number;
  since: number;
  timer: NodeJS.Timeout | undefined;
}

/** A second tf start in the same root: always refused, wherever its socket lives. */
export class AlreadyRunning extends TfError {
  constructor(root: string, pid: number | undefined) {
    super(`tf start is already running in ${root}${pid ? ` (pid ${pid})` : ''}`, 'stop it first, or control it with tf ps, tf scale, tf restart, tf stop');
  }
}

function failure(id: RequestId, error: string, hint?: string): Reply {
  return { v: 1, id, ok: false, error, ...(hint ? { hint } : {}) };
}

/** Asks whoever listens on `path` for its pid; undefined when nobody does (a stale socket). */
function probe(path: string): Promise<{ pid?: number } | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    let text = '';
    const done = (value: { pid?: number } | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    // Something accepted the connection: it is alive even if it never answers.
    const timer = setTimeout(() => done({}), PROBE_TIMEOUT_MS);
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write(encode({ v: 1, id: 'probe', cmd: 'hello' })));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('\n')) return;
      try {
        const reply = JSON.parse(text.slice(0, text.indexOf('\n'))) as { result?: { pid?: number } };
        done({ pid: reply.result?.pid });
      } catch {
        done({});
      }
    });
  });
}
