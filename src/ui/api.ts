import type { IncomingMessage } from 'node:http';
import type { Handler } from '../control/server.js';
import { parseRequest, type Request } from '../control/protocol.js';
import { TfError } from '../util/errors.js';
import type { OutputRecord } from '../output/record.js';
import type { LogFeed, MetricsReply } from './events.js';
import type { ReleaseViews } from './releases.js';

/** What the dashboard reads beyond the control commands: the app, its types and start timeline. */
export interface UiContext {
  /** The control handler the CLI's commands go through: the page obeys the same rules. */
  handler: Handler;
  app: { name: string; root: string };
  formation(): Array<{ type: string; count: number; dependsOn: string[]; web: boolean }>;
  timeline(): Array<{ name: string; startedAt: number | null; readyAt: number | null }>;
  releases: ReleaseViews;
  /**
   * The merged stream, undecoded: straight from tf's log tail rather than through the `logs`
   * command, which decodes every chunk (a flood the page never shows would cost tf the decode).
   */
  logs: LogFeed<OutputRecord>;
}

/** A JSON answer and its status. */
export interface Answer {
  status: number;
  body: unknown;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Runs one control command as the CLI would: the same parser checks it (a bad target or count is
 * the same error), the same handler carries it out.
 */
export async function command(context: UiContext, body: Record<string, unknown>): Promise<unknown> {
  const request = parseRequest(JSON.stringify({ ...body, v: 1, id: null })) as Exclude<Request, { cmd: 'hello' }>;
  return context.handler(request);
}

export async function processes(context: UiContext): Promise<Array<Record<string, unknown>>> {
  return (await command(context, { cmd: 'ps' })) as Array<Record<string, unknown>>;
}

/** undefined when this tf has no `metrics` command (or sampling is off and it says so). */
export async function metrics(context: UiContext, since: number | undefined): Promise<MetricsReply | undefined> {
  try {
    return (await command(context, { cmd: 'metrics', ...(since === undefined ? {} : { since }) })) as MetricsReply | undefined;
  } catch {
    return undefined;
  }
}

export async function get(context: UiContext, path: string, query: URLSearchParams): Promise<Answer> {
  switch (path) {
    case '/api/state': {
      const rows = await processes(context);
      const release = rows.find((row) => typeof row.release === 'string')?.release ?? null;
      return ok({ app: context.app, processes: rows, types: context.formation(), timeline: context.timeline(), release, store: context.releases.exists() });
    }
    case '/api/metrics': {
      const since = numberParam(query.get('since'), 'since');
      const reply = await metrics(context, since);
      return ok(reply ?? { intervalMs: 0, processes: [] });
    }
    case '/api/logs': {
      const targets = (query.get('targets') ?? '').split(',').filter(Boolean);
      const lines = numberParam(query.get('lines'), 'lines');
      const reply = (await command(context, { cmd: 'logs', targets, follow: false, ...(lines === undefined ? {} : { lines }) })) as { text: string };
      return ok({ text: reply.text });
    }
    case '/api/releases':
      return ok(context.releases.list());
    case '/api/releases/diff':
      return ok(context.releases.diff(query.get('from'), query.get('to')));
    case '/api/releases/value':
      return ok(context.releases.value(query.get('release'), query.get('key')));
    default:
      return notFound(path);
  }
}

export async function post(context: UiContext, path: string, body: Record<string, unknown>): Promise<Answer> {
  switch (path) {
    case '/api/restart':
    case '/api/stop':
      return done(await command(context, { cmd: path.slice('/api/'.length), targets: body.targets ?? [] }));
    case '/api/start':
      return done(await startStopped(context, body.targets));
    case '/api/scale':
      return done(await command(context, { cmd: 'scale', formation: body.formation }));
    case '/api/rollback':
      return done(await context.releases.rollback(body.release));
    default:
      return notFound(path);
  }
}

/** What the CLI does for a stopped process (`tf stop worker`, then `tf restart worker`), only for those not running. */
async function startStopped(context: UiContext, targets: unknown): Promise<unknown> {
  if (targets !== undefined && (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string'))) throw new TfError('targets must be a list of process names or types', 'send e.g. {"targets":["worker"]}');
  const wanted = (targets as string[] | undefined) ?? [];
  const rows = await processes(context);
  const matches = (row: Record<string, unknown>, target: string): boolean => row.name === target || row.type === target;
  const unknown = wanted.filter((target) => !rows.some((row) => matches(row, target)));
  if (unknown.length > 0) throw new TfError(`no process or type named ${unknown.map((t) => `"${t}"`).join(', ')}`, 'see tf ps');
  const down = new Set(['stopped', 'crashed', 'exited']);
  const names = rows.filter((row) => down.has(String(row.state)) && (wanted.length === 0 || wanted.some((target) => matches(row, target)))).map((row) => String(row.name));
  if (names.length === 0) return { restarted: [], failed: [] };
  return command(context, { cmd: 'restart', targets: names });
}

/** The request's JSON body: an object, at most 64 KiB. */
export async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new TfError(`request body larger than ${MAX_BODY_BYTES} bytes`, 'send a small JSON object');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new TfError('the request body is not JSON', 'send a JSON object');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TfError('the request body must be a JSON object', 'send e.g. {"targets":["web.1"]}');
  return value as Record<string, unknown>;
}

function numberParam(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new TfError(`${name} must be a number`, `e.g. ?${name}=200`);
  return value;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

/** An action's answer: {"ok":true,"result":...}. */
function done(result: unknown): Answer {
  return ok({ ok: true, result });
}

function notFound(path: string): Answer {
  return { status: 404, body: { error: `no such endpoint: ${path}`, hint: 'see the tf ui section of the README' } };
}
