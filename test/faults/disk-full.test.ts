import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { started } from '../helpers/control.js';
import { cleanEnv, startTf, TF_BIN } from '../helpers/tf.js';

// A full disk under tf's stdout (a log file) is not `tf start | head`: tf says so on stderr at once,
// stops the formation with its drain, and exits 74 (README, Exit status).

const MESSAGE = 'tf: cannot write output: no space left on device (stopping all processes; exit status 74)\n';

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs `command` with stdout on `stdoutFd` (or a pipe), every process tagged for the survivor check. */
function run(command: string[], cwd: string, stdoutFd?: number): Promise<Run> {
  const tag = newTag();
  const child = spawn(command[0]!, command.slice(1), { cwd, env: cleanEnv({ [TAG_VARIABLE]: tag }), stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await expectNoSurvivors(tag);
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr, stdout })));
}

const canMountTmpfs = spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=16k tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=16k tmpfs /tmp'], { stdio: 'ignore' }).status === 0;

describe('a full disk under tf start', () => {
  it('(/dev/full as stdout) says so on stderr, stops the formation and exits 74', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '300')}\nworker: ${fixture('drain', '300')}\n` });
    const full = openSync('/dev/full', 'w');
    const result = run([process.execPath, TF_BIN, 'start', '-p', '21700'], root, full);
    closeSync(full);
    const { code, stderr } = await result;
    expect(stderr).toBe(MESSAGE);
    expect(code).toBe(74);
  });

  it.runIf(canMountTmpfs)('(a 16 KiB tmpfs filling up while processes print) says so, stops the formation and exits 74', async () => {
    const root = tmpApp({ Procfile: `flood: ${fixture('lines', '5000', 'f', 'stay')}\nweb: ${fixture('drain', '300')}\n`, 'logs/.keep': '' });
    // A user and mount namespace of our own: an ordinary user may mount a tmpfs there.
    const script = `mount -t tmpfs -o size=16k tmpfs "$1" && "$2" "$3" start -p 21710 > "$1/out.log"; status=$?; echo "log bytes $(wc -c < "$1/out.log")"; exit $status`;
    const { code, stderr, stdout } = await run(['unshare', '-Urm', 'sh', '-c', script, 'sh', `${root}/logs`, process.execPath, TF_BIN], root);
    expect(stderr).toBe(MESSAGE);
    expect(code).toBe(74);
    // What fit was written: the disk filled up mid-run, not at the first line.
    expect(Number(/log bytes (\d+)/.exec(stdout)?.[1])).toBeGreaterThan(8000);
  });

  it('(tf ps, tf logs to /dev/full) is a one-line error with status 74, not silent loss or a reader that never ends', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '-p', '21730'], { cwd: root });
    await started(tf);
    for (const command of [['ps'], ['ps', '--json'], ['logs', '--no-follow'], ['logs']]) {
      const full = openSync('/dev/full', 'w');
      const result = run([process.execPath, TF_BIN, ...command], root, full);
      closeSync(full);
      const { code, stderr } = await result;
      expect(stderr, command.join(' ')).toBe('tf: cannot write output: no space left on device (free some space, or write elsewhere)\n');
      expect(code, command.join(' ')).toBe(74);
    }
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('keeps 141, quietly, for a reader that goes away (tf start | head)', async () => {
    const root = tmpApp({ Procfile: `flood: ${fixture('lines', '100000', 'f', 'stay')}\n` });
    const { code, stderr } = await run(['bash', '-c', '"$0" "$1" start -p 21720 | head -n 5 > /dev/null; exit "${PIPESTATUS[0]}"', process.execPath, TF_BIN], root);
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
