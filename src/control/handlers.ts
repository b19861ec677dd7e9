import type { Supervisor } from '../supervisor/supervisor.js';
import type { LogTail } from './log-tail.js';
import type { Handler } from './server.js';
import { Streaming } from './server.js';
import { grepPattern, logFilter } from './log-filter.js';
import { MAX_LOG_LINES, parseAttachMessage } from './protocol.js';
import type { Terminal, Viewer } from '../supervisor/terminal.js';
import { TfError } from '../util/errors.js';

/** What a tf start may add to the commands: `ui` serves the dashboard (absent: this tf cannot). */
export interface HandlerExtras {
  ui?: () => Promise<{ url: string; openUrl: string }>;
}

/** The control commands, each one call into the supervisor (or the log tail). */
export function controlHandler(supervisor: Supervisor, logs: LogTail, extras: HandlerExtras = {}): Handler {
  return async (request) => {
    switch (request.cmd) {
      case 'ps':
        return supervisor.processes();
      case 'scale':
        return supervisor.scaleAll(Object.entries(request.formation));
      case 'restart':
        return await supervisor.restart(request.targets, request.dependents ?? false);
      case 'stop':
        return { stopped: await supervisor.stop(request.targets) };
      case 'quit':
      case 'kill': {
        // Replies first, then stops; the connection stays open until tf exits (its end event).
        const command = request.cmd;
        return new Streaming({ pid: process.pid }, () => supervisor.shutdown({ kind: 'request', command }));
      }
      case 'ui':
        if (!extras.ui) throw new TfError('this tf cannot serve the dashboard', 'start it with tf start');
        return await extras.ui();
      case 'attach':
        return attachStream(supervisor.terminalOf(request.target), request);
      case 'logs': {
        checkTargets(request.targets, supervisor);
        const filter = logFilter(request.targets, request.grep === undefined ? undefined : grepPattern(request.grep));
        // Filtered, the last N lines that pass can lie far back among the others.
        const filtered = request.targets.length > 0 || request.grep !== undefined;
        const tail = filter.last(logs.tail(filtered ? MAX_LOG_LINES : request.lines), request.lines);
        if (!request.follow) return { lines: request.lines, text: tail };
        return new Streaming({ lines: request.lines }, (send, onClose) => {
          if (tail) send(tail);
          onClose(logs.subscribe((data) => {
            const kept = filter.keep(String(data));
            if (kept) send(kept);
          }));
        });
      }
    }
  };
}

/**
 * tf attach: the last screenful of raw output, then the output as it comes; the client's keystrokes
 * go to the terminal (if it is the most recent attacher) and its size becomes the terminal's.
 */
function attachStream({ name, terminal }: { name: string; terminal: Terminal }, request: { rows: number; cols: number }): Streaming {
  const viewer: Viewer = (data) => sendRaw?.(data);
  let sendRaw: ((data: Buffer) => void) | undefined;
  const receive = (line: string): void => {
    const message = parseAttachMessage(line);
    if (message && 'input' in message) terminal.write(viewer, message.input);
    else if (message) terminal.resize(message.resize);
  };
  return new Streaming(
    { name },
    (send, onClose, end) => {
      sendRaw = (data) => send(data.toString('base64'));
      const replay = terminal.lastLines(request.rows);
      if (replay.length > 0) sendRaw(replay);
      onClose(terminal.attach(viewer, end));
      terminal.resize({ rows: request.rows, cols: request.cols });
    },
    'tty',
    receive,
  );
}

/** A name that is neither a process nor a type of the running formation is a typo: say so. */
function checkTargets(targets: string[], supervisor: Supervisor): void {
  const rows = supervisor.processes();
  const known = new Set([...rows.map((row) => row.name), ...rows.map((row) => row.type)]);
  const unknown = targets.filter((target) => !known.has(target));
  if (unknown.length > 0) throw new TfError(`no process or type named ${unknown.map((t) => `"${t}"`).join(', ')} is running`, `running: ${[...new Set(rows.map((row) => row.type))].join(', ') || 'nothing'}`);
}
