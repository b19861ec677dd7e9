import { appRoot } from '../config/app-root.js';
import { ControlSession } from '../control/session.js';
import { locateStore } from '../release/store.js';
import { basePort, planRun } from '../formation/plan.js';
import { shouldColor } from '../output/color.js';
import { Multiplexer } from '../output/multiplexer.js';
import { LiveLine } from '../output/live-line.js';
import { SYSTEM, type FormatOptions } from '../output/format.js';
import { ensurePortsFree } from '../supervisor/port-check.js';
import { listenForSignals } from '../supervisor/signal-source.js';
import { listenForJobControl } from '../supervisor/job-control.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { TfError, location } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { readMetricsInterval } from '../config/settings-defaults.js';
import type { Settings } from '../config/settings.js';
import { DEFAULT_METRICS_INTERVAL_MS } from '../metrics/sampler.js';
import { ttyUnavailable, type TerminalSize } from '../platform/containment.js';
import { DEFAULT_TERMINAL_SIZE } from '../supervisor/terminal.js';
import type { ProcessSpec } from '../formation/formation.js';
import type { ProcessHandle } from '../supervisor/process-handle.js';
import type { Writable } from 'node:stream';
import { isReaderGone, OUTPUT_FAILED_STATUS, writeProblem } from '../output/write-error.js';
import { rawKeyboard } from '../platform/keyboard.js';
import { formationRequest, loadAppFor, loadMarkedApp } from './app-flags.js';
import { closeLogFiles, openLogFiles, writeLogFiles } from './start-logs.js';
import type { LogFiles } from '../output/log-files.js';
import type { FormationFlags, ReleaseFlags } from './options.js';

export interface StartFlags extends ReleaseFlags, FormationFlags {
  timestamps: boolean;
  json?: boolean;
  /** --watch alone is true: watch every file. */
  watch?: string[] | true;
  controlSocket?: string;
  /** Every type on terminals, as tf.yml's tty: true. */
  tty?: boolean;
  metricsInterval?: string;
  /** Each process's lines to DIR/NAME.log, as tf.yml's log_dir. */
  logDir?: string;
  /** Serve the dashboard from the start (tf ui). */
  ui?: boolean;
}

/**
 * A closed reader (`tf start | head`) is expected and quiet: the supervisor stops with 141. Any
 * other write error (a full disk under a log file) is said on stderr at once, as the formation
 * begins to stop, and makes tf's status 74.
 */
function reportOutputFailure(output: Multiplexer): () => boolean {
  let failed = false;
  output.onClosed((error) => {
    if (isReaderGone(error)) return;
    failed = true;
    process.stderr.write(`tf: cannot write output: ${writeProblem(error)} (stopping all processes; exit status ${OUTPUT_FAILED_STATUS})\n`);
  });
  return () => failed;
}

/** tf's own terminal size (stdout's, which Node keeps up to date on SIGWINCH), when it has one. */
function ownTerminalSize(): TerminalSize | undefined {
  const { columns, rows } = process.stdout;
  return process.stdout.isTTY && columns > 0 && rows > 0 ? { rows, cols: columns } : undefined;
}

/**
 * The process tf start's keyboard goes to: the interactive type's first running process, or with
 * --tty and a formation of one process, that process (tf start then acts as its terminal).
 * Undefined when the keyboard goes nowhere (tf's stdin is not a terminal, or no such formation).
 */
function keyboardProcess(specs: ProcessSpec[], flags: StartFlags, running: () => ProcessHandle[]): (() => ProcessHandle | undefined) | undefined {
  if (!process.stdin.isTTY) return undefined;
  if (specs.some((spec) => spec.interactive)) return () => running().find((handle) => handle.spec.interactive);
  if (flags.tty && specs.length === 1) return () => running()[0];
  return undefined;
}

/**
 * The keyboard of tf's terminal, raw: each key reaches the process as typed (a program reading
 * single keys works), but Ctrl-C and Ctrl-Z stay tf's, doing what the terminal's signals do.
 */
function forwardKeyboard(target: (() => ProcessHandle | undefined) | undefined): () => void {
  if (!target) return () => {};
  return rawKeyboard((keys) => target()?.terminal?.write(undefined, keys), { interrupt: () => process.kill(process.pid, 'SIGINT'), suspend: () => process.kill(process.pid, 'SIGTSTP') });
}

/**
 * Where the merged stream goes: stdout, or with the keyboard going to a process and a terminal to
 * show it on, stdout with that process's unfinished line (its prompt, what is typed) at the bottom.
 */
function outputSink(target: (() => ProcessHandle | undefined) | undefined, specs: ProcessSpec[], options: FormatOptions): { sink: Writable; close(): void } {
  if (!target || !process.stdout.isTTY) return { sink: process.stdout, close: () => {} };
  const width = Math.max(SYSTEM.name.length, ...specs.map((spec) => spec.name.length));
  const live = new LiveLine(process.stdout, () => {
    const handle = target();
    return handle?.terminal ? { source: handle.source, terminal: handle.terminal } : undefined;
  }, width, options);
  return { sink: live, close: () => live.close() };
}

