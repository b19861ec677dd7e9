import { spawn } from 'node:child_process';
import { controlRequest } from '../control/client.js';
import type { Command } from './commander.js';
import { addControlOptions } from './control-commands.js';
import { controlTarget, type ControlFlags } from './control-target.js';
import type { Lazy } from './options.js';

export function declareUi(tf: Command, lazy: Lazy): void {
  addControlOptions(tf.command('ui').description('open the browser dashboard of the running tf start (served by that tf, on 127.0.0.1)'))
    .option('--no-open', 'print the address, do not open a browser')
    .option('--print-url', 'print only the address (with its token), for scripts')
    .examples('tf ui', 'tf ui --no-open', 'xdg-open "$(tf ui --print-url)"')
    .action(lazy(() => ui));
}

export interface UiFlags extends ControlFlags {
  open: boolean;
  printUrl?: boolean;
}

/** Asks the running tf to serve its dashboard (it starts the server on first use) and opens it. */
export async function ui(flags: UiFlags): Promise<number> {
  // An older tf start answers without openUrl.
  const { url, openUrl } = (await controlRequest(controlTarget(flags), { cmd: 'ui' })) as { url: string; openUrl?: string };
  if (flags.printUrl) {
    process.stdout.write(`${url}\n`);
    return 0;
  }
  process.stdout.write(`dashboard: ${url}\n`);
  const opener = flags.open ? browserOpener() : undefined;
  if (opener) {
    // The browser's command line is visible to other users (ps): it gets a link that works once.
    const opened = await openBrowser(opener, openUrl ?? url);
    if (!opened) process.stderr.write(`tf: could not run ${opener[0]} (open the address above in a browser)\n`);
  } else if (flags.open) {
    process.stdout.write('no desktop here (DISPLAY and WAYLAND_DISPLAY are unset): open the address in a browser\n');
  }
  return 0;
}

/** The desktop's "open this URL" command: macOS's open, xdg-open where a display is set. */
function browserOpener(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['explorer.exe'];
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ['xdg-open'] : undefined;
}

/** Starts the opener detached (it may stay up as the browser); false when it cannot run at all. */
function openBrowser([command, ...args]: string[], url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command!, [...args, url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => (child.unref(), resolve(true)));
  });
}
