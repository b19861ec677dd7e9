import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/env-file.js';
import { layerEnvFiles, shellEnvironment, type Environment } from '../../src/config/env.js';
import { parseProcfile, runnableTypes, type ProcessType } from '../../src/config/procfile.js';
import { parseSettings } from '../../src/config/settings-file.js';
import { emptySettings, type RestartPolicy, type Settings } from '../../src/config/settings.js';
import { buildFormation, portFor, processVariables, type FormationInput } from '../../src/formation/formation.js';
import { deriveSpecFactory } from '../../src/supervisor/slot-set.js';
import { tfError } from './tf-error.js';

const types: ProcessType[] = runnableTypes(parseProcfile('web: node web.js\nrelease: migrate\nworker: node worker.js\nclock: node clock.js', 'Procfile'));
const envPath = resolve('.env');
const environment: Environment = layerEnvFiles(shellEnvironment({ HOME: '/home/ada', PORT: '1', PS: 'shell' }), [
  { path: envPath, entries: parseEnvFile('PORT=2\nDYNO=file\nAPP=demo', envPath) },
]);
const settingsOf = (...lines: string[]): Settings => parseSettings(`${lines.join('\n')}\n`, 'tf.yml');

function build(overrides: Partial<FormationInput> = {}) {
  return buildFormation({
    types,
    scale: new Map([
      ['web', 2],
      ['worker', 1],
      ['clock', 0],
    ]),
    settings: emptySettings(),
    root: '/srv/app',
    environment,
    basePort: 5000,
    drainMs: 5000,
    ...overrides,
  });
}

describe('portFor', () => {
  it.each([
    [5000, 0, 1, 5000],
    [5000, 0, 2, 5001],
    [5000, 1, 1, 5100],
    [5000, 2, 3, 5202],
    [3000, 1, 10, 3109],
  ])('base %i, type %i, instance %i -> %i', (base, typeIndex, instance, port) => {
    expect(portFor(base, typeIndex, instance)).toBe(port);
  });
});

