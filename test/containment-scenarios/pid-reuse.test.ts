import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { MODES, namespace, namespaceUnsupported, type Namespace, type NsTf, type Stranger } from './namespace.js';

// Issue 9, observed case 1: tf must never signal a process it did not start, even when the
// kernel has handed a PID (and process group number) of tf's to a stranger. Each test forces the
// reuse inside a private PID namespace (ns_last_pid), so the stranger gets exactly that number.

const unsupported = namespaceUnsupported();
if (unsupported) console.warn(`containment scenarios skipped: ${unsupported}`);

/** A Procfile command that prints its own pid and process group, then runs `rest`. */
const reportIds = (rest: string): string => `echo "ids pid=$$ pgid=$(cut -d' ' -f5 /proc/$$/stat)"; ${rest}`;

/** The pid and process group number a process printed with reportIds, as seen inside the namespace. */
async function idsOf(tf: NsTf, name: string): Promise<number[]> {
  const line = await tf.waitForLine(new RegExp(`^${name.replace('.', '\\.')} +\\| ids pid=`));
  const [, pid, pgid] = /pid=(\d+) pgid=(\d+)/.exec(line)!;
  return [...new Set([Number(pid), Number(pgid)])];
}

/** A stranger on every one of `ids` the kernel can hand out again (the process that held it is gone). */
async function strangersOn(ns: Namespace, ids: number[]): Promise<Stranger[]> {
  const strangers: Stranger[] = [];
  for (const id of ids) strangers.push(await ns.stranger(id));
  return strangers;
}

describe.skipIf(unsupported).each(Object.keys(MODES))('a stranger that reuses the pid of a process tf started is never signalled (%s containment)', (mode) => {
  it('shutdown path: a restart:ignore process exited but its setsid child kept the output pipe; Ctrl-C', async () => {
    const ns = await namespace();
    const root = tmpApp({
      // The shell exits at once; its setsid child keeps the shell's stdout, so tf's pipe stays open.
      Procfile: `lone: ${reportIds("setsid sleep 600 & sleep 0.5; exit 0")}\nweb: ${fixture('drain', '50')}\n`,
      'tf.yml': 'processes:\n  lone:\n    restart: ignore\n',
    });
    const tf = ns.tf(['start', '--no-timestamps', '-t', '2'], { cwd: root, env: MODES[mode] });
    await tf.waitForLine('READY web');
    const ids = await idsOf(tf, 'lone.1');
    const strangers = await strangersOn(ns, ids);
    await tf.signal('SIGINT');
    const result = await tf.result();
    expect(result.code).toBe(130);
    // Everything tf started is gone (the setsid child too); the strangers are not.
    await ns.expectEmpty('every process tf started to end', 10_000);
    expect(strangers.map((s) => s.describe())).toEqual(strangers.map((s) => `stranger ${s.nsPid} alive`));
  });

  it('watchdog path: a process exited while tf drained, its pid was reused, then tf was killed with SIGKILL', async () => {
    const ns = await namespace();
    const root = tmpApp({
      Procfile: `slow: ${fixture('drain', '60000')}\nquick: ${reportIds("trap 'exit 0' TERM; while :; do sleep 0.05; done")}\n`,
    });
    const tf = ns.tf(['start', '--no-timestamps', '-t', '120'], { cwd: root, env: MODES[mode] });
    await tf.waitForLine('READY slow');
    const ids = await idsOf(tf, 'quick.1');
    await tf.signal('SIGTERM');
    // quick exits on SIGTERM at once; slow drains for a minute, so tf is still draining.
    await tf.waitForLine(/quick\.1 (exited with code 0|was terminated by SIGTERM)/);
    const strangers = await strangersOn(ns, ids);
    await tf.signal('SIGKILL');
    await tf.result();
    // The watchdog (or whatever stands in for it) kills slow and leaves the strangers alone.
    await ns.expectEmpty('the watchdog to kill every process tf started', 10_000);
    expect(strangers.map((s) => s.describe())).toEqual(strangers.map((s) => `stranger ${s.nsPid} alive`));
  });
});
