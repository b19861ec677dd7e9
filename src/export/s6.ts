import { serviceDirs } from './service-dirs.js';
import { shQuote } from '../util/sh-quote.js';
import { FILE_MODE, SCRIPT_MODE, type ExportInput, type ExportResult } from './types.js';

/**
 * s6: a service directory per instance; s6-supervise sends down-signal on `s6-svc -d` and
 * SIGKILL once timeout-kill milliseconds (the drain) have passed.
 */
export function s6(input: ExportInput): ExportResult {
  return serviceDirs(input, {
    name: 's6',
    launcher: (user) => (user ? `s6-setuidgid ${shQuote(user)} ` : ''),
    extra: (type, dir) => [
      { path: `${dir}/down-signal`, content: `${type.stopSignal}\n`, mode: FILE_MODE },
      // 0 would mean "never kill": a drain of 0 kills after 1 ms.
      { path: `${dir}/timeout-kill`, content: `${Math.max(1, type.drainMs)}\n`, mode: FILE_MODE },
      // A finish script exiting 125 tells s6-supervise not to restart the service.
      ...(type.restart.kind === 'restart' ? [] : [{ path: `${dir}/finish`, content: '#!/bin/sh\n# The process ended: keep the service down rather than restart it (tf.yml restart policy).\nexit 125\n', mode: SCRIPT_MODE }]),
    ],
  });
}
