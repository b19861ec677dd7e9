import type { Multiplexer } from '../output/multiplexer.js';
import type { StoreLocation } from '../release/store.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { UiServer } from '../ui/index.js';
import { controlHandler } from './handlers.js';
import { LogTail } from './log-tail.js';
import { TfError } from '../util/errors.js';
import { AlreadyRunning, ControlServer } from './server.js';
import { listenPlace, socketPlace } from './socket-path.js';

/** The control side of one `tf start`: its socket, and the output tail `tf logs` reads. */
export class ControlSession {
  private readonly logs = new LogTail();
  private ui: Promise<UiServer> | undefined;
  private serveUi: (() => Promise<UiServer>) | undefined;

  private say: ((text: string) => void) | undefined;

  private constructor(
    private readonly root: string,
    private readonly server: ControlServer | undefined,
    private readonly unavailable?: string,
  ) {}

  /**
   * Claims the app's control socket before anything starts: a second tf start is refused here,
   * and so is a socket place the user's own files spoil (a `.tf` link, a file in the way). Live
   * control is optional, though: where only the short place (a deep root, a read-only checkout)
   * fails (its folder under the temp dir belongs to someone else), tf starts without it and says why.
   */
  static async open(root: string, socketFlag?: string): Promise<ControlSession> {
    const place = listenPlace(socketPlace(root, socketFlag));
    try {
      return new ControlSession(root, await ControlServer.open(place, root));
    } catch (error) {
      if (!place.short || !(error instanceof TfError) || error instanceof AlreadyRunning) throw error;
      return new ControlSession(root, undefined, error.message);
    }
  }

  /** The socket; undefined when tf runs without live control. */
  get path(): string | undefined {
    return this.server?.path;
  }

  /** STORE: where the dashboard finds the app's releases. */
  attach(supervisor: Supervisor, output: Multiplexer, store: StoreLocation): void {
    const handler = controlHandler(supervisor, this.logs, (lines) => output.render(lines), { ui: async () => this.dashboard().then((ui) => ({ url: ui.url, openUrl: ui.openUrl() })) });
    // The dashboard module is loaded only here, when someone asks for it (tf ui, tf start --ui).
    this.serveUi = () => (require('../ui/index.js') as typeof import('../ui/index.js')).startUi({ handler, supervisor, logs: this.logs, render: (record, lead) => output.renderRecordBytes(record, lead), root: this.root, store });
    this.say = (text) => output.system(text);
    if (!this.server) output.system(`live control is off (tf ps, scale and logs cannot reach this tf): ${this.unavailable ?? 'no socket'}`);
    output.onRecord((record) => this.logs.write(record));
    this.server?.serve(handler);
  }

  /**
   * The dashboard server, started on first use. Its address goes into the stream without the
   * token: the stream may be a log file, and `tf logs` replays it.
   */
  dashboard(): Promise<UiServer> {
    if (!this.serveUi) return Promise.reject(new TfError('tf is still starting', 'try again in a moment'));
    this.ui ??= this.serveUi().then(
      (ui) => (this.say?.(`dashboard at ${ui.address} (tf ui prints its address with the token)`), ui),
      (error: unknown) => {
        // Not cached: the next tf ui tries again.
        this.ui = undefined;
        throw error;
      },
    );
    return this.ui;
  }

  async close(): Promise<void> {
    await this.server?.close();
    await (await this.ui?.catch(() => undefined))?.close();
    this.logs.close();
  }
}
