import type { OutputLine } from '../output/record.js';
import { recordLines } from '../output/record.js';
import { lineTest, plainText, sourceWanted, type LineQuery, type LogTail } from './log-tail.js';
import { grepPattern } from './log-filter.js';
import type { Request } from './protocol.js';
import { Streaming } from './server.js';

/** Lines as tf start printed them (its prefix, colours, --json): the multiplexer's render. */
export type Render = (lines: readonly OutputLine[]) => string;

type LogsRequest = Extract<Request, { cmd: 'logs' }>;

/**
 * `tf logs`: the last lines that pass the request's filters, then (following) each new record's
 * lines that pass, as text tf start printed or, with json, as one plain record a line.
 */
export function logsReply(request: LogsRequest, logs: LogTail, render: Render): Streaming | { lines: number; text: string } {
  const query: LineQuery = { targets: request.targets, ...(request.since === undefined ? {} : { since: request.since }), ...(request.grep === undefined ? {} : { grep: grepPattern(request.grep) }) };
  const format = request.json ? jsonLines : render;
  const tail = format(logs.tail(request.lines, query));
  if (!request.follow) return { lines: request.lines, text: tail };
  const test = lineTest(query);
  return new Streaming({ lines: request.lines }, (send, onClose) => {
    if (tail) send(tail);
    onClose(
      logs.subscribe((record) => {
        if (!sourceWanted(record.source.name, query.targets) || (query.since !== undefined && record.time < query.since)) return;
        const lines = recordLines(record).filter(test);
        if (lines.length > 0) send(format(lines));
      }),
    );
  });
}

/** One JSON object a line, without colour codes: {"time":ISO,"name":"web.1","stream":"stdout","line":"..."}. */
export function jsonLines(lines: readonly OutputLine[]): string {
  let out = '';
  for (const line of lines) {
    out += `${JSON.stringify({ time: new Date(line.time).toISOString(), name: line.source.name, stream: line.stream, line: plainText(line) })}\n`;
  }
  return out;
}
