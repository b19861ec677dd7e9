import { isProcessCount, PROCESS_COUNT_HINT } from '../formation/scale.js';

/**
 * The control protocol: newline-delimited JSON over a Unix socket, one request a line.
 *   -> {"v":1,"id":7,"cmd":"ps"}
 *   <- {"v":1,"id":7,"ok":true,"result":[...]}   or   {"v":1,"id":7,"ok":false,"error":"...","hint":"..."}
 * `logs` then streams {"v":1,"id":7,"event":"output","data":"..."} until {"event":"end"}; with
 * "follow":false its result holds the last lines instead ({"lines":200,"text":"..."}) and no stream.
 * A request still running after a second (a restart draining) gets {"event":"busy"} each second
 * until its reply, so a client can tell a busy tf from a stopped one by silence alone. `quit` and
 * `kill` reply at once, then send {"event":"end"} when tf has stopped everything and is exiting.
 * `attach` (a tty-mode process) replies {"name":"web.1"}, then streams its raw terminal output as
 * {"event":"tty","data":BASE64}; after the reply, each line the client sends is {"input":BASE64}
 * (keystrokes) or {"resize":{"rows":R,"cols":C}}; closing the connection detaches.
 * `ui` starts the dashboard server inside tf if it does not run yet and replies {"url":...,"openUrl":...}: the
 * address with its token, and a sign-in link that works once within a minute (for a browser's command line).
 * A version other than 1 is refused, so a newer client never gets a misread answer.
 */
export const PROTOCOL_VERSION = 1;
/** Larger requests are refused and the connection closed: nothing legitimate comes near it. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const COMMANDS = ['hello', 'ps', 'scale', 'restart', 'stop', 'logs', 'quit', 'kill', 'attach', 'ui'] as const;
export const DEFAULT_LOG_LINES = 200;
export const MAX_LOG_LINES = 10_000;

export type CommandName = (typeof COMMANDS)[number];
export type RequestId = string | number | null;

export type Request =
  | { v: 1; id: RequestId; cmd: 'hello' | 'ps' | 'quit' | 'kill' | 'ui' }
  | { v: 1; id: RequestId; cmd: 'scale'; formation: Record<string, number> }
  | { v: 1; id: RequestId; cmd: 'restart' | 'stop'; targets: string[]; dependents?: boolean }
  /** targets: process names or types, none for all; grep: a RegExp source; follow false: the tail alone, as the result {text}. */
  | { v: 1; id: RequestId; cmd: 'logs'; lines: number; targets: string[]; follow: boolean; grep?: string }
  /** target: a process name (web.1) or a type running one; rows: how much earlier output to replay. */
  | { v: 1; id: RequestId; cmd: 'attach'; target: string; rows: number; cols: number };

export type Reply =
  | { v: 1; id: RequestId; ok: true; result: unknown }
  | { v: 1; id: RequestId; ok: false; error: string; hint?: string };

export type StreamEvent = { v: 1; id: RequestId; event: 'output' | 'tty'; data: string } | { v: 1; id: RequestId; event: 'end' | 'busy' };

/** What an attached client sends after the reply. */
export type AttachMessage = { input: Buffer } | { resize: { rows: number; cols: number } };

/** One line from an attached client; undefined for anything else (ignored: a keystroke is not worth a disconnect). */
export function parseAttachMessage(line: string): AttachMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const message = value as { input?: unknown; resize?: { rows?: unknown; cols?: unknown } } | null;
  if (typeof message?.input === 'string') return { input: Buffer.from(message.input, 'base64') };
  const rows = message?.resize?.rows;
  const cols = message?.resize?.cols;
  if (isSize(rows) && isSize(cols)) return { resize: { rows, cols } };
  return undefined;
}

function isSize(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0 && (value as number) < 10_000;
}

/** A request that cannot be served; `id` is echoed when the request had a usable one. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly id: RequestId = null,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function encode(message: Request | Reply | StreamEvent): string {
  return `${JSON.stringify(message)}\n`;
}

/** Parses and validates one request line; throws ProtocolError for anything malformed. */
export function parseRequest(line: string): Request {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError('malformed JSON', null, 'send one JSON object a line');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ProtocolError('a request must be a JSON object');
  const message = value as Record<string, unknown>;
  const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
  if (message.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(`unsupported protocol version ${JSON.stringify(message.v ?? null)}`, id, `this tf speaks version ${PROTOCOL_VERSION}; use the tf that started it`);
  }
  const cmd = message.cmd;
  if (typeof cmd !== 'string' || !(COMMANDS as readonly string[]).includes(cmd)) {
    throw new ProtocolError(`unknown command ${JSON.stringify(cmd ?? null)}`, id, `known commands: ${COMMANDS.join(', ')}`);
  }
  switch (cmd as CommandName) {
    case 'hello':
    case 'ps':
    case 'quit':
    case 'kill':
    case 'ui':
      return { v: 1, id, cmd: cmd as 'hello' | 'ps' | 'quit' | 'kill' | 'ui' };
    case 'scale':
      return { v: 1, id, cmd: 'scale', formation: formationOf(message.formation, id) };
    case 'restart':
    case 'stop': {
      const request = { v: 1 as const, id, cmd: cmd as 'restart' | 'stop', targets: stringsOf(message.targets, id) };
      if (message.dependents === undefined) return request;
      if (cmd !== 'restart' || typeof message.dependents !== 'boolean') throw new ProtocolError('dependents must be true or false, and only for restart', id);
      return { ...request, dependents: message.dependents };
    }
    case 'attach': {
      if (typeof message.target !== 'string' || message.target === '') throw new ProtocolError('attach needs a target: a process name like web.1', id);
      const rows = isSize(message.rows) ? message.rows : 24;
      const cols = isSize(message.cols) ? message.cols : 80;
      return { v: 1, id, cmd: 'attach', target: message.target, rows, cols };
    }
    case 'logs': {
      const lines = message.lines ?? DEFAULT_LOG_LINES;
      if (!Number.isInteger(lines) || (lines as number) < 0 || (lines as number) > MAX_LOG_LINES) throw new ProtocolError(`lines must be a whole number from 0 to ${MAX_LOG_LINES}`, id);
      if (message.follow !== undefined && typeof message.follow !== 'boolean') throw new ProtocolError('follow must be true or false', id);
      if (message.grep !== undefined && typeof message.grep !== 'string') throw new ProtocolError('grep must be a string', id);
      return { v: 1, id, cmd: 'logs', lines: lines as number, targets: stringsOf(message.targets, id), follow: message.follow !== false, ...(message.grep === undefined ? {} : { grep: message.grep }) };
    }
  }
}

function formationOf(value: unknown, id: RequestId): Record<string, number> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new ProtocolError('scale needs a formation: {"web": 2}', id);
  }
  for (const [type, count] of Object.entries(value)) {
    if (!isProcessCount(count)) throw new ProtocolError(`${type}=${JSON.stringify(count)}: not a process count`, id, PROCESS_COUNT_HINT);
  }
  return value as Record<string, number>;
}

function stringsOf(value: unknown, id: RequestId): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) throw new ProtocolError('targets must be a list of process names or types', id);
  return value as string[];
}
