// The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
// `tf start --ui`: processes, actions, logs, search, releases; then screenshots of every page,
// light and dark, into docs/screenshots (README "tf ui" shows them).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ps } from '../helpers/control.js';
import { TfProcess } from '../helpers/tf.js';
import { FIXTURES } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';
import { appFolder, haveChromium, launch, openDashboard, pageErrors, startApp, type Browser, type RunningApp } from './browser-support.js';

const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const PORT = 30500; // db 30500, web 30600, worker 30700-30702

/** Prints a coloured, numbered tick every 200 ms; READY first. */
const TICKER = `
process.on('SIGTERM', () => process.exit(0));
console.log('READY');
let n = 0;
setInterval(() => console.log('\\x1b[32mtick\\x1b[0m ' + (++n) + (n % 5 === 0 ? ' \\x1b[1;33mevery fifth\\x1b[0m' : '')), 200);
`;
const DB = `
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => console.log('db accepting connections'), 300);
setInterval(() => {}, 1 << 30);
`;

function app(): string {
  return appFolder('shop', {
    Procfile: [`db: node db.js`, `web: ${process.execPath} ${join(FIXTURES, 'server.mjs')} 400`, `worker: node worker.js`, ''].join('\n'),
    // Ready checks give the start timeline something to show: db, then web, ready after a while.
    'tf.yml': 'processes:\n  db: { ready: "line /accepting connections/" }\n  web: { depends_on: [db], ready: port }\n  worker: { depends_on: [db] }\n',
    '.env': 'GREETING=hello\nSECRET=hunter2\n',
    'db.js': DB,
    'worker.js': TICKER,
  });
}

