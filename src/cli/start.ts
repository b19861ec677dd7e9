import { appRoot } from '../config/app-root.js';
import { ControlSession } from '../control/session.js';
import { locateStore } from '../release/store.js';
import { basePort, planRun } from '../formation/plan.js';
import { shouldColor } from '../output/color.js';
import { Multiplexer } from '../output/multiplexer.js';
import { ensurePortsFree } from '../supervisor/port-check.js';
import { listenForSignals } from '../supervisor/signal-source.js';
import { listenForJobControl } from '../supervisor/job-control.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { TfError } from '../util/errors.js';
import { ttyUnavailable, type TerminalSize } from '../platform/containment.js';
import { DEFAULT_TERMINAL_SIZE } from '../supervisor/terminal.js';
import type { ProcessSpec } from '../formation/formation.js';
import { isReaderGone, OUTPUT_FAILED_STATUS, writeProblem } from '../output/write-error.js';
import { formationRequest, loadAppFor, loadMarkedApp } from './app-flags.js';
import type { FormationFlags, ReleaseFlags } from './options.js';

export interface StartFlags extends ReleaseFlags, FormationFlags {
  timestamps: boolean;
  json?: boolean;
  /** --watch alone is true: watch every file. */
  watch?: string[] | true;
  controlSocket?: string;
  /** Every type on terminals, as tf.yml's tty: true. */
  tty?: boolean;
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
 * interactive: true: what is typed in tf's terminal goes to that process. The terminal stays in its
 * normal (line) mode, so Ctrl-C and Ctrl-Z still reach tf as before. Nothing when stdin is not a terminal.
 */
function forwardKeyboard(specs: ProcessSpec[], supervisor: Supervisor): () => void {
  if (!specs.some((spec) => spec.interactive) || !process.stdin.isTTY) return () => {};
  const onKeys = (data: Buffer): void => supervisor.keyboard(data);
  process.stdin.on('data', onKeys);
  return () => {
    process.stdin.off('data', onKeys);
    process.stdin.pause();
  };
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
  // The socket lives in the working root, also for a release (whose build is read-only).
  const control = await ControlSession.open(appRoot(flags), flags.controlSocket);
  try {
    // A `ready: port` check must not be satisfied by somebody else's server on that port.
    await ensurePortsFree(specs.filter((spec) => spec.type === 'web' || spec.ready?.kind === 'port').map((spec) => spec.port), basePort(app, request.port));
    const color = !flags.json && shouldColor(Boolean(process.stdout.isTTY), process.env);
    const output = new Multiplexer(process.stdout, { json: Boolean(flags.json), color, timestamps: flags.timestamps });
    const outputFailed = reportOutputFailure(output);
    const supervisor = new Supervisor({ specs, specFor, types, output, extraEnv: color ? { FORCE_COLOR: '1' } : {}, terminalSize: ownTerminalSize });
    const onResize = (): void => supervisor.resizeTerminals(ownTerminalSize() ?? DEFAULT_TERMINAL_SIZE);
    process.stdout.on('resize', onResize);
    const stopKeyboard = forwardKeyboard(specs, supervisor);
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
    return outputFailed() ? OUTPUT_FAILED_STATUS : status;
  } finally {
    await control.close();
  }
}
