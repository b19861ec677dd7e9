import type { Multiplexer } from '../output/multiplexer.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { controlHandler } from './handlers.js';
import { LogTail } from './log-tail.js';
import { TfError } from '../util/errors.js';
import { AlreadyRunning, ControlServer } from './server.js';
import { listenPlace, socketPlace } from './socket-path.js';

/** The control side of one `tf start`: its socket, and the output tail `tf logs` reads. */
export class ControlSession {
  private readonly logs = new LogTail();

  private constructor(
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
      return new ControlSession(await ControlServer.open(place, root));
    } catch (error) {
      if (!place.short || !(error instanceof TfError) || error instanceof AlreadyRunning) throw error;
      return new ControlSession(undefined, error.message);
    }
  }

  /** The socket; undefined when tf runs without live control. */
  get path(): string | undefined {
    return this.server?.path;
  }

  attach(supervisor: Supervisor, output: Multiplexer): void {
    if (!this.server) return output.system(`live control is off (tf ps, scale and logs cannot reach this tf): ${this.unavailable ?? 'no socket'}`);
    output.onRecord((record) => this.logs.write(record));
    this.server.serve(controlHandler(supervisor, this.logs, (lines) => output.render(lines)));
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.logs.close();
  }
}
