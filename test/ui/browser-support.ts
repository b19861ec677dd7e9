// What the browser tests share: Debian's Chromium driven by playwright-core (no browser download),
// and a real `tf start --ui` of a temp app whose dashboard address the tests read from tf's output.
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expectNoSurvivors } from '../helpers/processes.js';
import { TfProcess } from '../helpers/tf.js';
import { removeAll } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a loud message on a
 * developer's machine, and fail in CI (CI is set there): .ci/run installs Debian's chromium.
 */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) return true; // run anyway, and fail at launch naming the missing browser
  process.stderr.write(`\n*** tf ui browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install chromium) ***\n\n`);
  return false;
}

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // performance.memory with exact figures (the flood test reads the heap).
  '--enable-precise-memory-info',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile of its own, 1280x800. */
export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); CI must run the browser tests`);
  const profile = mkdtempSync(join(tmpdir(), 'tf-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    // Crash reports and the like must not wait on a network the test run does not have.
    env: { ...process.env, HOME: profile },
  });
  return {
    context,
    async close() {
      await context.close();
      removeAll(profile);
    },
  };
}

/** A temp app folder `NAME` with these files (removed by the app's stop()); the name shows in the page. */
export function appFolder(name: string, files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tf-ui-test-')), name);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export interface RunningApp {
  root: string;
  tf: TfProcess;
  /** The dashboard's address with its token. */
  url: string;
  /** The base address (http://127.0.0.1:PORT). */
  origin: string;
  /** When each stdout line was first seen by the test (for "appears within a second"). */
  seen: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * `tf start --ui ARGS` in `root`; resolves once tf printed the dashboard address. stop() ends tf
 * with SIGTERM and fails if anything tf started is still alive.
 */
export async function startApp(root: string, args: string[], { recordLines = true } = {}): Promise<RunningApp> {
  const tf = new TfProcess(['start', '--ui', '--no-timestamps', ...args], { cwd: root });
  const seen = new Map<string, number>();
  let partial = '';
  tf.child.stdout!.on('data', (text: string) => {
    if (!recordLines) return;
    const now = Date.now();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.replace(/\x1b\[[0-9;:]*m/g, '');
      if (!seen.has(line)) seen.set(line, now);
    }
  });
  const stop = async () => {
    if (tf.child.exitCode === null && tf.child.signalCode === null) tf.signal('SIGTERM');
    await tf.result(30_000).catch(() => tf.signal('SIGKILL'));
    await expectNoSurvivors(tf.tag);
    removeAll(dirname(root));
  };
  try {
    const url = await waitFor(
      () => /dashboard (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(tf.stderr + tf.stdout)?.[1],
      () => `the dashboard address from tf start --ui (stderr:\n${tf.stderr.slice(-2000)})`,
      30_000,
    );
    return { root, tf, url, origin: new URL(url).origin, seen, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Opens the dashboard (the token becomes a cookie) on `hash` and waits for the first state. */
export async function openDashboard(context: BrowserContext, app: RunningApp, hash = '#/processes'): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A CSP violation is reported on the console: the page must cause none.
    if (message.type() === 'error') errors.push(message.text());
  });
  (page as Page & { tfErrors?: string[] }).tfErrors = errors;
  await page.goto(app.url);
  await page.goto(`${app.origin}/${hash}`);
  await page.waitForSelector('.connection.live', { timeout: 20_000 });
  return page;
}

/** Errors the page logged (script errors, CSP violations). */
export function pageErrors(page: Page): string[] {
  return (page as Page & { tfErrors?: string[] }).tfErrors ?? [];
}
