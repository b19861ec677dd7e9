// The dashboard under a flood: 10,000 lines a second for 10 s into the logs page. The tab's heap
// stays bounded (the page keeps at most its configured lines), clicks are answered within 200 ms
// throughout, and the view catches up with the newest line afterwards. And a burst past what the
// dashboard sends: the page is told of the gap and fetches the tail again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { appFolder, haveChromium, launch, openDashboard, pageErrors, startApp, type Browser, type RunningApp } from './browser-support.js';

const RATE = 10_000;
const SECONDS = 10;
const TOTAL = RATE * SECONDS;

/** A node script that prints READY, waits for the file `go`, then runs `body`, and stays until SIGTERM. */
function onGo(body: string): string {
  return `
const { existsSync } = require('node:fs');
process.on('SIGTERM', () => process.exit(0));
console.log('READY');
const wait = setInterval(() => {
  if (!existsSync('go')) return;
  clearInterval(wait);
${body}}, 20);
setInterval(() => {}, 1 << 30);
`;
}

/** Waits for the file `go`, then prints RATE lines a second (in 50 ms batches, catching up on any lag) for SECONDS. */
const FLOOD = onGo(`
  const start = Date.now();
  let n = 0;
  const tick = setInterval(() => {
    const due = Math.min(${TOTAL}, Math.floor(((Date.now() - start) * ${RATE}) / 1000));
    let chunk = '';
    for (; n < due; n++) chunk += 'flood ' + n + ' \\x1b[36m' + 'x'.repeat(50) + '\\x1b[0m\\n';
    process.stdout.write(chunk);
    if (n >= ${TOTAL}) {
      clearInterval(tick);
      console.log('FLOOD DONE');
    }
  }, 50);
`);

async function heapUsed(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
}

/**
 * Clicks Pause (or Resume) with a real mouse event and returns the time from the event's arrival
 * in the page until the button shows its new label, measured by the page itself.
 */
async function clickLatency(page: Page): Promise<number> {
  const button = page.getByRole('button', { name: /^(Pause|Resume)$/ });
  const before = (await button.textContent())!;
  const measured = page.evaluate((label) => {
    const element = [...document.querySelectorAll('button')].find((b) => b.textContent === label)!;
    return new Promise<number>((resolve) => {
      element.addEventListener(
        'click',
        (event) => {
          const check = () => (element.textContent !== label ? resolve(performance.now() - event.timeStamp) : requestAnimationFrame(check));
          requestAnimationFrame(check);
        },
        { once: true },
      );
    });
  }, before);
  const box = (await button.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  return measured;
}

/**
 * tf start --ui of an app whose one process, NAME, runs `script` (node); once its READY line shows
 * on the dashboard's logs page, `body` runs; then the browser and tf stop.
 */
async function onLogsPage(name: string, script: string, port: string, body: (app: { root: string; running: RunningApp; browser: Browser; page: Page }) => Promise<void>): Promise<void> {
  const root = appFolder(name, { Procfile: `${name}: node ${name}.js\n`, [`${name}.js`]: script });
  const running = await startApp(root, ['-p', port], { recordLines: false });
  const browser = await launch();
  try {
    await running.tf.waitForLine('READY');
    const page = await openDashboard(browser.context, running, '#/logs');
    await page.locator('.log-row', { hasText: 'READY' }).waitFor({ timeout: 10_000 });
    await body({ root, running, browser, page });
  } finally {
    await browser.close();
    await running.stop();
  }
}

describe.skipIf(!haveChromium())('tf ui under a log flood', () => {
  it(`stays responsive and bounded through ${RATE} lines a second for ${SECONDS} s`, async () => {
    await onLogsPage('flood', FLOOD, '30800', async ({ root, running, browser, page }) => {
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      const baseline = await heapUsed(cdp);

      writeFileSync(join(root, 'go'), '');
      const latencies: number[] = [];
      let peak = baseline;
      const floodOver = () => running.tf.stdout.slice(-200).includes('FLOOD DONE');
      const started = Date.now();
      while (!floodOver()) {
        if (Date.now() - started > 60_000) throw new Error('the flood did not end within 60 s');
        // Pause then Resume at once: the view is live nearly all the time, as a reader's would be.
        latencies.push(await clickLatency(page), await clickLatency(page));
        peak = Math.max(peak, await heapUsed(cdp));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      // The view shows the newest line once it caught up.
      await page.locator('.log-row', { hasText: `flood ${TOTAL - 1} ` }).waitFor({ timeout: 20_000 });
      const count = (await page.locator('.count').textContent()) ?? '';
      const lines = Number(/^(\d+) lines/.exec(count)?.[1]);
      expect(lines, count).toBeLessThanOrEqual(5000);
      expect(await page.locator('.log-row').count()).toBeLessThan(200); // virtualised: only the rows in view
      await cdp.send('HeapProfiler.collectGarbage');
      const after = await heapUsed(cdp);
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
      process.stderr.write(
        `flood: ${latencies.length} clicks, slowest ${Math.max(...latencies).toFixed(0)} ms; heap ${mb(baseline)} before, ${mb(peak)} peak, ${mb(after)} after\n`,
      );
      expect(latencies.length).toBeGreaterThanOrEqual(10);
      expect(Math.max(...latencies)).toBeLessThan(200);
      // 5,000 parsed lines take a few MB; an unbounded page would hold 100,000 (tens of MB) by now.
      expect(after - baseline).toBeLessThan(24 * 1048576);
      expect(peak).toBeLessThan(96 * 1048576);
      expect(pageErrors(page)).toEqual([]);
    });
  }, 120_000);
});

/** Waits for `go`, then writes 32 MiB as fast as the pipe takes it (far past what a batch carries), then one last line. */
const BURST = onGo(`
  let n = 0;
  const chunk = () => {
    let text = '';
    while (text.length < 1 << 20) text += 'burst ' + n++ + ' ' + 'y'.repeat(100) + '\\n';
    return text;
  };
  let sent = 0;
  const write = () => {
    while (sent < 32) {
      sent++;
      if (!process.stdout.write(chunk())) return void process.stdout.once('drain', write);
    }
    console.log('AFTER THE BURST ' + n);
  };
  write();
`);

describe.skipIf(!haveChromium())('tf ui after text was dropped for it', () => {
  it('fetches the tail again on the gap event and shows whole lines up to the newest', async () => {
    await onLogsPage('burst', BURST, '30810', async ({ root, running, page }) => {
      const tailFetches: number[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/logs') tailFetches.push(Date.now());
      });
      const go = Date.now();
      writeFileSync(join(root, 'go'), '');
      const last = await waitFor(() => /AFTER THE BURST (\d+)/.exec(running.tf.stdout.slice(-300))?.[0], 'the line after the burst', 60_000);
      await page.locator('.log-row', { hasText: last }).waitFor({ timeout: 20_000 });
      // 32 MiB in a few seconds is past the 2.5 MiB a second the dashboard sends: the page was told
      // of a gap and fetched the tail again, rather than showing a stream with a hole in it.
      expect(tailFetches.filter((at) => at > go).length).toBeGreaterThanOrEqual(1);
      const rows = await page.locator('.log-row').allTextContents();
      const burst = rows.filter((row) => row.includes('burst '));
      expect(burst.length).toBeGreaterThan(0);
      for (const row of burst) expect(row).toMatch(/burst \d+ y{100}$/);
      expect(pageErrors(page)).toEqual([]);
    });
  }, 120_000);
});
