import { connect } from 'node:net';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ps, started, waitForPs } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';
import { call, Dashboard, dashboardUrl, signIn } from './server-client.js';

// App ports of this file: 30000-30099.
const PROCFILE = `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n`;

async function withUi(files: Record<string, string> = { Procfile: PROCFILE }, args: string[] = ['--ui']) {
  const root = tmpApp(files);
  const tf = startTf(['start', '--no-timestamps', '-p', '30000', ...args], { cwd: root });
  await started(tf);
  return { root, tf };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('tf ui security', () => {
  it('serves 127.0.0.1 only, exchanges the token for a strict cookie, and refuses anything else', async () => {
    const { root, tf } = await withUi();
    const url = await dashboardUrl(tf);
    const port = Number(url.port);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token')!;
    // At least 128 bits, base64url.
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    // The token never enters the stream (tf logs, log files): only the address does.
    expect(tf.stdout).toContain(`dashboard at http://127.0.0.1:${port}/`);
    expect(tf.stdout).not.toContain(token);

    // No cookie: 401 everywhere.
    for (const path of ['/', '/api/state', '/api/events', '/assets/x.js']) expect((await call(port, path)).status, path).toBe(401);
    expect((await call(port, '/api/restart', { json: { targets: [] }, origin: `http://127.0.0.1:${port}` })).status).toBe(401);
    // A wrong token: 401, no cookie.
    const wrong = await call(port, `/?token=${token.slice(0, -2)}xx`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    // The right one: a 303 to / with an HttpOnly, SameSite=Strict cookie.
    const exchange = await call(port, `/?token=${token}`);
    expect(exchange.status).toBe(303);
    expect(exchange.headers.location).toBe('/');
    const cookieHeader = String(exchange.headers['set-cookie']);
    expect(cookieHeader).toMatch(/^tf_ui=[A-Za-z0-9_-]{22,}; /);
    expect(cookieHeader).toMatch(/; HttpOnly/);
    expect(cookieHeader).toMatch(/; SameSite=Strict/);
    expect(cookieHeader).toMatch(/; Path=\//);
    const cookie = cookieHeader.split(';')[0]!;
    expect(cookie).not.toContain(token);
    const state = await call(port, '/api/state', { cookie });
    expect(state.status).toBe(200);
    // A made-up cookie is no cookie.
    expect((await call(port, '/api/state', { cookie: 'tf_ui=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);

    // Headers: a strict CSP and friends on every answer, no caching of the API.
    for (const answer of [state, exchange, wrong]) {
      expect(answer.headers['content-security-policy']).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(state.headers['cache-control']).toBe('no-store');
    expect(state.headers['content-type']).toMatch(/^application\/json/);

    // Host: only 127.0.0.1:PORT and localhost:PORT (DNS rebinding sends the attacker's name).
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost:${port + 1}`, `127.0.0.2:${port}`]) {
      expect((await call(port, '/api/state', { cookie, host })).status, host).toBe(421);
      expect((await call(port, `/?token=${token}`, { host })).status, host).toBe(421);
    }
    expect((await call(port, '/api/state', { cookie, host: `localhost:${port}` })).status).toBe(200);

    // POST: Origin must be this server, by the name Host used.
    const restart = { cookie, json: { targets: ['web.1'] } };
    expect((await call(port, '/api/restart', restart)).status).toBe(403);
    expect((await call(port, '/api/restart', { ...restart, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call(port, '/api/restart', { ...restart, origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await call(port, '/api/restart', { ...restart, origin: `http://localhost:${port}` })).status).toBe(403);
    expect((await call(port, '/api/restart', { ...restart, origin: 'null' })).status).toBe(403);
    // Nothing was restarted by the refused requests.
    expect((await ps(root)).find((r) => r.name === 'web.1')?.restarts).toBe(0);
    // Not JSON (a form post): refused.
    const form = await call(port, '/api/stop', { cookie, origin: `http://127.0.0.1:${port}`, body: 'targets=web.1', contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);

    // Static files: only index.html and assets/NAME; never a path out of the folder.
    for (const path of ['/../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/', '/dist/tf.js', '/assets/.hidden.js']) {
      expect([400, 404], path).toContain((await call(port, path, { cookie })).status);
    }
    tf.signal('SIGTERM');
    await tf.result();
    // The server stops with tf.
    expect(await refused(port)).toBe('ECONNREFUSED');
  });

  it('serves the page with the cookie (or says it is not built)', async () => {
    const { tf } = await withUi();
    const dashboard = await Dashboard.open(tf);
    const page = await call(dashboard.port, '/', { cookie: dashboard.cookie });
    const built = existsSync(join(import.meta.dirname, '../../dist/ui/index.html'));
    if (built) {
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
    } else {
      expect(page.status).toBe(503);
      expect(page.body).toMatch(/not built/);
    }
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe('tf ui API', () => {
  it('lists the processes; restart, stop, start and scale go through the same rules as the CLI', async () => {
    const { root, tf } = await withUi();
    await tf.waitForLines(/READY/, 2);
    const dashboard = await Dashboard.open(tf);
    const state = await dashboard.get<{ app: { name: string; root: string }; processes: Array<{ name: string; pid: number }>; types: unknown[]; timeline: Array<{ name: string; startedAt: number; readyAt: number | null }>; release: null; store: boolean }>('/api/state');
    expect(state.app.root).toBe(root);
    expect(state.processes.map((p) => p.name)).toEqual(['web.1', 'worker.1']);
    expect(state.types).toEqual([
      { type: 'web', count: 1, dependsOn: [], web: true },
      { type: 'worker', count: 1, dependsOn: [], web: false },
    ]);
    expect(state.timeline.map((t) => t.name)).toEqual(['web.1', 'worker.1']);
    expect(state.timeline.every((t) => t.startedAt > 0 && t.readyAt !== null && t.readyAt >= t.startedAt)).toBe(true);
    expect(state.release).toBeNull();
    expect(state.store).toBe(false);

    // Restart: web.1 gets a new pid, as tf ps --json shows.
    const before = (await ps(root)).find((r) => r.name === 'web.1')!;
    expect(await dashboard.post('/api/restart', { targets: ['web.1'] })).toEqual({ restarted: ['web.1'], failed: [] });
    const after = (await ps(root)).find((r) => r.name === 'web.1')!;
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(1);

    // Scale: worker to 3.
    await dashboard.post('/api/scale', { formation: { worker: 3 } });
    await waitForPs(root, (rows) => rows.filter((r) => r.type === 'worker' && r.pid !== null).length === 3, 'three workers');
    expect((await dashboard.get<{ types: Array<{ type: string; count: number }> }>('/api/state')).types.find((t) => t.type === 'worker')?.count).toBe(3);

    // Stop, then start again: only what is stopped starts.
    expect(await dashboard.post('/api/stop', { targets: ['worker.2'] })).toEqual({ stopped: ['worker.2'] });
    expect((await ps(root)).find((r) => r.name === 'worker.2')?.state).toBe('stopped');
    const running = (await ps(root)).find((r) => r.name === 'worker.1')!;
    expect(await dashboard.post('/api/start', { targets: ['worker'] })).toEqual({ restarted: ['worker.2'], failed: [] });
    const rows = await ps(root);
    expect(rows.find((r) => r.name === 'worker.2')?.pid).toEqual(expect.any(Number));
    expect(rows.find((r) => r.name === 'worker.1')?.pid).toBe(running.pid);
    expect(await dashboard.post('/api/start', { targets: ['worker'] })).toEqual({ restarted: [], failed: [] });

    // Bad requests are the CLI's errors, as JSON.
    const bad = await call(dashboard.port, '/api/scale', { cookie: dashboard.cookie, origin: `http://127.0.0.1:${dashboard.port}`, json: { formation: { nope: 2 } } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: expect.stringMatching(/nope/), hint: expect.any(String) });
    const typo = await call(dashboard.port, '/api/restart', { cookie: dashboard.cookie, origin: `http://127.0.0.1:${dashboard.port}`, json: { targets: ['wbe'] } });
    expect(typo.status).toBe(400);
    expect(JSON.parse(typo.body).error).toMatch(/wbe/);
    const start = await call(dashboard.port, '/api/start', { cookie: dashboard.cookie, origin: `http://127.0.0.1:${dashboard.port}`, json: { targets: ['wbe'] } });
    expect(start.status).toBe(400);
    expect((await call(dashboard.port, '/api/nothing', { cookie: dashboard.cookie })).status).toBe(404);

    // Logs: the tail, with tf's own lines.
    const logs = await dashboard.get<{ text: string }>('/api/logs?targets=web.1&lines=50');
    expect(logs.text).toMatch(/READY web\.1/);
    expect(logs.text).not.toMatch(/READY worker/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('gives the depends_on graph, the start timeline and the metrics, as events and as history', async () => {
    const { tf } = await withUi({ Procfile: PROCFILE, 'tf.yml': 'processes:\n  web: { ready: "line /^READY/" }\n  worker:\n    depends_on: [web]\n' }, ['--ui', '-p', '30040']);
    await tf.waitForLine(/READY worker/);
    const dashboard = await Dashboard.open(tf);
    const state = await dashboard.get<{ types: unknown[]; timeline: Array<{ name: string; startedAt: number; readyAt: number }> }>('/api/state');
    expect(state.types).toEqual([
      { type: 'web', count: 1, dependsOn: [], web: true },
      { type: 'worker', count: 1, dependsOn: ['web'], web: false },
    ]);
    const [web, worker] = state.timeline;
    // The worker waited for web's ready check: it started after web was ready.
    expect(web!.readyAt).toBeGreaterThan(web!.startedAt);
    expect(worker!.startedAt).toBeGreaterThanOrEqual(web!.readyAt);
    // Metrics: each sample is an event; the history is /api/metrics.
    const stream = dashboard.events('?logs=0');
    const sample = await stream.next((e) => e.event === 'metrics', 'a metrics event');
    const { t, processes } = JSON.parse(sample.data) as { t: number; processes: Record<string, [number | null, number | null]> };
    expect(t).toBeGreaterThan(web!.startedAt);
    expect(Object.keys(processes).sort()).toEqual(['web.1', 'worker.1']);
    expect(processes['web.1']![1]).toBeGreaterThan(0);
    const metrics = await dashboard.get<{ intervalMs: number; processes: Array<{ name: string; samples: number[][] }> }>('/api/metrics?since=0');
    expect(metrics.intervalMs).toBe(2000);
    expect(metrics.processes.find((p) => p.name === 'web.1')?.samples.some(([at]) => at === t)).toBe(true);
    expect((await call(dashboard.port, '/api/metrics?since=soon', { cookie: dashboard.cookie })).status).toBe(400);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('streams ps and log events; a printed line arrives within a second', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\nwaiter: sh -c 'while [ ! -f go ]; do sleep 0.02; done; echo GO-LINE; exec sleep 600'\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '30020', '--ui'], { cwd: root });
    await started(tf);
    const dashboard = await Dashboard.open(tf);
    const stream = dashboard.events();
    const first = await stream.next((e) => e.event === 'ps', 'a ps event');
    expect(JSON.parse(first.data).map((p: { name: string }) => p.name)).toEqual(['web.1', 'waiter.1']);
    expect(stream.response?.headers['content-type']).toMatch(/^text\/event-stream/);
    writeFileSync(join(root, 'go'), '');
    const printed = await waitFor(() => (tf.stdout.includes('GO-LINE') ? Date.now() : undefined), 'tf to print GO-LINE');
    const event = await stream.next((e) => e.event === 'log' && e.data.includes('GO-LINE'), 'GO-LINE');
    expect(event.at - printed).toBeLessThan(1000);
    // Its data is the line as tf printed it, prefix and all.
    expect(event.data.split('\n')).toContain(tf.stdout.split('\n').find((line) => line.includes('GO-LINE')));
    // A change of state is a ps event.
    const count = stream.events.length;
    await dashboard.post('/api/stop', { targets: ['web'] });
    await stream.next((e) => e.event === 'ps' && JSON.parse(e.data)[0].state === 'stopped', 'web.1 stopped', 20_000, count);
    // ?logs=0: no log events.
    const quiet = dashboard.events('?logs=0');
    await quiet.next((e) => e.event === 'ps', 'a ps event');
    await dashboard.post('/api/start', { targets: ['web'] });
    await stream.next((e) => e.event === 'log' && e.data.includes('READY web.1'), 'web.1 READY again', 20_000, count);
    await quiet.next((e) => e.event === 'ps' && JSON.parse(e.data)[0].state === 'running', 'web.1 running');
    expect(quiet.events.some((e) => e.event === 'log')).toBe(false);
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe('tf ui command', () => {
  it('starts the server on a running tf; --print-url prints only the address; the server stops with tf', async () => {
    const { root, tf } = await withUi({ Procfile: PROCFILE }, []);
    expect(tf.stderr).not.toContain('dashboard');
    const printed = await runTf(['ui', '--print-url'], { cwd: root });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{22,}\n$/);
    const url = new URL(printed.stdout.trim());
    await tf.waitForLine(`dashboard at http://127.0.0.1:${url.port}/`);
    expect(tf.stdout).not.toContain(url.searchParams.get('token'));
    const cookie = await signIn(url);
    expect((await call(Number(url.port), '/api/state', { cookie })).status).toBe(200);
    // Asked again: the same server.
    const again = await runTf(['ui', '--no-open'], { cwd: root, env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`dashboard: ${url.href}\n`);
    const noDesktop = await runTf(['ui'], { cwd: root, env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
    expect(noDesktop.stdout).toMatch(/no desktop here/);
    tf.signal('SIGTERM');
    await tf.result();
    expect(await refused(Number(url.port))).toBe('ECONNREFUSED');
  });

  it('opens a browser with a link that works once, never with the token', async () => {
    const { root, tf } = await withUi({ Procfile: PROCFILE }, []);
    // A desktop whose "browser" writes down the address it was given.
    const bin = tmpApp({ 'xdg-open': `#!/bin/sh\nprintf '%s\\n' "$1" > "$(dirname "$0")/opened.tmp" && mv "$(dirname "$0")/opened.tmp" "$(dirname "$0")/opened"\n` });
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const result = await runTf(['ui'], { cwd: root, env: { DISPLAY: ':99', PATH: `${bin}:${process.env.PATH}` } });
    expect(result.code, result.stderr).toBe(0);
    const url = new URL(/^dashboard: (\S+)$/m.exec(result.stdout)![1]!);
    const opened = new URL((await waitFor(() => existsSync(join(bin, 'opened')) && readFileSync(join(bin, 'opened'), 'utf8'), 'the browser to be opened')).trim());
    expect(opened.searchParams.get('token')).toBeNull();
    expect(opened.href).not.toContain(url.searchParams.get('token'));
    const ticket = `/${opened.search}`;
    const first = await call(Number(url.port), ticket);
    expect(first.status).toBe(303);
    expect(String(first.headers['set-cookie'])).toMatch(/^tf_ui=.*HttpOnly/);
    expect((await call(Number(url.port), ticket)).status).toBe(401);
    expect((await call(Number(url.port), '/?ticket=made-up')).status).toBe(401);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('says so when no tf is running', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const result = await runTf(['ui', '--print-url'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tf: no tf start is running in \S+ \(start one with tf start, or name its root with -d\)\n$/);
    expect(result.stdout).toBe('');
  });
});
