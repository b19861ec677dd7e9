import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { TAG_VARIABLE } from '../helpers/processes.js';
import { namespace, namespaceUnsupported, type NsTf } from './namespace.js';

// Issue 9, observed case 6: an unrelated process that copies tf's marker into its environment is
// not tf's to kill. The stranger here copies the whole environment of a process tf started (so
// whatever marker tf uses, it has it), but tf did not start it.

const unsupported = namespaceUnsupported();
if (unsupported) console.warn(`containment scenarios skipped: ${unsupported}`);

const STOPS: Record<string, (tf: NsTf) => Promise<void>> = {
  'Ctrl-C (the shutdown sweep)': (tf) => tf.signal('SIGINT'),
  'kill -9 of tf (the watchdog)': (tf) => tf.signal('SIGKILL'),
};

// Default containment only. The portable fallback (TF_CONTAINMENT=portable) still SIGKILLs, at
// shutdown and from its watchdog, every process younger than tf that carries tf's marker, so a
// stranger started after tf with a copy of the marker dies there (README "Containment" says so).
describe.skipIf(unsupported)('a process that copied the environment of a tf process is not killed', () => {
  it.each(Object.keys(STOPS))('%s', async (stop) => {
    const ns = await namespace();
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\nworker: ${fixture('stubborn')}\n` });
    const tf = ns.tf(['start', '--no-timestamps', '-t', '1'], { cwd: root });
    const line = await tf.waitForLine('READY web');
    await tf.waitForLine('READY stubborn');
    const webPid = ns.outerPidOf(Number(/pid=(\d+)/.exec(line)![1]))!;
    const environ = readFileSync(`/proc/${webPid}/environ`, 'utf8').split('\0').filter(Boolean);
    const copied = Object.fromEntries(environ.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
    delete copied[TAG_VARIABLE];
    const stranger = await ns.stranger(undefined, copied);
    await STOPS[stop]!(tf);
    await tf.result();
    await ns.expectEmpty('every process tf started to end', 10_000);
    expect(stranger.describe()).toBe(`stranger ${stranger.nsPid} alive`);
  });
});
