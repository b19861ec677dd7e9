import { loadApp } from '../config/app.js';
import type { Environment } from '../config/env.js';
import { planFormation, basePort } from '../formation/plan.js';
import { ONE_OFF_NAME, oneOffEnvironment } from '../oneoff/run.js';
import { TfError } from '../util/errors.js';
import { appOptions, type AppFlags } from './options.js';

export interface EnvFlags extends AppFlags {
  port?: string;
  json?: boolean;
  shell: boolean;
}

/** Prints the environment one process gets, and where each variable came from. */
export async function env(name: string | undefined, flags: EnvFlags): Promise<number> {
  const app = await loadApp(appOptions(flags));
  const environment = name === undefined || name === ONE_OFF_NAME ? oneOffEnvironment(app, basePort(app, flags.port)) : processEnvironment(name, app, flags);
  const entries = [...environment].filter(([, v]) => flags.shell || v.source !== 'shell').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
    return 0;
  }
  const lines = entries.map(([key, { value, source }]) => `${key}=${shellQuote(value)}  # ${source}`);
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
  return 0;
}

function processEnvironment(name: string, app: Awaited<ReturnType<typeof loadApp>>, flags: EnvFlags): Environment {
  const wanted = name.includes('.') ? name : `${name}.1`;
  const type = wanted.slice(0, wanted.lastIndexOf('.'));
  const specs = planFormation(app, { items: [`${type}=${Number(wanted.slice(wanted.lastIndexOf('.') + 1)) || 1}`], port: flags.port });
  const spec = specs.find((s) => s.name === wanted);
  if (!spec) throw new TfError(`no process named "${name}"`, `use a name like ${specs[0]?.name ?? 'web.1'} or ${ONE_OFF_NAME}`);
  return spec.env;
}

/** Single-quoted for sh, so the output can be sourced. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) && value !== '' ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
