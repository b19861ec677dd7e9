import { basename } from 'node:path';
import type { LogTail } from '../control/log-tail.js';
import type { OutputRecord } from '../output/record.js';
import type { Handler } from '../control/server.js';
import type { StoreLocation } from '../release/store.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { ReleaseViews } from './releases.js';
import { UiServer } from './server.js';

export type { UiServer } from './server.js';

/** What starts each line of a log event's data: the page gets the lines as printed, no JSON around them. */
const DATA_LINE = Buffer.from('data: ');

export interface UiStart {
  handler: Handler;
  supervisor: Supervisor;
  logs: LogTail;
  /** A record as tf start printed it (prefix, colours), with `lead` before each line. */
  render: (record: OutputRecord, lead: Buffer) => Buffer | string;
  root: string;
  store: StoreLocation;
}

/** The dashboard for one tf start. Required only when asked for: tf without --ui or tf ui loads none of this. */
export function startUi(start: UiStart): Promise<UiServer> {
  return UiServer.start({
    handler: start.handler,
    app: { name: basename(start.root), root: start.root },
    formation: () => start.supervisor.formation(),
    timeline: () => start.supervisor.timeline(),
    releases: new ReleaseViews(start.store),
    logs: { subscribe: (listener) => start.logs.subscribe(listener), written: () => start.logs.written, render: (record) => start.render(record, DATA_LINE) },
  });
}
