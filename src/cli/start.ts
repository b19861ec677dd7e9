import { planFormation } from '../formation/plan.js';
import { shouldColor } from '../output/color.js';
import { Multiplexer } from '../output/multiplexer.js';
import { ensurePortsFree } from '../supervisor/port-check.js';
import { listenForSignals } from '../supervisor/signal-source.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { TfError } from '../util/errors.js';
import { loadAppFor, type ReleaseFlags } from './options.js';

export interface StartFlags extends ReleaseFlags {
  port?: string;
  timeout?: string;
  formation?: string[];
  restart?: string[];
  timestamps: boolean;
  json?: boolean;
}

export async function start(items: string[], flags: StartFlags): Promise<number> {
  const app = await loadAppFor(flags);
  const specs = planFormation(app, { items: [...items, ...(flags.formation ?? [])], port: flags.port, timeout: flags.timeout, restart: flags.restart });
  if (specs.length === 0) throw new TfError('nothing to start: every process type is scaled to 0', 'name a type, e.g. tf start web=1');
  await ensurePortsFree(specs.filter((spec) => spec.type === 'web').map((spec) => spec.port));
  const color = !flags.json && shouldColor(Boolean(process.stdout.isTTY), process.env);
  const output = new Multiplexer(process.stdout, { json: Boolean(flags.json), color, timestamps: flags.timestamps });
  const supervisor = new Supervisor({ specs, output, extraEnv: color ? { FORCE_COLOR: '1' } : {} });
  const stopListening = listenForSignals((signal) => supervisor.stop({ kind: 'signal', signal }));
  const status = await supervisor.run();
  stopListening();
  await output.flush();
  return status;
}
