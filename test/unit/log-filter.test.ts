import { describe, expect, it } from 'vitest';
import { jsonRecord, textPrefix } from '../../src/output/format.js';
import { logFilter, sourceOf } from '../../src/control/log-filter.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 1);

describe('sourceOf', () => {
  it.each([
    ['plain', `${textPrefix({ name: 'web.1', typeIndex: 0 }, 8, T, { color: false, timestamps: false })}hello`, 'web.1'],
    ['timestamped', `${textPrefix({ name: 'worker.12', typeIndex: 1 }, 9, T, { color: false, timestamps: true })}x | y`, 'worker.12'],
    ['coloured', `${textPrefix({ name: 'web.2', typeIndex: 0 }, 8, T, { color: true, timestamps: true })}\x1b[31mred\x1b[0m`, 'web.2'],
    ['tf itself', `${textPrefix({ name: 'system' }, 8, T, { color: false, timestamps: false })}web.1 started`, 'system'],
    ['json', jsonRecord({ name: 'clock.1', pid: 7 }, 'stdout', 'web.1 | tick', T).trimEnd(), 'clock.1'],
    ['no label', 'a line of nothing', undefined],
  ])('%s', (_, line, expected) => {
    expect(sourceOf(line)).toBe(expected);
  });
});

describe('logFilter', () => {
  const text = ['web.1    | a\n', 'web.2    | b\n', 'worker.1 | web.1 | c\n', 'system   | web.1 started\n', 'webby.1  | d\n'].join('');

  it('keeps a type\'s processes or one process, never a look-alike', () => {
    expect(logFilter(['web']).keep(text)).toBe('web.1    | a\nweb.2    | b\n');
    expect(logFilter(['web.2', 'worker']).keep(text)).toBe('web.2    | b\nworker.1 | web.1 | c\n');
  });

  it('with a pattern, keeps the lines that match it, colour aside', () => {
    expect(logFilter([], /\| [ab]$/).keep(text)).toBe('web.1    | a\nweb.2    | b\n');
    expect(logFilter(['worker'], /web/).keep(text)).toBe('worker.1 | web.1 | c\n');
    expect(logFilter([], /web\.1 +\| a/).keep('\x1b[36mweb.1    |\x1b[39m a\n')).toBe('\x1b[36mweb.1    |\x1b[39m a\n');
    expect(logFilter([], /started/).last(text, 5)).toBe('system   | web.1 started\n');
  });

  it('takes the last N that pass; no targets pass everything', () => {
    expect(logFilter(['web']).last(text, 1)).toBe('web.2    | b\n');
    expect(logFilter([]).last(text, 2)).toBe('system   | web.1 started\nwebby.1  | d\n');
    expect(logFilter([]).last(text, 0)).toBe('');
    expect(logFilter([]).keep(text)).toBe(text);
  });
});
