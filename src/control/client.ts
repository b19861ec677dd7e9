import { connect, type Socket } from 'node:net';
import { formatDuration } from '../config/duration.js';
import { TfError, errnoCode } from '../util/errors.js';
import { encode, PROTOCOL_VERSION, type Reply, type Request, type StreamEvent } from './protocol.js';

type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'v' | 'id'> : never) : never;

export const DEFAULT_TIMEOUT_MS = 5000;
const MAX_PENDING_CHARS = 64 << 20;

export interface ControlTarget {
  /** The socket. */
  path: string;
  /** Where to look when `path` is missing: the short place a tf in a read-only checkout uses. */
  otherPath?: string;
  /** The app root, for messages. */
  root: string;
  /** How long tf may stay silent before the reply (it says `busy` while a request runs long). */
  timeoutMs?: number;
}

/**
 * Sends one request and resolves with its result; with `onEvent`, keeps the connection for the
 * events that follow (tf logs) and resolves when the stream ends. A tf that is not running (no
 * socket, or a stale one nobody listens on), one that stays silent (stopped with Ctrl-Z or
 * SIGSTOP) and something that does not speak the protocol are each one clear error.
 */
export function controlRequest(
  target: ControlTarget,
  body: RequestBody,
  onEvent?: (event: StreamEvent, socket: Socket) => void,
  signal?: AbortSignal,
  onReply?: (result: unknown, socket: Socket) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let pending = '';
    let replied = false;
    const fail = (error: Error): void => {
      socket.destroy();
      settle(() => reject(error));
    };
    const settle = (then: () => void): void => {
      clearTimeout(timer);
      if (!settled) (settled = true), then();
    };
    // Any message from tf proves it alive; only silence before the reply counts against it.
    const arm = (): void => {
      clearTimeout(timer);
      if (!replied) timer = setTimeout(() => fail(silent(target, timeoutMs)), timeoutMs);
    };
    arm();
    signal?.addEventListener('abort', () => (socket.destroy(), settle(() => resolve(undefined))));
    const onData = (text: string): void => {
      if (settled) return;
      pending += text;
      // tf's messages end in a newline well before this (its largest, a tail of logs, is ~1 MiB).
      if (pending.length > MAX_PENDING_CHARS && !pending.includes('\n')) return fail(notTf(target));
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const message = parseMessage(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        if (!message) return fail(notTf(target));
        arm();
        if ('event' in message) {
          if (message.event === 'busy') continue;
          if (message.event === 'end') socket.end();
          onEvent?.(message, socket);
          continue;
        }
        replied = true;
        clearTimeout(timer);
        if (!message.ok) return fail(new TfError(message.error, message.hint));
        onReply?.(message.result, socket);
        if (!onEvent) {
          socket.end();
          return settle(() => resolve(message.result));
        }
      }
    };
    const open = (path: string, otherPath?: string): void => {
      socket = connect({ path });
      socket.setEncoding('utf8');
      socket.once('connect', () => socket.write(encode({ v: PROTOCOL_VERSION, id: 1, ...body } as Request)));
      socket.on('error', (error) => {
        // A tf in a read-only checkout listens at the short place: look there next.
        if (otherPath !== undefined && errnoCode(error) === 'ENOENT') return void (socket.removeAllListeners('close'), open(otherPath));
        fail(connectionError(error, { ...target, path }));
      });
      socket.on('close', () => {
        if (!replied) fail(new TfError(`tf in ${target.root} closed the connection without answering`, 'it may be stopping; check with tf ps'));
        settle(() => resolve(undefined));
      });
      socket.on('data', onData);
    };
    open(target.path, target.otherPath);
  });
}

/** A reply or an event of this protocol; undefined for anything else (not JSON, not ours). */
function parseMessage(line: string): Reply | StreamEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || (value as { v?: unknown }).v !== PROTOCOL_VERSION) return undefined;
  const message = value as Record<string, unknown>;
  if (typeof message.event === 'string') return message as unknown as StreamEvent;
  if (message.ok === true || (message.ok === false && typeof message.error === 'string')) return message as unknown as Reply;
  return undefined;
}

function silent(target: ControlTarget, timeoutMs: number): TfError {
  return new TfError(`tf in ${target.root} did not answer within ${formatDuration(timeoutMs)}`, 'it may be stopped (Ctrl-Z, SIGSTOP) or overloaded; resume it (fg, kill -CONT), or wait longer with --timeout');
}

function notTf(target: ControlTarget): TfError {
  return new TfError(`${target.path} answered, but not as tf's control socket`, 'is another program listening there? name tf\'s socket with --control-socket');
}

function connectionError(error: Error, target: ControlTarget): Error {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK') {
    const stale = code === 'ENOENT' ? '' : ' (its control socket is stale: the tf that made it is gone)';
    return new TfError(`no tf start is running in ${target.root}${stale}`, 'start one with tf start, or name its root with -d');
  }
  if (code === 'EACCES') return new TfError(`cannot connect to ${target.path} (permission denied)`, 'the tf running there belongs to another user');
  return new TfError(`cannot connect to ${target.path} (${code ?? error.message})`, 'check the path, or set it with --control-socket');
}