/** Runs tf to completion (outside a test too: runTf ties tf to the current test). */
async function tf(root: string, args: string[]): Promise<string> {
  const result = await new TfProcess(args, { cwd: root }).result(60_000);
  if (result.code !== 0) throw new Error(`tf ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

const rowsOf = (page: Page, prefix: string) => page.locator(`tr.process[data-name^="${prefix}"]`);

describe.skipIf(!haveChromium())('tf ui in a browser', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const root = app();
    // Two releases, the second with a changed and an added key (the releases page diffs them).
    await tf(root, ['release', 'create', '--message', 'first']);
    writeFileSync(join(root, '.env'), 'GREETING=hello\nSECRET=swordfish\nFEATURE_FLAG=on\n');
    writeFileSync(join(root, 'worker.js'), `${TICKER}\n// v2\n`);
    await tf(root, ['release', 'create', '--message', 'second']);
    running = await startApp(root, ['-p', String(PORT)]);
    browser = await launch();
    page = await openDashboard(browser.context, running);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  }, 60_000);

  it('lists every process with its state', async () => {
    const rows = await waitFor(async () => {
      const list = await ps(running.root);
      const up = (name: string, state: string) => list.some((r) => r.name === name && r.state === state);
      return list.length === 3 && up('db.1', 'ready') && up('web.1', 'ready') && up('worker.1', 'running') ? list : undefined;
    }, 'db and web ready, worker running', 30_000);
    for (const row of rows) {
      const tr = page.locator(`tr.process[data-name="${row.name}"]`);
      await tr.locator(`.state.st-${row.state}`).waitFor({ timeout: 5000 });
      expect(await tr.locator('.pid').textContent()).toBe(String(row.pid));
    }
    expect(await page.locator('tr.process').count()).toBe(3);
    // web is a web type: its port is a link to the app.
    const web = rows.find((r) => r.name === 'web.1')!;
    expect(await page.locator('tr.process[data-name="web.1"] a').getAttribute('href')).toBe(`http://localhost:${web.port}`);
    // Memory: non-zero wherever tf reports it (tf ps --json's rssBytes, the metrics of issue 14 §1).
    const withMemory = (await ps(running.root)) as Array<{ name: string; rssBytes?: number | null }>;
    if (withMemory.some((r) => r.rssBytes !== undefined)) {
      await waitFor(async () => {
        for (const row of rows) {
          const text = (await page.locator(`tr.process[data-name="${row.name}"] .mem`).textContent()) ?? '';
          if (!/^[\d.]+ (kB|MB|GB)$/.test(text)) return undefined;
        }
        return true;
      }, 'a memory figure in every row', 20_000);
    } else {
      process.stderr.write('note: this tf reports no rssBytes yet; the memory column shows "–"\n');
      expect(await page.locator('tr.process .mem').first().textContent()).toBe('–');
    }
    expect(pageErrors(page)).toEqual([]);
  });

  it('restarts web.1 from its row (confirmed) and shows the new pid', async () => {
    const before = (await ps(running.root)).find((r) => r.name === 'web.1')!;
    await page.getByRole('button', { name: 'Restart web.1' }).click();
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    await dialog.locator('[data-confirm]').click();
    const after = await waitFor(async () => {
      const row = (await ps(running.root)).find((r) => r.name === 'web.1');
      return row && row.pid !== before.pid && row.state === 'ready' ? row : undefined;
    }, 'web.1 with a new pid', 30_000);
    await page.locator('tr.process[data-name="web.1"] .pid', { hasText: String(after.pid) }).waitFor({ timeout: 5000 });
    expect(after.restarts).toBe(before.restarts + 1);
  });

  it('cancelling the dialog (with the mouse or the keyboard) changes nothing', async () => {
    const before = (await ps(running.root)).find((r) => r.name === 'db.1')!;
    await page.getByRole('button', { name: 'Restart db.1' }).click();
    await page.locator('dialog.confirm').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('dialog.confirm').waitFor({ state: 'detached' });
    // From the keyboard: Enter on the focused button opens the dialog with Cancel focused, Escape closes it.
    await page.getByRole('button', { name: 'Restart db.1' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog.confirm').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await page.locator('dialog.confirm').waitFor({ state: 'detached' });
    expect((await ps(running.root)).find((r) => r.name === 'db.1')!.pid).toBe(before.pid);
  });

  it('scales worker to 3 and shows three rows', async () => {
    await page.getByRole('spinbutton', { name: 'How many worker processes' }).fill('3');
    await page.getByRole('spinbutton', { name: 'How many worker processes' }).press('Enter');
    // Reflected within a second: timed in the page, from the confirming click to three rows.
    const shown = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const button = document.querySelector<HTMLButtonElement>('dialog.confirm [data-confirm]')!;
          button.addEventListener('click', (event) => {
            const check = () => (document.querySelectorAll('tr.process[data-name^="worker."]').length === 3 ? resolve(performance.now() - event.timeStamp) : requestAnimationFrame(check));
            check();
          });
        }),
    );
    await page.locator('dialog.confirm [data-confirm]').click();
    const ms = await shown;
    expect(ms, `three worker rows ${ms.toFixed(0)} ms after the click`).toBeLessThan(1000);
    expect((await ps(running.root)).filter((r) => r.type === 'worker').length).toBe(3);
  });

  it('stops worker.3 and starts it again from its row', async () => {
    await page.getByRole('button', { name: 'Stop worker.3', exact: true }).click();
    await page.locator('dialog.confirm [data-confirm]').click();
    await page.locator('tr.process[data-name="worker.3"] .state.st-stopped').waitFor({ timeout: 20_000 });
    expect((await ps(running.root)).find((r) => r.name === 'worker.3')?.state).toBe('stopped');
    await page.getByRole('button', { name: 'Start worker.3', exact: true }).click();
    await page.locator('dialog.confirm [data-confirm]').click();
    await page.locator('tr.process[data-name="worker.3"] .state.st-running').waitFor({ timeout: 20_000 });
    const row = (await ps(running.root)).find((r) => r.name === 'worker.3')!;
    expect(row.state).toBe('running');
    await page.locator('tr.process[data-name="worker.3"] .pid', { hasText: String(row.pid) }).waitFor({ timeout: 5000 });
  });

  it("shows a line a process prints in that process's log view within a second", async () => {
    await page.goto(`${running.origin}/#/logs`);
    await page.getByRole('combobox', { name: 'Show logs of' }).selectOption('worker.1');
    await page.locator('.log-row', { hasText: 'worker.1' }).first().waitFor({ timeout: 10_000 });
    // The next tick tf prints, and when the test saw it on tf's stdout.
    const last = Math.max(0, ...[...running.seen.keys()].map((l) => Number(/^worker\.1 +\| tick (\d+)/.exec(l)?.[1] ?? 0)));
    const next = last + 3;
    const line = await waitFor(() => [...running.seen.keys()].find((l) => new RegExp(`^worker\\.1 +\\| tick ${next}\\b`).test(l)), `tick ${next} on tf's stdout`, 10_000);
    const printedAt = running.seen.get(line)!;
    await page.waitForFunction(
      (text) => [...document.querySelectorAll('.log-row')].some((row) => row.textContent?.includes(text)),
      `| tick ${next}`,
      { polling: 'raf', timeout: 10_000 },
    );
    const delay = Date.now() - printedAt;
    expect(delay, `tick ${next} showed ${delay} ms after tf printed it`).toBeLessThan(1000);
    // Only worker.1's lines are in its view, with their colours as classes.
    const sources = await page.locator('.log-row').evaluateAll((rows) => rows.map((r) => /^(\S+)/.exec(r.textContent ?? '')?.[1]));
    expect(new Set(sources)).toEqual(new Set(['worker.1']));
    expect(await page.locator('.log-row span.f2', { hasText: 'tick' }).count()).toBeGreaterThan(0);
  });

  it('a search narrows the view and highlights the matches', async () => {
    await page.getByRole('combobox', { name: 'Show logs of' }).selectOption('');
    await page.locator('.log-row', { hasText: 'every fifth' }).first().waitFor({ timeout: 10_000 });
    const total = Number(/^(\d+) lines/.exec((await page.locator('.count').textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(20);
    await page.getByRole('searchbox', { name: /Search logs/ }).fill('every fifth');
    await waitFor(async () => {
      const texts = await page.locator('.log-row').allTextContents();
      return texts.length > 0 && texts.every((t) => t.includes('every fifth')) ? texts : undefined;
    }, 'only lines with "every fifth"', 10_000);
    expect(await page.locator('.log-row mark').first().textContent()).toBe('every fifth');
    const [shown, of] = /^(\d+) of (\d+) lines/.exec((await page.locator('.count').textContent()) ?? '')!.slice(1).map(Number);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(of / 3);
    // Download saves what the view shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    const saved = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    expect(saved.length).toBeGreaterThanOrEqual(shown);
    expect(saved.every((line) => line.includes('every fifth'))).toBe(true);
    expect(download.suggestedFilename()).toBe('shop-all.log');
    await page.getByRole('searchbox', { name: /Search logs/ }).fill('');
  });

  it('a hidden tab asks for no log text and catches up when shown again', async () => {
    const requests: string[] = [];
    const record = (request: { url(): string }) => requests.push(new URL(request.url()).pathname + new URL(request.url()).search);
    page.on('request', record);
    // Headless Chromium never hides a page (minimised or in the background), so the page is told
    // the way a browser tells it: visibilityState changes and a visibilitychange event fires.
    const visibility = (state: 'hidden' | 'visible') =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    try {
      await visibility('hidden');
      await waitFor(() => requests.includes('/api/events?logs=0'), () => `/api/events?logs=0 (requests: ${requests.join(' ')})`, 10_000);
      await visibility('visible');
      // Visible again: the full stream, and the log tail it missed.
      await waitFor(() => {
        const after = requests.slice(requests.indexOf('/api/events?logs=0') + 1);
        return after.includes('/api/events') && after.some((r) => r.startsWith('/api/logs')) ? true : undefined;
      }, () => `/api/events and /api/logs again (requests: ${requests.join(' ')})`, 10_000);
      await page.waitForSelector('.connection.live', { timeout: 10_000 });
    } finally {
      page.off('request', record);
    }
  });

  it('shows both releases and their env diff with the values masked until clicked', async () => {
    await page.goto(`${running.origin}/#/releases`);
    await page.locator('tr[data-release]').nth(1).waitFor({ timeout: 10_000 });
    const ids = await page.locator('tr[data-release]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-release')));
    expect(ids).toHaveLength(2);
    await page.locator('table.env-diff').waitFor({ timeout: 10_000 });
    const changes = await page.locator('table.env-diff tbody tr').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-key'), r.children[1]?.textContent]),
    );
    expect(changes).toEqual(expect.arrayContaining([['SECRET', 'changed'], ['FEATURE_FLAG', 'added']]));
    expect(changes.find(([key]) => key === 'GREETING')).toBeUndefined();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('swordfish');
    await page.getByRole('button', { name: `Reveal SECRET in ${ids[0]}` }).click();
    await page.locator('tr[data-key="SECRET"] code', { hasText: 'swordfish' }).waitFor({ timeout: 5000 });
    expect((await page.locator('main').textContent()) ?? '').not.toContain('hunter2');
    await page.locator('ul.files li', { hasText: 'worker.js' }).waitFor({ timeout: 5000 });
    // Roll back to the older one (confirmed): a new release, current, and tf's own list agrees.
    const older = ids[1]!;
    await page.locator(`tr[data-release="${older}"]`).getByRole('button', { name: 'Roll back' }).click();
    await page.locator('dialog.confirm [data-confirm]').click();
    await page.locator('tr[data-release].current').nth(0).waitFor();
    await waitFor(async () => ((await page.locator('tr[data-release]').count()) === 3 ? true : undefined), 'three releases after the rollback', 20_000);
    const listed = JSON.parse(await tf(running.root, ['release', 'list', '--json'])) as Array<{ id: string; current: boolean; kind: string }>;
    const current = listed.find((r) => r.current)!;
    expect(current.kind).toBe('rollback');
    expect(await page.locator(`tr[data-release="${current.id}"]`).getAttribute('class')).toBe('current');
  });

  it('draws the depends_on graph and the start timeline', async () => {
    await page.goto(`${running.origin}/#/graph`);
    await page.locator('svg.graph g.node[data-type="web"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('svg.graph line.edge').count()).toBe(2);
    expect(await page.locator('svg.graph g.node[data-type="worker"] circle.st-running').count()).toBe(3);
    expect(await page.locator('svg.timeline g').count()).toBeGreaterThanOrEqual(3);
    // web waited for db and then for its port: its bar starts after db's.
    expect(await page.locator('svg.timeline g.ready').count()).toBeGreaterThanOrEqual(3);
    expect(pageErrors(page)).toEqual([]);
  });

  it('takes screenshots of every page, light and dark', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const name of ['processes', 'logs', 'releases', 'graph']) {
        await page.goto(`${running.origin}/#/${name}`);
        await page.waitForSelector('.connection.live');
        if (name === 'processes') await rowsOf(page, 'worker.3').waitFor();
        if (name === 'logs') {
          await page.locator('.log-row').nth(10).waitFor();
          await page.getByRole('searchbox', { name: /Search logs/ }).fill('tick');
        }
        if (name === 'releases') await page.locator('table.env-diff').waitFor();
        if (name === 'graph') await page.locator('svg.timeline').waitFor();
        const path = join(SCREENSHOTS, `${name}-${scheme}.png`);
        await page.screenshot({ path });
      }
    }
    // A phone-width window: the page stays usable (no sideways scrolling of the whole page).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${running.origin}/#/processes`);
    await rowsOf(page, 'worker.3').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'processes-phone.png') });
    expect(pageErrors(page)).toEqual([]);
  });

  it('says so when tf stops', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await running.stop();
    await page.locator('.connection.lost', { hasText: 'tf is not answering' }).waitFor({ timeout: 30_000 });
  });
});
