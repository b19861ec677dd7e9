import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/config/app.js';
import { parseEnvFile } from '../../src/config/env-file.js';
import { layerEnvFiles, shellEnvironment } from '../../src/config/env.js';
import { parseProcfile } from '../../src/config/procfile.js';
import { parseSettings } from '../../src/config/settings-file.js';
import { DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW_MS, emptySettings } from '../../src/config/settings.js';
import { basePort, DEFAULT_DRAIN_MS, planFormation } from '../../src/formation/plan.js';
import { tfError } from './tf-error.js';

interface AppParts {
  procfile?: string;
  shell?: NodeJS.ProcessEnv;
  envFile?: string;
  settings?: string;
}

function app({ procfile = 'web: node web.js\nrelease: migrate\nworker: node worker.js', shell = {}, envFile, settings }: AppParts = {}): App {
  const envPath = resolve('.env');
  const envFiles = envFile === undefined ? [] : [{ path: envPath, entries: parseEnvFile(envFile, envPath) }];
  return {
    root: '/srv/app',
    procfile: parseProcfile(procfile, 'Procfile'),
    envFiles,
    settings: settings === undefined ? emptySettings() : parseSettings(settings, 'tf.yml'),
    environment: layerEnvFiles(shellEnvironment(shell), envFiles),
  };
}

describe('basePort', () => {
  it.each<[string, AppParts, string | undefined, number]>([
    ['default', {}, undefined, 5000],
    ['-p', {}, '6000', 6000],
    ['-p with spaces', {}, ' 6000 ', 6000],
    ['PORT from the shell', { shell: { PORT: '7000' } }, undefined, 7000],
    ['PORT from an env file over the shell', { shell: { PORT: '7000' }, envFile: 'PORT=8000' }, undefined, 8000],
    ['-p over PORT', { shell: { PORT: '7000' }, envFile: 'PORT=8000' }, '6000', 6000],
    ['-p 1', {}, '1', 1],
    ['-p 65535', {}, '65535', 65_535],
  ])('%s', (_case, parts, flag, port) => {
    expect(basePort(app(parts), flag)).toBe(port);
  });

  it.each([['abc'], ['0'], ['65536'], ['-1'], ['50.5'], ['5e3'], ['']])('-p %j is an error', (flag) => {
    const error = tfError(() => basePort(app(), flag));
    expect([error.message, error.hint]).toEqual([`-p/--port: "${flag}" is not a port`, 'use a number from 1 to 65535, e.g. -p 5000']);
  });

  it.each<[AppParts, string]>([
    [{ shell: { PORT: 'http' } }, 'PORT (from shell): "http" is not a port'],
    [{ envFile: '# port\nPORT=99999' }, 'PORT (from .env:2): "99999" is not a port'],
  ])('a bad PORT names where it came from: %j', (parts, message) => {
    expect(tfError(() => basePort(app(parts))).message).toBe(message);
  });

  it('ignores a bad PORT when -p is given', () => {
    expect(basePort(app({ shell: { PORT: 'http' } }), '6000')).toBe(6000);
  });
});

describe('planFormation', () => {
  const summary = (specs: ReturnType<typeof planFormation>) => specs.map((s) => [s.name, s.port, s.drainMs, s.restart.kind]);

  it('runs one of each runnable type by default, never release', () => {
    expect(summary(planFormation(app()))).toEqual([
      ['web.1', 5000, DEFAULT_DRAIN_MS, 'stop'],
      ['worker.1', 5100, DEFAULT_DRAIN_MS, 'stop'],
    ]);
  });

  it('numbers port blocks by runnable types, skipping release', () => {
    const specs = planFormation(app({ procfile: 'release: migrate\nweb: a\nworker: b', shell: { PORT: '3000' } }), { items: ['worker=2'] });
    expect(specs.map((s) => [s.name, s.port])).toEqual([
      ['worker.1', 3100],
      ['worker.2', 3101],
    ]);
  });

  it('uses tf.yml formation without items and the items when given', () => {
    const withSettings = app({ settings: 'formation:\n  web: 2\n  worker: 0\n' });
    expect(planFormation(withSettings).map((s) => s.name)).toEqual(['web.1', 'web.2']);
    expect(planFormation(withSettings, { items: ['worker'] }).map((s) => s.name)).toEqual(['worker.1']);
  });

  it.each([
    ['10', 10_000],
    ['0', 0],
    ['1.5', 1500],
    ['500ms', 500],
    ['2s', 2000],
  ])('-t %s drains for %i ms', (timeout, ms) => {
    expect(planFormation(app(), { timeout }).map((s) => s.drainMs)).toEqual([ms, ms]);
  });

  it('lets tf.yml drain win over -t for its type', () => {
    const specs = planFormation(app({ settings: 'processes:\n  worker:\n    drain: 1s\n' }), { timeout: '10' });
    expect(specs.map((s) => [s.name, s.drainMs])).toEqual([
      ['web.1', 10_000],
      ['worker.1', 1000],
    ]);
  });

  it.each([['99999999999999999999'], ['86401'], ['25h']])('-t %s is longer than tf waits', (timeout) => {
    const error = tfError(() => planFormation(app(), { timeout }));
    expect([error.message, error.hint]).toEqual([`-t/--timeout: "${timeout}" is longer than 24h`, 'tf waits at most 24h']);
  });

  it.each([['soon'], ['-1'], ['10sec'], ['']])('-t %j is an error', (timeout) => {
    const error = tfError(() => planFormation(app(), { timeout }));
    expect([error.message, error.hint]).toEqual([`-t/--timeout: "${timeout}" is not a number of seconds`, 'use e.g. -t 10 or -t 500ms']);
  });

  it('gives --restart types the default restart policy', () => {
    const specs = planFormation(app(), { restart: ['worker'] });
    expect(specs.map((s) => [s.name, s.restart])).toEqual([
      ['web.1', { kind: 'stop' }],
      ['worker.1', { kind: 'restart', limit: DEFAULT_RESTART_LIMIT, windowMs: DEFAULT_RESTART_WINDOW_MS }],
    ]);
  });

  it('accepts --restart as a comma list', () => {
    expect(planFormation(app(), { restart: ['web, worker'] }).map((s) => s.restart.kind)).toEqual(['restart', 'restart']);
  });

  it.each([['db'], ['release']])('--restart %s is an error listing the known types', (type) => {
    const error = tfError(() => planFormation(app(), { restart: [type] }));
    expect([error.message, error.hint]).toEqual([`--restart: unknown process type "${type}"`, 'known types: web, worker']);
  });
});
