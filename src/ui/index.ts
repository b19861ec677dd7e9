import { basename } from 'node:path';
import type { LogTail } from '../control/log-tail.js';
import { recordBytes, type OutputRecord } from '../output/record.js';
import type { Handler } from '../control/server.js';
import type { StoreLocation } from '../release/store.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { ReleaseViews } from './releases.js';
import { UiServer } from './server.js';

export type { UiServer } from './server.js';

export interface UiStart {
  handler: Handler;
  supervisor: Supervisor;
  logs: LogTail;
  /** A record as tf start printed it (prefix, colours). */
  render: (record: OutputRecord) => string;
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
    subscribeLogs: (listener) => start.logs.subscribe((record) => listener({ bytes: recordBytes(record), text: () => start.render(record) })),
  });
}
