import { TfError } from '../util/errors.js';
import type { Exporter } from './types.js';

export const FORMATS = ['systemd', 'supervisord', 'kubernetes', 'compose', 'runit', 's6', 'launchd'] as const;
export type Format = (typeof FORMATS)[number];

/** The generator for a format, loaded only when asked for (kubernetes and compose load yaml). */
export async function exporterFor(format: string): Promise<Exporter> {
  switch (format) {
    case 'systemd': return (await import('./systemd.js')).systemd;
    case 'supervisord': return (await import('./supervisord.js')).supervisord;
    case 'kubernetes': return (await import('./kubernetes.js')).kubernetes;
    case 'compose': return (await import('./compose.js')).compose;
    case 'runit': return (await import('./runit.js')).runit;
    case 's6': return (await import('./s6.js')).s6;
    case 'launchd': return (await import('./launchd.js')).launchd;
    default: throw new TfError(`"${format}" is not an export format`, `use one of ${FORMATS.join(', ')}`);
  }
}
