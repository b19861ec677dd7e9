import { describe, expect, it } from 'vitest';
import { shouldColor } from '../../src/output/color.js';

describe('shouldColor', () => {
  it.each<[string, boolean, NodeJS.ProcessEnv, boolean]>([
    ['a terminal', true, {}, true],
    ['a pipe', false, {}, false],
    ['a dumb terminal', true, { TERM: 'dumb' }, false],
    ['another TERM', true, { TERM: 'xterm-256color' }, true],
    ['NO_COLOR on a terminal', true, { NO_COLOR: '1' }, false],
    ['empty NO_COLOR is ignored', true, { NO_COLOR: '' }, true],
    ['FORCE_COLOR on a pipe', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR wins over NO_COLOR', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['FORCE_COLOR wins over TERM=dumb', true, { FORCE_COLOR: '3', TERM: 'dumb' }, true],
    ['empty FORCE_COLOR forces color', false, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', true, { FORCE_COLOR: 'false' }, false],
    ['FORCE_COLOR=FALSE on a terminal', true, { FORCE_COLOR: 'FALSE' }, false],
  ])('%s', (_case, isTTY, env, expected) => {
    expect(shouldColor(isTTY, env)).toBe(expected);
  });
});
