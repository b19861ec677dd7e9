import type { Supervisor } from '../supervisor/supervisor.js';
import type { LogTail } from './log-tail.js';
import type { Handler } from './server.js';
import { Streaming } from './server.js';

/** The control commands, each one call into the supervisor (or the log tail). */
export function controlHandler(supervisor: Supervisor, logs: LogTail): Handler {
  return async (request) => {
    switch (request.cmd) {
      case 'ps':
        return supervisor.processes();
      case 'scale':
        return supervisor.scaleAll(Object.entries(request.formation));
      case 'restart':
        return { restarted: await supervisor.restart(request.targets) };
      case 'stop':
        return { stopped: await supervisor.stop(request.targets) };
      case 'quit':
      case 'kill': {
        // Replies first, then stops; the connection stays open until tf exits (its end event).
        const command = request.cmd;
        return new Streaming({ pid: process.pid }, () => supervisor.shutdown({ kind: 'request', command }));
      }
      case 'logs':
        return new Streaming({ lines: request.lines }, (send, onClose) => {
          const tail = logs.tail(request.lines);
          if (tail) send(tail);
          onClose(logs.subscribe(send));
        });
    }
  };
}