/** --metrics-interval, else tf.yml's metrics_interval, else 2 s; a memory_limit needs sampling on. */
function metricsInterval(flag: string | undefined, settings: Settings, specs: ProcessSpec[]): number {
  let ms = settings.metricsIntervalMs ?? DEFAULT_METRICS_INTERVAL_MS;
  if (flag !== undefined) {
    const reading = readMetricsInterval(flag);
    if (!reading.ok) throw new TfError(`--metrics-interval: ${reading.problem}`, reading.hint);
    ms = reading.ms;
  }
  const limited = specs.find((spec) => spec.memoryLimit !== undefined);
  if (ms === 0 && limited) {
    const where = flag !== undefined ? '--metrics-interval 0' : `${location(displayPath(settings.path ?? 'tf.yml'), settings.lines.get('metrics_interval'))}: metrics_interval 0`;
    throw new TfError(`${where} turns sampling off, but ${limited.type} has a memory_limit that needs it`, 'sample (e.g. every 2s) or remove the memory_limit');
  }
  return ms;
}

export async function start(items: string[], flags: StartFlags): Promise<number> {
  if (flags.watch && flags.release !== undefined) throw new TfError('--watch cannot be used with --release: a release never changes', 'drop one of them');
  // --release without an ID follows `current`; with one it stays pinned.
  const follows = flags.release === true;
  const { app, mark } = await loadMarkedApp(flags, follows);
  const request = { ...formationRequest(items, flags), ...(flags.tty ? { tty: true } : {}) };
  const { specs, specFor, types } = planRun(app, request);
  const noTty = specs.some((spec) => spec.tty) ? ttyUnavailable() : undefined;
  if (noTty) throw new TfError(noTty, flags.tty ? 'run without --tty' : 'remove tty: true from tf.yml');
  const metricsIntervalMs = metricsInterval(flags.metricsInterval, app.settings, specs);
  // The socket lives in the working root, also for a release (whose build is read-only).
  const control = await ControlSession.open(appRoot(flags), flags.controlSocket);
  let logFiles: LogFiles | undefined;
  try {
    logFiles = openLogFiles(flags.logDir, app, flags);
    // A `ready: port` check must not be satisfied by somebody else's server on that port.
    await ensurePortsFree(specs.filter((spec) => spec.type === 'web' || spec.ready?.kind === 'port').map((spec) => spec.port), basePort(app, request.port));
    const color = !flags.json && shouldColor(Boolean(process.stdout.isTTY), process.env);
    // The output is made before the supervisor, which needs it; the live line asks for the processes later.
    let runningNow = (): ProcessHandle[] => [];
    const keyboard = keyboardProcess(specs, flags, () => runningNow());
    const sink = outputSink(flags.json ? undefined : keyboard, specs, { color, timestamps: flags.timestamps });
    const output = new Multiplexer(sink.sink, { json: Boolean(flags.json), color, timestamps: flags.timestamps });
    const outputFailed = reportOutputFailure(output);
    writeLogFiles(logFiles, output);
    const supervisor = new Supervisor({ specs, specFor, types, output, extraEnv: color ? { FORCE_COLOR: '1' } : {}, terminalSize: ownTerminalSize, metricsIntervalMs });
    runningNow = () => supervisor.running();
    const onResize = (): void => supervisor.resizeTerminals(ownTerminalSize() ?? DEFAULT_TERMINAL_SIZE);
    process.stdout.on('resize', onResize);
    const stopKeyboard = forwardKeyboard(keyboard);
    control.attach(supervisor, output, locateStore(flags));
    // The token goes to tf's terminal (stderr) only: never into the stream, which may be a log file.
    if (flags.ui) process.stderr.write(`tf | dashboard ${(await control.dashboard()).url}\n`);
    const stopListening = listenForSignals((signal) => supervisor.shutdown({ kind: 'signal', signal }));
    const stopJobControl = listenForJobControl({ processes: () => supervisor.running(), say: (text) => output.system(text) });
    const running = supervisor.run();
    const watcher = flags.watch
      ? await (require('./start-watch.js') as typeof import('./start-watch.js')).startWatching({
          app,
          reloadApp: () => loadAppFor(flags),
          request,
          store: locateStore(flags),
          globs: flags.watch === true ? [] : flags.watch,
          supervisor,
          output,
          ignore: control.path ? [control.path] : [],
        })
      : undefined;
    const follower =
      follows && mark && app.release
        ? (require('./start-follow.js') as typeof import('./start-follow.js')).followCurrent({
            location: locateStore(flags),
            release: app.release,
            request,
            supervisor,
            mark,
            say: (text) => output.system(text),
          })
        : undefined;
    const status = await running;
    stopListening();
    stopJobControl();
    follower?.close();
    process.stdout.off('resize', onResize);
    stopKeyboard();
    await watcher?.close();
    await output.flush();
    sink.close();
    return outputFailed() ? OUTPUT_FAILED_STATUS : status;
  } finally {
    await control.close();
    await closeLogFiles(logFiles);
  }
}
