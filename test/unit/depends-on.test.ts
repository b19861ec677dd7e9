import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/settings-file.js';
import { checkSettingsTypes } from '../../src/formation/scale.js';
import { tfError } from './tf-error.js';

const parse = (...lines: string[]) => parseSettings(`${lines.join('\n')}\n`, 'tf.yml');

describe('tf.yml depends_on and watch', () => {
  it('reads a list or a single name', () => {
    const settings = parse('processes:', '  worker:', '    depends_on: [web, db]', "    watch: ['src/**', lib]", '  clock:', '    depends_on: web');
    expect(settings.types.get('worker')).toEqual({ dependsOn: ['web', 'db'], watch: ['src/**', 'lib'] });
    expect(settings.types.get('clock')).toEqual({ dependsOn: ['web'] });
  });

  it('reads watch: false as no globs at all (the type is never restarted by a change)', () => {
    expect(parse('processes:', '  db:', '    watch: false', '  cache: { watch: [] }').types).toEqual(new Map([['db', { watch: [] }], ['cache', { watch: [] }]]));
  });

  it.each([
    [['processes:', '  worker:', '    depends_on: [web, 3]'], 'tf.yml:3: processes.worker.depends_on: ["web",3] is not a list of names'],
    [['processes:', '  worker:', '    watch: {a: 1}'], 'tf.yml:3: processes.worker.watch: {"a":1} is not a list of names'],
    [['processes:', '  web:', '    depends_on: web'], 'tf.yml:3: processes.web.depends_on: a cycle: web -> web'],
    [['processes:', '  a: { depends_on: b }', '  b: { depends_on: [c] }', '  c:', '    depends_on: a'], 'tf.yml:2: processes.a.depends_on: a cycle: a -> b -> c -> a'],
  ])('refuses %j', (lines, message) => {
    expect(tfError(() => parse(...lines)).message).toBe(message);
  });

  it('refuses a dependency on a type the Procfile does not have, naming the line', () => {
    const settings = parse('processes:', '  web: {}', '  worker:', '    depends_on: [web, dbb]');
    const error = tfError(() => checkSettingsTypes(settings, ['web', 'worker']));
    expect(error.message).toBe('tf.yml:4: processes.worker.depends_on: unknown process type "dbb"');
    expect(error.hint).toBe('known types: web, worker');
    expect(tfError(() => checkSettingsTypes(parse('processes:', '  worker: { depends_on: all }'), ['web', 'worker'])).message).toBe('tf.yml:2: processes.worker.depends_on: unknown process type "all"');
  });
});
