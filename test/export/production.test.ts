import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';

// The production defaults of tf export: what a formation with no restart: and a depends_on
// becomes in each engine, run through the built CLI.
const PROCFILE = 'web: node web.js\nworker: node worker.js\n';
const DEPENDS = 'processes:\n  web:\n    ready: "cmd test -e /tmp/up"\n  worker:\n    depends_on: [web]\n';

async function exported(format: string, files: Record<string, string>, extra: string[] = []): Promise<{ cwd: string; out: string; stdout: string }> {
  const cwd = tmpApp(files);
  const result = await runTf(['export', format, 'deploy/out', '--app', 'shop', ...extra], { cwd });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { cwd, out: join(cwd, 'deploy/out'), stdout: result.stdout };
}

const DEFAULT_NOTE = /note: \w+: web, worker have no restart: in tf\.yml, so the export restarts them when they exit \(.+\); tf start's default would stop the app instead \(set restart: stop in tf\.yml to export that\)/;

describe('tf export: production defaults', () => {
  it('systemd restarts a type without restart: with backoff, binds nothing, and says so and that it runs as root', async () => {
    const { out, stdout } = await exported('systemd', { Procfile: PROCFILE });
    const unit = readFileSync(join(out, 'shop-web@.service'), 'utf8').split('\n');
    for (const line of ['Restart=always', 'RestartSec=1s', 'StartLimitIntervalSec=5min', 'StartLimitBurst=10']) expect(unit).toContain(line);
    expect(readFileSync(join(out, 'shop.target'), 'utf8')).not.toContain('BindsTo=');
    expect(stdout).toMatch(DEFAULT_NOTE);
    expect(stdout).toContain('(Restart=always after RestartSec=1s, at most 10 starts in 5min)');
    expect(stdout).toContain("note: systemd: no --user, so the units have no User=: they run as systemd's own user, root for a system service (name the account with --user NAME)\n");
  });

  it('systemd keeps an explicit restart: stop (BindsTo) without the default note, and writes User= for --user', async () => {
    const { out, stdout } = await exported('systemd', { Procfile: PROCFILE, 'tf.yml': 'processes:\n  web:\n    restart: stop\n  worker:\n    restart: stop\n' }, ['--user', 'shop']);
    expect(readFileSync(join(out, 'shop.target'), 'utf8')).toMatch(/^BindsTo=shop-web@1\.service shop-worker@1\.service$/m);
    expect(readFileSync(join(out, 'shop-web@.service'), 'utf8')).toMatch(/^User=shop$/m);
    expect(stdout).not.toContain('note:');
  });

  it('systemd orders a dependent after every instance of its dependency, and says the ready check is not kept', async () => {
    const { out, stdout } = await exported('systemd', { Procfile: PROCFILE, 'tf.yml': DEPENDS }, ['web=2', 'worker=1', '--user', 'shop']);
    const worker = readFileSync(join(out, 'shop-worker@.service'), 'utf8');
    expect(worker).toMatch(/^Wants=shop-web@1\.service shop-web@2\.service$/m);
    expect(worker).toMatch(/^After=shop-web@1\.service shop-web@2\.service$/m);
    expect(readFileSync(join(out, 'shop-web@.service'), 'utf8')).not.toMatch(/^After=/m);
    expect(stdout).toContain('note: systemd: the ready check of web is not exported: a unit counts as started once its process runs (Type=simple), so After= orders starts, not readiness\n');
  });

  it('compose: restart unless-stopped, depends_on healthy on a cmd ready check, and build relative to the compose file', async () => {
    const { out, stdout } = await exported('compose', { Procfile: PROCFILE, 'tf.yml': DEPENDS });
    const services = (parse(readFileSync(join(out, 'shop.compose.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>> }).services;
    expect(services.web).toMatchObject({ build: '../..', restart: 'unless-stopped', healthcheck: { test: ['CMD-SHELL', 'test -e /tmp/up'], interval: '1s', start_period: '30s' } });
    expect(services.worker).toMatchObject({ build: '../..', restart: 'unless-stopped', depends_on: { web: { condition: 'service_healthy' } } });
    expect(services.worker!.healthcheck).toBeUndefined();
    expect(stdout).toMatch(DEFAULT_NOTE);
  });

  it('compose: a dependency whose ready check has no healthcheck is depended on as started, with a note', async () => {
    const { out, stdout } = await exported('compose', { Procfile: PROCFILE, 'tf.yml': 'processes:\n  web:\n    ready: port\n  worker:\n    depends_on: [web]\n' });
    const services = (parse(readFileSync(join(out, 'shop.compose.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>> }).services;
    expect(services.worker!.depends_on).toEqual({ web: { condition: 'service_started' } });
    expect(stdout).toContain('note: compose: the ready check of web has no healthcheck to become (only ready: cmd does), so what depends on it starts once its container has started\n');
  });

  it.each(['supervisord', 'runit', 's6', 'launchd'])('%s says depends_on is not exported, and restarts by default', async (format) => {
    const { stdout } = await exported(format, { Procfile: PROCFILE, 'tf.yml': DEPENDS });
    expect(stdout).toContain(`note: ${format}: depends_on is not exported (worker on web): ${format} starts every process at once, so each must wait for what it needs itself (retry its connections)\n`);
    expect(stdout).toMatch(DEFAULT_NOTE);
  });

  it('kubernetes says depends_on is not exported, and restarts by default', async () => {
    const { stdout } = await exported('kubernetes', { Procfile: PROCFILE, 'tf.yml': DEPENDS }, ['--image', 'shop:1']);
    expect(stdout).toContain('note: kubernetes: depends_on is not exported (worker on web)');
    expect(stdout).toMatch(DEFAULT_NOTE);
    expect(stdout).not.toContain('will be restarted when they exit');
  });

  it.each([
    ['compose', 'restart: unless-stopped'],
    ['runit', 'runsv restarts a process a second after it exits'],
    ['s6', 's6-supervise restarts a process a second after it exits'],
    ['launchd', 'KeepAlive'],
  ])('%s says it drops the restart limit of tf.yml', async (format, how) => {
    const { stdout } = await exported(format, { Procfile: PROCFILE, 'tf.yml': 'processes:\n  web:\n    restart: restart\n  worker:\n    restart: ignore\n' }, ['--user', 'shop']);
    expect(stdout).toContain(`note: ${format}: web is restarted without a limit (${how}): the restart limit of tf.yml is not kept\n`);
    expect(stdout).not.toMatch(/no restart: in tf\.yml|no --user/);
  });

  it.each([
    ['supervisord', 'the programs have no user='],
    ['runit', 'the run scripts have no chpst -u'],
    ['s6', 'the run scripts have no s6-setuidgid'],
  ])('%s says the processes run as its own user (root) without --user', async (format, what) => {
    const { stdout } = await exported(format, { Procfile: PROCFILE });
    expect(stdout).toContain(`note: ${format}: no --user, so ${what}: they run as ${format}'s own user, root for a system service (name the account with --user NAME)\n`);
  });

  it('compose gives a healthcheck the ready_timeout as its start period', async () => {
    const { out } = await exported('compose', { Procfile: PROCFILE, 'tf.yml': 'processes:\n  web:\n    ready: "cmd true"\n    ready_timeout: 2m\n' });
    const services = (parse(readFileSync(join(out, 'shop.compose.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>> }).services;
    expect(services.web!.healthcheck).toEqual({ test: ['CMD-SHELL', 'true'], interval: '1s', start_period: '2m' });
  });
});
