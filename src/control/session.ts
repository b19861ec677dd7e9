import type { Multiplexer } from '../output/multiplexer.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { controlHandler } from './handlers.js';
import { LogTail } from './log-tail.js';
import { ControlServer } from './server.js';
import { controlSocketPath } from './socket-path.js';

/** The control side of one `tf start`: its socket, and the output tail `tf logs` reads. */
export class ControlSession {
  private readonly logs = new LogTail();

  private constructor(private readonly server: ControlServer) {}

  /** Claims the app's control socket before anything starts: a second tf start is refused here. */
  static async open(root: string, socketFlag?: string): Promise<ControlSession> {
    return new ControlSession(await ControlServer.open(controlSocketPath(root, socketFlag), root));
  }

  get path(): string {
    return this.server.path;
  }

  attach(supervisor: Supervisor, output: Multiplexer): void {
    output.tap((data) => this.logs.write(data));
    this.server.serve(controlHandler(supervisor, this.logs));
  }

  async close(): Promise<void> {
    await this.server.close();
    this.logs.close();
  }
}
