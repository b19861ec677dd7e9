import { unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';
import { call, Dashboard } from './server-client.js';

// App ports of this file: 30100-30199.
const PROCFILE = `web: ${fixture('drain', '50')}\n`;

interface ReleaseRow {
  id: string;
  createdAt: string;
  kind: string;
  description: string;
  status: string;
  current: boolean;
  inUse: boolean;
}

async function create(root: string, ...args: string[]): Promise<void> {
  const result = await runTf(['release', 'create', ...args], { cwd: root });
  expect(result.code, result.stderr).toBe(0);
}

describe('tf ui releases', () => {
  it('lists the releases, diffs two without values, reveals one value, and rolls back', async () => {
    const root = tmpApp({ Procfile: PROCFILE, 'app.txt': 'one\n', '.env': 'SHARED=shared-value\nSECRET=first-secret-value\nGONE=bye-value\n' });
    await create(root, '--message', 'first');
    writeFileSync(`${root}/app.txt`, 'two\n');
    writeFileSync(`${root}/new.txt`, 'new\n');
    writeFileSync(`${root}/.env`, 'SHARED=shared-value\nSECRET=second-secret-value\nADDED=hello-value\n');
    await create(root, '--message', 'second');
    unlinkSync(`${root}/new.txt`);

    // Running the current release: the page shows which release runs and that it is in use.
    const tf = startTf(['start', '--no-timestamps', '-p', '30100', '--ui', '--release'], { cwd: root });
    await started(tf);
    const dashboard = await Dashboard.open(tf);
    const state = await dashboard.get<{ release: string; store: boolean }>('/api/state');
    expect(state).toMatchObject({ release: 'v2', store: true });

    const { releases } = await dashboard.get<{ releases: ReleaseRow[] }>('/api/releases');
    expect(releases.map((r) => [r.id, r.kind, r.description, r.status, r.current, r.inUse])).toEqual([
      ['v2', 'build', 'second', 'ok', true, true],
      ['v1', 'build', 'first', 'ok', false, false],
    ]);
    expect(new Date(releases[0]!.createdAt).getTime()).toBeGreaterThan(0);

    const diffAnswer = await call(dashboard.port, '/api/releases/diff?from=v1&to=v2', { cookie: dashboard.cookie });
    expect(diffAnswer.status).toBe(200);
    // No value leaves without a click.
    for (const value of ['first-secret-value', 'second-secret-value', 'hello-value', 'bye-value', 'shared-value']) expect(diffAnswer.body).not.toContain(value);
    const diff = JSON.parse(diffAnswer.body) as { env: unknown; files: Array<{ path: string; change: string }> };
    expect(diff.env).toEqual([
      { key: 'ADDED', change: 'added' },
      { key: 'GONE', change: 'removed' },
      { key: 'SECRET', change: 'changed' },
      { key: 'SHARED', change: 'same' },
    ]);
    expect(diff.files).toContainEqual({ path: 'app.txt', change: 'changed' });
    expect(diff.files).toContainEqual({ path: 'new.txt', change: 'added' });

    expect(await dashboard.get('/api/releases/value?release=v1&key=SECRET')).toEqual({ value: 'first-secret-value' });
    expect(await dashboard.get('/api/releases/value?release=current&key=SECRET')).toEqual({ value: 'second-secret-value' });
    const missing = await call(dashboard.port, '/api/releases/value?release=v1&key=ADDED', { cookie: dashboard.cookie });
    expect(missing.status).toBe(404);
    const badId = await call(dashboard.port, '/api/releases/diff?from=../v1&to=v2', { cookie: dashboard.cookie });
    expect(badId.status).toBe(400);
    expect(JSON.parse(badId.body)).toEqual({ error: expect.any(String), hint: expect.any(String) });
    expect((await call(dashboard.port, '/api/releases/diff?from=v1&to=v9', { cookie: dashboard.cookie })).status).toBe(400);

    // Rollback: a new release v3 with v1's build and env, current; the following tf rolls onto it.
    expect(await dashboard.post('/api/rollback', { release: 'v1' })).toEqual({ id: 'v3', from: 'v1', previous: 'v2' });
    const after = await dashboard.get<{ releases: ReleaseRow[] }>('/api/releases');
    expect(after.releases.map((r) => [r.id, r.kind, r.current])).toEqual([
      ['v3', 'rollback', true],
      ['v2', 'build', false],
      ['v1', 'build', false],
    ]);
    expect(after.releases[0]!.description).toBe('Rollback to v1');
    const list = await runTf(['release', 'list', '--json'], { cwd: root });
    expect((JSON.parse(list.stdout) as Array<{ id: string; current: boolean }>).find((r) => r.current)?.id).toBe('v3');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('answers an empty list when the app has no store', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const tf = startTf(['start', '--no-timestamps', '-p', '30150', '--ui'], { cwd: root });
    await started(tf);
    const dashboard = await Dashboard.open(tf);
    expect(await dashboard.get('/api/releases')).toEqual({ releases: [] });
    expect((await dashboard.get<{ store: boolean }>('/api/state')).store).toBe(false);
    const diff = await call(dashboard.port, '/api/releases/diff?from=v1&to=v2', { cookie: dashboard.cookie });
    expect(diff.status).toBe(400);
    expect(JSON.parse(diff.body).error).toMatch(/no releases/);
    tf.signal('SIGTERM');
    await tf.result();
  });
});
