import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { cleanEnv, runTf, startTf, TF_BIN } from '../helpers/tf.js';

// tf start --log-dir / log_dir: each process's lines with time and stream in DIR/NAME.log, tf's in
// DIR/tf.log, rotated by size; a disk that cannot take them is said once and the lines counted.

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (stdout|stderr|system) \| (.*)$/;
/** lines.mjs prints `ID 0000042 xxx...` lines: the numbers tell what is missing. */
const NUMBERED = /^f (\d{7}) x{60}$/;

function fileLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n'), `${path} ends in a whole line`).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** The numbers of the lines.mjs lines in `files`, oldest file first; every line whole and in the format. */
function numbers(dir: string, files: string[]): number[] {
  return files.flatMap((file) =>
    fileLines(join(dir, file)).map((line) => {
      const [, , stream, text] = LINE.exec(line) ?? [];
      expect(stream, line).toBe('stdout');
      return Number(NUMBERED.exec(text ?? '')?.[1] ?? NaN);
    }),
  );
}

/** NAME.log.K ... NAME.log.1, NAME.log: the order they were written. */
function rotated(dir: string, name: string): string[] {
  const suffix = (file: string): number => Number(file.slice(name.length + 5) || 0);
  return readdirSync(dir)
    .filter((file) => file.startsWith(`${name}.log`))
    .sort((a, b) => suffix(b) - suffix(a));
}

describe('tf start --log-dir', () => {
  it('writes each process to DIR/NAME.log with time and stream, tf to DIR/tf.log, without colours; DIR made 0700', async () => {
    const both = `sh -c 'echo on-stdout; printf "\\033[31mred on stderr\\033[0m\\n" >&2; exec ${fixture('drain', '50')}'`;
    const root = tmpApp({ Procfile: `web: ${both}\nworker: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '-p', '29600', '--log-dir', 'var/logs'], { cwd: root, env: { FORCE_COLOR: '1' } });
    await tf.waitForLines(/READY/, 2);
    await tf.waitForLine(/red on stderr/);
    expect(tf.stdout).toContain('\x1b[31mred on stderr');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
    const dir = join(root, 'var/logs');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['tf.log', 'web.1.log', 'worker.1.log']);
    const web = fileLines(join(dir, 'web.1.log'));
    for (const line of web) expect(line).toMatch(LINE);
    expect(web.map((line) => LINE.exec(line)!.slice(2).join(' | '))).toEqual(expect.arrayContaining(['stdout | on-stdout', 'stderr | red on stderr', expect.stringMatching(/^stdout \| READY web\.1 pid=\d+ port=29600$/), 'stdout | web.1 last line']));
    const time = Date.parse(LINE.exec(web[0]!)![1]!);
    expect(Math.abs(time - Date.now())).toBeLessThan(120_000);
    const own = readFileSync(join(dir, 'tf.log'), 'utf8');
    expect(own).toMatch(/^\S+Z system \| web\.1 started \(pid \d+, port 29600\)$/m);
    expect(own).toMatch(/^\S+Z system \| received SIGTERM, stopping all processes/m);
    expect(readFileSync(join(dir, 'worker.1.log'), 'utf8')).toMatch(/^\S+Z stdout \| READY worker\.1/m);
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain('\x1b');
    // A second run appends to the same files.
    const again = startTf(['start', '-p', '29600', '--log-dir', 'var/logs'], { cwd: root });
    await again.waitForLines(/READY/, 2);
    again.signal('SIGTERM');
    await again.result();
    expect(readFileSync(join(dir, 'worker.1.log'), 'utf8').match(/READY worker\.1/g)).toHaveLength(2);
  });

  it('rotates by log_max_size at line boundaries: nothing lost, nothing split, log_keep files kept', async () => {
    const count = 3000;
    const procfile = `f: ${fixture('lines', String(count), 'f', 'stay')}\n`;
    for (const [keep, port] of [[100, 29610], [3, 29620]] as const) {
      const root = tmpApp({ Procfile: procfile, 'tf.yml': `log_dir: logs\nlog_max_size: 16K\nlog_keep: ${keep}\n` });
      const tf = startTf(['start', '-p', String(port)], { cwd: root });
      await tf.waitForLine(/DONE f/, 60_000);
      tf.signal('SIGTERM');
      await tf.result();
      const dir = join(root, 'logs');
      const files = rotated(dir, 'f.1');
      for (const file of files) expect(statSync(join(dir, file)).size, file).toBeLessThanOrEqual(16 * 1024);
      const seen = numbers(dir, files).filter((n) => !Number.isNaN(n));
      if (keep === 100) {
        // ~112 bytes a line, 16 KiB a file: some 20 files, every line once, in order.
        expect(files.length).toBeGreaterThan(15);
        expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
      } else {
        expect(files).toEqual(['f.1.log.3', 'f.1.log.2', 'f.1.log.1', 'f.1.log']);
        // The newest lines, with no gap: what rotation dropped is the oldest files only.
        expect(seen.at(-1)).toBe(count - 1);
        expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => count - seen.length + i));
        expect(seen.length).toBeGreaterThan(3 * 100);
      }
    }
  });

  it('refuses a folder that is a file, or a bad tf.yml key, in one line before anything starts', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n`, logs: 'not a folder\n' });
    const file = await runTf(['start', '-p', '29630', '--log-dir', 'logs'], { cwd: root });
    expect(file).toMatchObject({ code: 1, stdout: '', stderr: 'tf: --log-dir logs: is not a folder (name a folder for the log files, or move the file out of the way)\n' });
    writeFileSync(join(root, 'tf.yml'), 'port: 29630\nlog_dir: logs\n');
    const fromYml = await runTf(['start'], { cwd: root });
    expect(fromYml).toMatchObject({ code: 1, stdout: '', stderr: 'tf: tf.yml:2: log_dir logs: is not a folder (name a folder for the log files, or move the file out of the way)\n' });
    writeFileSync(join(root, 'tf.yml'), 'log_dir: var\nlog_keep: -1\n');
    expect((await runTf(['start'], { cwd: root })).stderr).toBe('tf: tf.yml:2: log_keep: -1 is not a count of files (write a whole number from 0 to 1000, e.g. log_keep: 5)\n');
    writeFileSync(join(root, 'tf.yml'), 'log_dir: var\nlog_max_size: 10 parsecs\n');
    expect((await runTf(['start'], { cwd: root })).stderr).toBe('tf: tf.yml:2: log_max_size: "10 parsecs" is not a size of 1K or more (write e.g. log_max_size: 10M (K, M, G: powers of 1024))\n');
    expect(existsSync(join(root, 'var'))).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot write, in one line before anything starts', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n`, 'ro/.keep': '' });
    chmodSync(join(root, 'ro'), 0o500);
    onTestFinished(() => chmodSync(join(root, 'ro'), 0o700));
    const result = await runTf(['start', '-p', '29640', '--log-dir', 'ro'], { cwd: root });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'tf: --log-dir ro: is not writable (permission denied) (name a folder you can write to)\n' });
    const below = await runTf(['start', '-p', '29640', '--log-dir', 'ro/logs'], { cwd: root });
    expect(below).toMatchObject({ code: 1, stdout: '', stderr: 'tf: --log-dir ro/logs: cannot be made (EACCES) (check the permissions of the folder above it, or name another folder)\n' });
  });
});

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