describe('buildFormation', () => {
  it('names instances and gives ports by the foreman scheme, in Procfile order', () => {
    expect(build().map((s) => [s.name, s.type, s.instance, s.typeIndex, s.port, s.command, s.cwd])).toEqual([
      ['web.1', 'web', 1, 0, 5000, 'node web.js', '/srv/app'],
      ['web.2', 'web', 2, 0, 5001, 'node web.js', '/srv/app'],
      ['worker.1', 'worker', 1, 1, 5100, 'node worker.js', '/srv/app'],
    ]);
  });

  it('keeps the port block of a type scaled to 0', () => {
    const specs = build({ scale: new Map([['clock', 2]]) });
    expect(specs.map((s) => [s.name, s.port])).toEqual([
      ['clock.1', 5200],
      ['clock.2', 5201],
    ]);
  });

  it('runs nothing for an empty scale', () => {
    expect(build({ scale: new Map() })).toEqual([]);
  });

  it('gives PORT, PS and DYNO with source "tf", over the shell and env files', () => {
    const env = build()[1]!.env;
    expect([env.get('PORT'), env.get('PS'), env.get('DYNO')]).toEqual([
      { value: '5001', source: 'tf' },
      { value: 'web.2', source: 'tf' },
      { value: 'web.2', source: 'tf' },
    ]);
    expect([env.get('APP'), env.get('HOME')]).toEqual([
      { value: 'demo', source: '.env:3' },
      { value: '/home/ada', source: 'shell' },
    ]);
  });

  it('gives each process its own environment', () => {
    const [web1, web2] = build();
    expect([web1!.env.get('PORT')?.value, web2!.env.get('PORT')?.value, environment.get('PORT')?.value]).toEqual(['5000', '5001', '2']);
  });

  it('processVariables is the set tf gives', () => {
    expect(processVariables('worker.3', 5102)).toEqual({ PORT: '5102', PS: 'worker.3', DYNO: 'worker.3' });
  });

  it('uses defaults when tf.yml says nothing', () => {
    const [web] = build({ drainMs: 1234 });
    expect([web!.stopSignal, web!.drainMs, web!.restart]).toEqual(['SIGTERM', 1234, { kind: 'stop' }]);
    expect('ready' in web! || 'readyTimeoutMs' in web!).toBe(false);
  });

  it('applies per-type settings from tf.yml to that type only', () => {
    const settings = settingsOf(
      'processes:',
      '  web:',
      '    stop_signal: INT',
      '    drain: 10s',
      '    ready: port',
      '    ready_timeout: 2s',
      '  worker:',
      '    restart:',
      '      policy: restart',
      '      limit: 3',
      '      window: 1m',
    );
    const [web, , worker] = build({ settings, drainMs: 5000 });
    expect([web!.stopSignal, web!.drainMs, web!.restart, web!.ready, web!.readyTimeoutMs]).toEqual(['SIGINT', 10_000, { kind: 'stop' }, { kind: 'port' }, 2000]);
    expect([worker!.stopSignal, worker!.drainMs, worker!.restart]).toEqual(['SIGTERM', 5000, { kind: 'restart', limit: 3, windowMs: 60_000 }]);
  });

  it('lets --restart override the policy in tf.yml for the types it names', () => {
    const restartPolicy: RestartPolicy = { kind: 'restart', limit: 10, windowMs: 300_000 };
    const settings = settingsOf('processes:', '  web:', '    restart: ignore', '  worker:', '    restart: ignore');
    const specs = build({ settings, restartTypes: new Set(['web']), restartPolicy });
    expect(specs.map((s) => [s.name, s.restart])).toEqual([
      ['web.1', restartPolicy],
      ['web.2', restartPolicy],
      ['worker.1', { kind: 'ignore' }],
    ]);
  });

  it.each<[string, number, [string, number][], string]>([
    ['the second instance of a type', 65_535, [['web', 2]], 'web.2 would get port 65536, above 65535'],
    ['the block of a later type', 65_400, [['web', 2], ['worker', 1], ['clock', 1]], 'clock.1 would get port 65600, above 65535'],
  ])('a port past 65535 is an error: %s', (_case, basePort, scale, message) => {
    const error = tfError(() => build({ basePort, scale: new Map(scale) }));
    expect([error.message, error.hint]).toEqual([message, 'choose a lower base port with -p']);
  });

  it('gives every process of a full formation its own port: 100 of each type', () => {
    const specs = build({ basePort: 5000, scale: new Map([['web', 100], ['worker', 100], ['clock', 100]]) });
    const ports = specs.map((s) => s.port);
    expect(new Set(ports).size).toBe(300);
    expect([Math.min(...ports), Math.max(...ports)]).toEqual([5000, 5299]);
  });

  it('refuses a 101st instance, whose port is the next type\'s', () => {
    const [web1] = build({ basePort: 5000, scale: new Map([['web', 1]]) });
    const error = tfError(() => deriveSpecFactory([web1!])('web', 101));
    expect([error.message, error.hint]).toEqual(['web.101: a type runs at most 100 processes', 'each type has a block of 100 ports, base + 100 x its place in the Procfile; split the work over more types']);
  });

  it('allows port 65535 itself', () => {
    expect(build({ basePort: 65_535, scale: new Map([['web', 1]]) }).map((s) => s.port)).toEqual([65_535]);
  });

  it('a factory derived from specs alone (the library API) names, numbers and limits ports the same way', () => {
    const [web1] = build({ basePort: 65_534, scale: new Map([['web', 1]]) });
    const specFor = deriveSpecFactory([web1!]);
    const web2 = specFor('web', 2);
    expect([web2.name, web2.port, web2.env.get('PORT')?.value, web2.env.get('PS')?.value]).toEqual(['web.2', 65_535, '65535', 'web.2']);
    const error = tfError(() => specFor('web', 3));
    expect([error.message, error.hint]).toEqual(['web.3 would get port 65536, above 65535', 'choose a lower base port with -p']);
  });
});
