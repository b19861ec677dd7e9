import { loadApp, type App } from '../config/app.js';
import type { Environment } from '../config/env.js';
import { planFormation, basePort } from '../formation/plan.js';
import { ONE_OFF_NAME, oneOffEnvironment } from '../oneoff/run.js';
import { TfError } from '../util/errors.js';
import { shQuote } from '../util/sh-quote.js';
import { appOptions } from './app-flags.js';
import type { AppFlags } from './options.js';
import { unknownType } from '../formation/formation.js';
import { RELEASE_TYPE } from '../config/procfile.js';

export interface EnvFlags extends AppFlags {
  port?: string;
  json?: boolean;
  shell: boolean;
}

/** Prints the environment one process gets, and where each variable came from. */
export async function env(name: string | undefined, flags: EnvFlags): Promise<number> {
  const app = await loadApp(appOptions(flags));
  const environment = name === undefined || name === ONE_OFF_NAME ? oneOffEnvironment(app, flags.port === undefined ? undefined : basePort(app, flags.port)) : processEnvironment(name, app, flags);
  const entries = [...environment].filter(([, v]) => flags.shell || v.source !== 'shell').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
    return 0;
  }
  const lines = entries.map(([key, { value, source }]) => `${key}=${shQuote(value)}  # ${source}`);
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
  return 0;
}

/** "web.2" (or "web", meaning web.1): its instance is the last of the formation `web=2`. */
function processEnvironment(name: string, app: App, flags: EnvFlags): Environment {
  const dot = name.lastIndexOf('.');
  const type = dot < 0 ? name : name.slice(0, dot);
  const instance = dot < 0 ? 1 : /^\d+$/.test(name.slice(dot + 1)) ? Number(name.slice(dot + 1)) : 0;
  // Named as typed ("nope"), not as the formation item it becomes ("nope=1").
  if (type === RELEASE_TYPE) throw new TfError(`${name}: "release" is the release phase, which tf start never runs`, 'run it with tf run release');
  const known = app.procfile.types.map((t) => t.name).filter((t) => t !== RELEASE_TYPE);
  if (!known.includes(type)) throw unknownType(type, known, name);
  if (instance < 1) throw new TfError(`no process named "${name}"`, `use a name like ${type || 'web'}.1 or ${ONE_OFF_NAME}`);
  return planFormation(app, { items: [`${type}=${instance}`], port: flags.port }).at(-1)!.env;
}