function run(command: string[], cwd: string): Promise<Run> {
  const tag = newTag();
  const child = spawn(command[0]!, command.slice(1), { cwd, env: cleanEnv({ [TAG_VARIABLE]: tag }), stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await expectNoSurvivors(tag);
  });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr, stdout })));
}

const canMountTmpfs = spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=16k tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=16k tmpfs /tmp'], { stdio: 'ignore' }).status === 0;

/**
 * The disk fills up while a process prints 5,000 lines (some 560 KB of log): tf says so once, the
 * terminal gets every line, the file keeps whole lines only, and the lines lost are counted.
 * Two honest full disks: a 64 KiB tmpfs (ENOSPC, in a user and mount namespace of our own) and
 * a file size limit on tf (RLIMIT_FSIZE: EFBIG, which Node gets as an error, not a signal).
 */
describe('a log folder whose disk fills up', () => {
  const LINES = 5000;
  // Where a user may not mount a tmpfs (some CI containers), the file size limit alone runs.
  const cases = [
    { name: 'a 64 KiB tmpfs', runs: canMountTmpfs, problem: 'no space left on device', port: 29650, wrap: (tf: string) => `mkdir logs && mount -t tmpfs -o size=64k tmpfs logs && ${tf}`, unshare: true },
    { name: 'a 64 KiB file size limit on tf (prlimit --fsize)', runs: true, problem: 'file too large', port: 29660, wrap: (tf: string) => `mkdir logs && prlimit --fsize=65536 ${tf}`, unshare: false },
  ];
  it.each(cases.filter((entry) => entry.runs))('($name) is said once, counted, and the terminal goes on', async ({ problem, port, wrap, unshare }) => {
    const root = tmpApp({ Procfile: `f: ${fixture('lines', String(LINES), 'f')}\n` });
    // What the files held is read inside, before the namespace (and its tmpfs) goes.
    const tf = `"$0" "$1" start --no-timestamps -p ${port} --log-dir logs; status=$?; echo "file lines $(wc -l < logs/f.1.log)"; grep -cvE '^[0-9T:.Z-]+ stdout \\| f [0-9]{7} x{60}$' logs/f.1.log; exit $status`;
    const script = wrap(tf);
    const command = unshare ? ['unshare', '-Urm', 'sh', '-c', script, process.execPath, TF_BIN] : ['sh', '-c', script, process.execPath, TF_BIN];
    const { code, stderr, stdout } = await run(command, root);
    expect(code, stderr).toBe(0);
    // The terminal: every line, in order, then tf's own to the end.
    const printed = stdout.split('\n').filter((line) => /^f\.1 +\| f \d{7} /.test(line));
    expect(printed).toHaveLength(LINES);
    expect(stdout).toMatch(/^system +\| f\.1 exited with code 0/m);
    const fileLines = Number(/^file lines (\d+)$/m.exec(stdout)?.[1]);
    expect(stdout).toMatch(/^0$/m);
    // Whole lines up to the limit stayed (64 KiB holds ~580 of them): only what did not fit was lost.
    expect(fileLines).toBeGreaterThan(400);
    expect(fileLines).toBeLessThan(LINES);
    const said = stderr.trimEnd().split('\n');
    expect(said).toHaveLength(2);
    expect(said[0]).toBe(`tf: cannot write log files: logs/f.1.log: ${problem}; the terminal goes on, lines not written are counted (the total is said when tf exits)`);
    const lost = Number(new RegExp(`^tf: log files in logs: (\\d+) lines not written \\(first: logs/f\\.1\\.log: ${problem}\\)$`).exec(said[1]!)?.[1]);
    // Every line of the process is in the file or counted; tf.log's few lines may be counted too.
    expect(lost).toBeGreaterThanOrEqual(LINES - fileLines);
    expect(lost).toBeLessThanOrEqual(LINES - fileLines + 20);
  });
});

