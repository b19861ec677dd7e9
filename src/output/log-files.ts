import { accessSync, closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { lineText, withoutColour as plain } from './format.js';
import { blockText, type OutputRecord } from './record.js';
import { QueueBudget, STALL_MS } from './queue-budget.js';
import { RotatingFile, type Loss } from './rotating-file.js';
import { writeProblem } from './write-error.js';

export interface LogDirSettings {
  dir: string;
  /** A file past this is rotated (at a line boundary). */
  maxBytes: number;
  /** How many rotated files (NAME.log.1 ... NAME.log.KEEP) are kept. */
  keep: number;
  /** Where the folder was named, for errors: "--log-dir" or "tf.yml:4: log_dir". */
  from: string;
}

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 5;
/** All files together wait for the disk with at most this much; beyond it lines are dropped, counted. */
const MAX_QUEUED = 16 * 1024 * 1024;
/** At exit, a disk that takes no write for this long is given up on: its lines are counted as lost. */
const CLOSE_WAIT_MS = 5000;

/** What the log files could not hold, for the user: said once when it starts, and in total at exit. */
export interface LogLoss {
  lines: number;
  /** The first problem, as a person says it: "web.1.log: no space left on device". */
  first: string;
}

/**
 * `tf start --log-dir DIR`: each process's lines, with their time and stream, in DIR/NAME.log
 * (`2026-12-01T04:50:00.123Z stdout | text`), tf's own messages in DIR/tf.log, each rotated by
 * size. Written in the background: the terminal never waits for a write. A disk slower than the
 * processes slows them as a slow terminal would (QueueBudget); a line that cannot be written (a full
 * disk, a stuck one) is never lost silently: the first problem is reported at once, the lines lost
 * are counted.
 */
export class LogFiles {
  private readonly files = new Map<string, RotatingFile>();
  private readonly budget: QueueBudget;
  private lostLines = 0;
  private first: string | undefined;

  private constructor(
    private readonly settings: LogDirSettings,
    private readonly report: (message: string) => void,
  ) {
    this.budget = new QueueBudget(MAX_QUEUED, (held) => this.holder(held));
  }

  private holder: (held: boolean) => void = () => {};

  /** How to slow the processes down while the disk is behind (the multiplexer's hold). */
  paceWith(hold: (held: boolean) => void): void {
    this.holder = hold;
  }

  /** Makes the folder (0700) when missing; a file in its place, or a folder tf cannot write, is a one-line error. */
  static open(settings: LogDirSettings, report: (message: string) => void): LogFiles {
    const shown = displayPath(settings.dir);
    const fail = (problem: string, hint: string): never => {
      throw new TfError(`${settings.from} ${shown}: ${problem}`, hint);
    };
    try {
      if (!statSync(settings.dir).isDirectory()) fail('is not a folder', 'name a folder for the log files, or move the file out of the way');
    } catch (error) {
      if (error instanceof TfError) throw error;
      if (errnoCode(error) !== 'ENOENT') fail(`cannot be read (${errnoCode(error) ?? String(error)})`, 'check the permissions of the folders above it');
      try {
        mkdirSync(settings.dir, { recursive: true, mode: 0o700 });
      } catch (made) {
        fail(`cannot be made (${errnoCode(made) ?? String(made)})`, 'check the permissions of the folder above it, or name another folder');
      }
    }
    try {
      accessSync(settings.dir, constants.W_OK | constants.X_OK);
      closeSync(openSync(join(settings.dir, 'tf.log'), 'a', 0o600));
    } catch (error) {
      fail(`is not writable (${errnoCode(error) === 'EACCES' ? 'permission denied' : writeProblem(error as Error)})`, 'name a folder you can write to');
    }
    return new LogFiles(settings, report);
  }

  get dir(): string {
    return this.settings.dir;
  }

  /** Queues a record's lines: tf's own messages to tf.log (and to the file of the process one concerns). */
  write(record: OutputRecord): void {
    const head = `${new Date(record.time).toISOString()} ${record.stream} | `;
    if (record.kind === 'system') {
      const text = `${new Date(record.time).toISOString()} ${record.source.name} | ${plain(record.text)}\n`;
      this.file('tf').append(text);
      if (record.source.name !== 'system') this.file(record.source.name).append(`${head}${plain(record.text)}\n`);
      return;
    }
    let text = '';
    if (record.kind === 'lines') {
      for (const line of record.lines) text += `${head}${plain(lineText(line))}\n`;
    } else {
      for (const part of record.parts) text += head + plain(blockText(part)).slice(0, -1).replaceAll('\n', `\n${head}`) + '\n';
    }
    this.file(record.source.name).append(text);
  }

  /**
   * Writes what is queued and closes, waiting as long as the disk takes writes; a disk that takes
   * none for CLOSE_WAIT_MS is given up on (its lines counted). Returns what was lost, if anything.
   */
  async close(): Promise<LogLoss | undefined> {
    this.budget.end();
    const processes = [...this.files.values()].filter((file) => file !== this.files.get('tf'));
    await this.closeAll(processes);
    const loss = this.first === undefined ? undefined : { lines: this.lostLines, first: this.first };
    if (loss) this.file('tf').append(`${new Date().toISOString()} system | ${lossSummary(loss, this.dir)}\n`);
    const own = this.files.get('tf');
    if (own) await this.closeAll([own]);
    return this.first === undefined ? undefined : { lines: this.lostLines, first: this.first };
  }

  private async closeAll(files: RotatingFile[]): Promise<void> {
    let done = false;
    const closing = Promise.all(files.map((file) => file.close())).then(() => (done = true));
    for (let seen = -1; !done && seen !== this.budget.progress; ) {
      seen = this.budget.progress;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
    }
    if (!done) for (const file of files) file.abandon();
  }

  private file(name: string): RotatingFile {
    let file = this.files.get(name);
    if (!file) {
      file = new RotatingFile(join(this.settings.dir, `${name}.log`), this.settings.maxBytes, this.settings.keep, this.budget, (loss) => this.lose(loss));
      this.files.set(name, file);
    }
    return file;
  }

  private lose(loss: Loss): void {
    this.lostLines += loss.lines;
    if (this.first !== undefined) return;
    const name = displayPath(loss.file);
    // Lines dropped for a full queue are no one file's fault: the queue is the folder's.
    this.first = loss.error ? `${name}: ${writeProblem(loss.error)}` : `${displayPath(this.dir)}: more than ${MAX_QUEUED / 1024 / 1024} MiB waiting for the disk, which took nothing for ${STALL_MS / 1000}s`;
    const message = `cannot write log files: ${this.first}; the terminal goes on, lines not written are counted (the total is said when tf exits)`;
    this.report(message);
    // Into tf.log too, if that one can still be written (another file's disk may be fine).
    if (!loss.file.endsWith('/tf.log')) this.file('tf').append(`${new Date().toISOString()} system | ${message}\n`);
  }
}

/** What the files lost, as tf says it at exit. */
export function lossSummary(loss: LogLoss, dir: string): string {
  return `log files in ${displayPath(dir)}: ${loss.lines} line${loss.lines === 1 ? '' : 's'} not written (first: ${loss.first})`;
}
