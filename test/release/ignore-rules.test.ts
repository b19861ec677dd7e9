import { describe, expect, it } from 'vitest';
import { ignoredWithParents, parseIgnoreRules } from '../../src/release/ignore-rules.js';
import { isEnvFileName } from '../../src/release/source.js';

// .tfignore follows gitignore(5); each row was checked against `git check-ignore --no-index`.
describe('.tfignore patterns', () => {
  it.each([
    // pattern, path, is a folder, ignored
    ['*.log', 'a.log', false, true],
    ['*.log', 'deep/down/a.log', false, true],
    ['*.log', 'a.log.txt', false, false],
    ['/*.log', 'deep/a.log', false, false],
    ['/*.log', 'a.log', false, true],
    ['tmp/', 'tmp', true, true],
    ['tmp/', 'tmp', false, false],
    ['tmp/', 'app/tmp', true, true],
    ['log/*', 'log/dev.log', false, true],
    ['log/*', 'app/log/dev.log', false, false],
    ['log/*\n!log/.keep', 'log/.keep', false, false],
    ['doc/**/*.pdf', 'doc/a.pdf', false, true],
    ['doc/**/*.pdf', 'doc/x/y/a.pdf', false, true],
    ['**/cache', 'a/b/cache', true, true],
    ['cache/**', 'cache/a/b', false, true],
    ['a?c', 'abc', false, true],
    ['a?c', 'a/c', false, false],
    ['[ab].txt', 'b.txt', false, true],
    ['[!ab].txt', 'b.txt', false, false],
    ['\\#hash', '#hash', false, true],
    ['# a comment', '# a comment', false, false],
    ['\\!bang', '!bang', false, true],
    ['trailing   ', 'trailing', false, true],
    ['a.b', 'axb', false, false],
  ])('%j, %j (folder: %s) -> %s', (pattern, path, isDir, ignored) => {
    expect(parseIgnoreRules(pattern).ignores(path, isDir)).toBe(ignored);
  });

  it('never re-includes a file inside an ignored folder, as git', () => {
    const rules = parseIgnoreRules('secret/\n!secret/keep.txt\n');
    expect(ignoredWithParents(rules, 'secret/keep.txt')).toBe(true);
    expect(ignoredWithParents(rules, 'public/keep.txt')).toBe(false);
  });
});

describe('env files by name', () => {
  it.each([
    ['.env', true],
    ['.env.production', true],
    ['.env.local', true],
    ['.envrc', false],
    ['env', false],
    ['app.env', false],
  ])('%j -> %s', (name, envFile) => {
    expect(isEnvFileName(name)).toBe(envFile);
  });
});