describe('a log disk slower than the processes, or stuck', () => {
  it('paces a flood rather than dropping it: every line the terminal got is in the files', async () => {
    const count = 150_000;
    const procfile = [1, 2, 3].map((n) => `f${n}: ${fixture('lines', String(count), 'f', 'stay')}`).join('\n');
    const root = tmpApp({ Procfile: `${procfile}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '29670', '--log-dir', 'logs'], { cwd: root });
    await tf.waitForLines(/DONE f/, 3, 120_000);
    tf.signal('SIGTERM');
    const { stderr } = await tf.result(60_000);
    expect(stderr).toBe('');
    for (const n of [1, 2, 3]) {
      const dir = join(root, 'logs');
      const seen = numbers(dir, rotated(dir, `f${n}.1`)).filter((k) => !Number.isNaN(k));
      expect(seen.length, `f${n}.1`).toBe(count);
      expect(seen.every((k, i) => k === i), `f${n}.1 in order`).toBe(true);
    }
  });

  it('(a log file nobody takes: a FIFO with no reader) holds the terminal 2 s at most, then drops lines, said once and counted', async () => {
    const count = 300_000;
    // No rotation, which would move the FIFO aside and go on in a plain file.
    const root = tmpApp({ Procfile: `f: ${fixture('lines', String(count), 'f', 'stay')}\n`, 'logs/.keep': '', 'tf.yml': 'log_max_size: 1G\n' });
    const fifo = join(root, 'logs', 'f.1.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const tf = startTf(['start', '--no-timestamps', '-p', '29680', '--log-dir', 'logs'], { cwd: root });
    // The terminal gets every line although the file takes none.
    await tf.waitForLine(/DONE f/, 120_000);
    expect(tf.stdout.split('\n').filter((line) => /^f\.1 +\| f \d{7} /.test(line))).toHaveLength(count);
    expect(tf.stderr).toBe('tf: cannot write log files: logs: more than 16 MiB waiting for the disk, which took nothing for 2s; the terminal goes on, lines not written are counted (the total is said when tf exits)\n');
    // The disk comes back (a reader opens the FIFO): what waited is written, the rest was counted.
    let read = 0;
    const reader = createReadStream(fifo, { encoding: 'utf8' });
    reader.on('data', (text) => (read += (text as string).split('\n').length - 1));
    const closed = new Promise((resolve) => reader.once('close', resolve));
    tf.signal('SIGTERM');
    const { stderr } = await tf.result(60_000);
    await closed;
    const lost = Number(/^tf: log files in logs: (\d+) lines not written \(first: logs: more than 16 MiB waiting/m.exec(stderr)?.[1]);
    expect(read).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    // Every line f printed (its numbered ones and DONE) is in the file or counted: none lost silently.
    expect(read + lost).toBe(count + 1);
  });
});
