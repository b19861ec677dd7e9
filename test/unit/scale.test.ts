import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/settings-file.js';
import { emptySettings, type Settings } from '../../src/config/settings.js';
import { checkSettingsTypes, resolveScale } from '../../src/formation/scale.js';
import { tfError } from './tf-error.js';

const TYPES = ['web', 'worker', 'clock'];
const settingsOf = (...lines: string[]): Settings => parseSettings(`${lines.join('\n')}\n`, 'tf.yml');
const scale = (items: string[], settings: Settings = emptySettings()) => Object.fromEntries(resolveScale(items, TYPES, settings));

describe('resolveScale: command line', () => {
  it.each([
    ['a bare type runs one, others none', ['web'], { web: 1, worker: 0, clock: 0 }],
    ['a count', ['web=2'], { web: 2, worker: 0, clock: 0 }],
    ['several items', ['web=2', 'worker'], { web: 2, worker: 1, clock: 0 }],
    ['a comma list', ['web=2,worker=3'], { web: 2, worker: 3, clock: 0 }],
    ['a comma list with spaces and empty parts', [' web=2 , ,worker=3,'], { web: 2, worker: 3, clock: 0 }],
    ['all=N', ['all=2'], { web: 2, worker: 2, clock: 2 }],
    ['all=N with an exception', ['all=2', 'clock=0'], { web: 2, worker: 2, clock: 0 }],
    ['exception before all', ['clock=1,all=3'], { web: 3, worker: 3, clock: 1 }],
    ['name=0', ['web=0', 'worker'], { web: 0, worker: 1, clock: 0 }],
    ['a later item wins', ['web=2', 'web=5'], { web: 5, worker: 0, clock: 0 }],
    ['leading zeros', ['web=02'], { web: 2, worker: 0, clock: 0 }],
    ['spaces around "=" (foreman -m "alpha = 2")', ['web = 2, worker= 3 ,clock =1'], { web: 2, worker: 3, clock: 1 }],
    ['the most a type may run', ['web=100', 'all=100'], { web: 100, worker: 100, clock: 100 }],
  ])('%s: %j', (_case, items, expected) => {
    expect(scale(items)).toEqual(expected);
  });

  it('ignores tf.yml formation when the command line names types', () => {
    expect(scale(['worker'], settingsOf('formation:', '  web: 4', '  all: 2'))).toEqual({ web: 0, worker: 1, clock: 0 });
  });

  it.each([
    [['db'], '"db": unknown process type "db"'],
    [['web=2,db=1'], '"db=1": unknown process type "db"'],
    [['=2'], '"=2": unknown process type ""'],
    [['Web'], '"Web": unknown process type "Web"'],
  ])('unknown type %j is an error listing the known types', (items, message) => {
    const error = tfError(() => scale(items));
    expect([error.message, error.hint]).toEqual([message, 'known types: web, worker, clock']);
  });

  it.each([['release'], ['release=1'], ['web,release']])('%s is an error pointing at the release phase', (item) => {
    const error = tfError(() => scale([item]));
    expect(error.message).toMatch(/: "release" is the release phase, which tf start never runs$/);
    expect(error.hint).toBe('run it with tf run release');
  });

  it.each([
    ['web=-1', '"-1"'],
    ['web=1.5', '"1.5"'],
    ['web=two', '"two"'],
    ['web=', '""'],
    ['web=+1', '"+1"'],
    ['web=2=3', '"2=3"'],
    ['all=x', '"x"'],
  ])('%s is not a count', (item, count) => {
    expect(tfError(() => scale([item])).message).toBe(`"${item}": ${count} is not a process count`);
  });
});

describe('resolveScale: counts are bounded', () => {
  it.each([
    ['web=101', 101],
    ['all=101', 101],
    ['worker=100000000000', 100000000000],
    ['web=99999999999999999999999', 1e23],
  ])('%s is refused before anything is allocated', (item, count) => {
    const error = tfError(() => scale([item]));
    expect(error.message).toBe(`"${item}": ${count} is more than the 100 processes a type may run`);
    expect(error.hint).toMatch(/^each type has a block of 100 ports/);
  });

  it.each([
    ['formation:', '  web: 1e20'],
    ['formation:', '  web: 101'],
    ['formation:', '  all: 5000'],
  ])('tf.yml %s %s is refused at its line, even when the command line overrides it', (...lines) => {
    const count = Number(lines[1]!.split(': ')[1]);
    for (const items of [[], ['worker=1']]) {
      const error = tfError(() => scale(items, settingsOf(...lines)));
      expect(error.message).toBe(`tf.yml:2: formation.${lines[1]!.trim().split(':')[0]}: ${count} is more than the 100 processes a type may run`);
    }
  });
});

describe('resolveScale: tf.yml formation', () => {
  it.each([
    ['no formation: one of each', [], { web: 1, worker: 1, clock: 1 }],
    ['unnamed types default to 1', ['formation:', '  web: 3'], { web: 3, worker: 1, clock: 1 }],
    ['zero', ['formation:', '  clock: 0'], { web: 1, worker: 1, clock: 0 }],
    ['all sets the default', ['formation:', '  all: 0', '  web: 2'], { web: 2, worker: 0, clock: 0 }],
  ])('%s', (_case, lines, expected) => {
    expect(scale([], settingsOf(...lines))).toEqual(expected);
  });

  it('treats items that are only commas and spaces as no items', () => {
    expect(scale([' , '], settingsOf('formation:', '  web: 3'))).toEqual({ web: 3, worker: 1, clock: 1 });
  });
});

describe('checkSettingsTypes', () => {
  it.each([
    ['unknown type in formation', ['formation:', '  web: 1', '  wrker: 2'], 'tf.yml:3: formation.wrker: unknown process type "wrker"'],
    ['unknown type in processes', ['processes:', '  web:', '    drain: 1s', '  db:', '    drain: 1s'], 'tf.yml:4: processes.db: unknown process type "db"'],
    ['release in formation', ['formation:', '  release: 1'], 'tf.yml:2: formation.release: "release" is the release phase, which tf start never runs'],
  ])('%s', (_case, lines, message) => {
    expect(tfError(() => checkSettingsTypes(settingsOf(...lines), TYPES)).message).toBe(message);
  });

  it('lists the known types in the hint', () => {
    expect(tfError(() => checkSettingsTypes(settingsOf('formation:', '  db: 1'), TYPES)).hint).toBe('known types: web, worker, clock');
  });

  it.each([
    ['known types', ['formation:', '  web: 1', '  all: 0', 'processes:', '  worker:', '    drain: 1s']],
    ['settings for the release phase', ['processes:', '  release:', '    drain: 1s']],
  ])('accepts %s', (_case, lines) => {
    expect(() => checkSettingsTypes(settingsOf(...lines), TYPES)).not.toThrow();
  });

  it('names tf.yml when the settings carry no path', () => {
    const settings = emptySettings();
    settings.formation.set('db', 1);
    expect(tfError(() => checkSettingsTypes(settings, TYPES)).message).toBe('tf.yml: formation.db: unknown process type "db"');
  });

  it('is applied by resolveScale with or without command-line items', () => {
    const settings = settingsOf('processes:', '  wbe:', '    drain: 1s');
    expect(tfError(() => scale([], settings)).message).toBe('tf.yml:2: processes.wbe: unknown process type "wbe"');
    expect(tfError(() => scale(['web'], settings)).message).toBe('tf.yml:2: processes.wbe: unknown process type "wbe"');
  });
});
