import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contain, containmentMode, type ContainRequest, type Daemon } from '../../src/platform/containment.js';
import { cleanEnv } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { expectGone } from './support.js';

interface Outcome {
  pid: number;
  output: string;
  exit: [number | null, NodeJS.Signals | null];
  daemons: Daemon[];
  gone: [number | null, NodeJS.Signals | null];
  error?: string;
}

const outputs = new WeakMap<object, Partial<Outcome>>();

/** The pids a script printed on its first line, once it has printed it. */
function readFirstLine(contained: object): number[] | undefined {
  const line = outputs.get(contained)?.output?.split('\n')[0];
  return line && outputs.get(contained)!.output!.includes('\n') ? line.split(' ').map(Number) : undefined;
}

/**
 * Runs SCRIPT contained and collects what the platform module reports; ACT may signal it once it
 * runs, AT_ONCE right after it is started.
 */
function runContained(
  script: string,
  act?: (c: ReturnType<typeof contain>, pid: number) => void,
  request: Partial<ContainRequest> = {},
  atOnce?: (c: ReturnType<typeof contain>) => void,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Partial<Outcome> = { output: '' };
    const read = (stream: Readable | undefined): void => void stream?.setEncoding('utf8').on('data', (text: string) => (outcome.output += text));
    const contained = contain(
      { file: '/bin/sh', args: ['-c', script], cwd: tmpApp(), env: cleanEnv(), output: 'pipe', ...request },
      {
        onSpawn: (pid, stdout, stderr) => {
          outcome.pid = pid;
          read(stdout);
          read(stderr);
          act?.(contained, pid);
        },
        onError: (error) => (outcome.error = (error as NodeJS.ErrnoException).code),
        onExit: (code, signal, daemons) => Object.assign(outcome, { exit: [code, signal], daemons }),
        onGone: (code, signal) => resolve({ ...outcome, gone: [code, signal] } as Outcome),
      },
    );
    outputs.set(contained, outcome);
    atOnce?.(contained);
  });
}

describe.skipIf(containmentMode() !== 'shim')('the shim protocol', () => {
  it('reports the exit status and reads every byte written before the exit', async () => {
    const outcome = await runContained('head -c 300000 /dev/zero | tr "\\0" x; echo; echo err >&2; exit 5');
    expect(outcome.exit).toEqual([5, null]);
    expect(outcome.gone).toEqual([5, null]);
    expect(outcome.output.length).toBe(300_005);
  });

  it('reports death by a signal, and a polite signal reaches the process group', async () => {
    const outcome = await runContained('echo up; sleep 600 & wait', (c) => c.signal('SIGTERM'));
    expect(outcome.exit).toEqual([null, 'SIGTERM']);
  });

  it('names what daemonized (exit 0, left outside the group) and tells its end', async () => {
    const outcome = await runContained('setsid sh -c "sleep 0.3; exit 3" </dev/null >/dev/null 2>&1 & exit 0');
    expect(outcome.exit).toEqual([0, null]);
    // The name is what runs when the shim looks: setsid(1) calls setsid(), then execs sh, and a
    // loaded machine can look in between. (A real daemon forks and calls setsid in its own binary.)
    expect(outcome.daemons).toEqual([{ pid: expect.any(Number), command: expect.stringMatching(/^(sh|setsid)$/) }]);
    expect(outcome.gone).toEqual([3, null]);
  });

  it('does not count a child left in the group as a daemon', async () => {
    const outcome = await runContained('sleep 0.2 & exit 0');
    expect(outcome.daemons).toEqual([]);
  });

  it('kill SIGKILLs the whole tree: its group, a setsid child, and what re-parented to the shim', async () => {
    let tree: number[] = [];
    const script = 'setsid sleep 600 & a=$!; sh -c "setsid sleep 600 & echo \\$!" > b; sleep 600 & echo "$a $(cat b) $!"; exec sleep 600';
    const outcome = await new Promise<Outcome>((resolve) => {
      void runContained(script, (c) => {
        const timer = setInterval(() => {
          const found = readFirstLine(c);
          if (!found) return;
          clearInterval(timer);
          tree = found;
          c.kill();
        }, 10);
      }).then(resolve);
    });
    expect(outcome.exit).toEqual([null, 'SIGKILL']);
    expect(tree).toHaveLength(3);
    await expectGone([outcome.pid, ...tree], 2000);
  });

  it('a stop signal sent at once is never lost (the shim reports the pid only once the program runs)', async () => {
    for (let i = 0; i < 20; i++) {
      const outcome = await runContained('exec sleep 600', undefined, {}, (c) => c.signal('SIGTERM'));
      expect(outcome.exit).toEqual([null, 'SIGTERM']);
    }
  });

  it('kill works even before tf has seen the pid', async () => {
    const outcome = await runContained('exec sleep 600', undefined, {}, (c) => c.kill());
    expect(outcome.exit).toEqual([null, 'SIGKILL']);
  });

  it('reports a program that does not exist (tf run without a shell)', async () => {
    const outcome = await runContained('', undefined, { file: 'no-such-program-tf', args: [] });
    expect(outcome.error).toBe('ENOENT');
    expect(outcome.exit).toEqual([127, null]);
  });
});
