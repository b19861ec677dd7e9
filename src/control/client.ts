import { connect, type Socket } from 'node:net';
import { TfError, errnoCode } from '../util/errors.js';
import { encode, PROTOCOL_VERSION, type Reply, type Request, type StreamEvent } from './protocol.js';

type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'v' | 'id'> : never) : never;

export interface ControlTarget {
  /** The socket. */
  path: string;
  /** The app root, for messages. */
  root: string;
}

/**
 * Sends one request and resolves with its result; with `onEvent`, keeps the connection for the
 * events that follow (tf logs) and resolves when the stream ends. A tf that is not running (no
 * socket, or a stale one nobody listens on) is one clear error.
 */
export function controlRequest(target: ControlTarget, body: RequestBody, onEvent?: (event: StreamEvent, socket: Socket) => void, signal?: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: target.path });
    signal?.addEventListener('abort', () => socket.destroy());
    let pending = '';
    let replied = false;
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(encode({ v: PROTOCOL_VERSION, id: 1, ...body } as Request)));
    socket.on('error', (error) => reject(connectionError(error, target)));
    socket.on('close', () => {
      if (!replied && !signal?.aborted) reject(new TfError(`tf in ${target.root} closed the connection without answering`, 'it may be stopping; check with tf ps'));
      resolve(undefined);
    });
    socket.on('data', (text: string) => {
      pending += text;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const message = JSON.parse(line) as Reply | StreamEvent;
        if ('event' in message) {
          if (message.event === 'end') socket.end();
          onEvent?.(message, socket);
          continue;
        }
        replied = true;
        if (!message.ok) {
          socket.destroy();
          return reject(new TfError(message.error, message.hint));
        }
        if (!onEvent) {
          socket.end();
          return resolve(message.result);
        }
      }
    });
  });
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
