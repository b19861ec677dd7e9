import { describe, expect, it } from 'vitest';
import { parseProcfile, runnableTypes, type ProcessType } from '../../src/config/procfile.js';
import { tfError } from './tf-error.js';

const types = (text: string): ProcessType[] => parseProcfile(text, 'Procfile').types;

describe('parseProcfile', () => {
  it.each([
    ['one line', 'web: node server.js', [{ name: 'web', command: 'node server.js', line: 1 }]],
    ['no space after the colon', 'web:node server.js', [{ name: 'web', command: 'node server.js', line: 1 }]],
    ['spaces around name and command', '  web  :   node server.js  ', [{ name: 'web', command: 'node server.js', line: 1 }]],
    ['colons inside the command', 'web: node -e "console.log(1 ? 2 : 3)"', [{ name: 'web', command: 'node -e "console.log(1 ? 2 : 3)"', line: 1 }]],
    ['names with digits, _ and -', 'Web_2-x: run', [{ name: 'Web_2-x', command: 'run', line: 1 }]],
    [
      'comments and blank lines keep line numbers',
      '# the app\n\nweb: a\n   \n  # indented comment\nworker: b\n',
      [
        { name: 'web', command: 'a', line: 3 },
        { name: 'worker', command: 'b', line: 6 },
      ],
    ],
    [
      'CRLF line endings',
      'web: a\r\n\r\nworker: b\r\n',
      [
        { name: 'web', command: 'a', line: 1 },
        { name: 'worker', command: 'b', line: 3 },
      ],
    ],
    [
      'release is parsed like any other type',
      'release: migrate\nweb: serve',
      [
        { name: 'release', command: 'migrate', line: 1 },
        { name: 'web', command: 'serve', line: 2 },
      ],
    ],
  ])('%s', (_case, text, expected) => {
    expect(types(text)).toEqual(expected);
  });

  it('keeps the path it was given', () => {
    expect(parseProcfile('web: a', '/srv/app/Procfile').path).toBe('/srv/app/Procfile');
  });

  it.each([
    ['no colon', 'web: a\nworker b', 'Procfile:2: "worker b" is not a process line'],
    ['colon first', ': a', 'Procfile:1: ": a" is not a process line'],
    ['space in the name', 'my web: a', 'Procfile:1: "my web" is not a valid process type name'],
    ['dot in the name', 'web.1: a', 'Procfile:1: "web.1" is not a valid process type name'],
    ['empty command', '# c\n\nweb:   ', 'Procfile:3: process type "web" has no command'],
    ['duplicate', 'web: a\nworker: b\n\nweb: c', 'Procfile:4: duplicate process type "web" (first defined on line 1)'],
    ['duplicate after CRLF lines', 'web: a\r\nweb: b\r\n', 'Procfile:2: duplicate process type "web" (first defined on line 1)'],
  ])('%s is an error naming file:line', (_case, text, message) => {
    const error = tfError(() => parseProcfile(text, 'Procfile'));
    expect(error.message).toBe(message);
    expect(error.hint).toBeTruthy();
  });

  it.each([
    ['empty file', ''],
    ['only comments and blank lines', '# nothing here\n\n   \n'],
  ])('%s: no process types (the file has no line to name)', (_case, text) => {
    expect(tfError(() => parseProcfile(text, 'Procfile')).message).toBe('Procfile: no process types defined');
  });

  it.each([
    ['in a command', 'web: node a.js\nworker: node\0 b.js\n', 'Procfile:2: holds a NUL byte'],
    ['in a comment, after CRLF lines', 'web: a\r\nworker: b\r\n# \0\r\n', 'Procfile:3: holds a NUL byte'],
  ])('refuses a NUL byte %s, naming its line', (_case, text, message) => {
    const error = tfError(() => types(text));
    expect([error.message, error.hint]).toEqual([message, 'a command cannot hold one: remove it; is this a text file?']);
  });

  it('names a file outside the working directory by its full path', () => {
    expect(tfError(() => parseProcfile('oops', '/nonexistent-tf-app/Procfile')).message).toBe('/nonexistent-tf-app/Procfile:1: "oops" is not a process line');
  });
});

describe('runnableTypes', () => {
  it.each([
    ['release excluded, order kept', 'worker: w\nrelease: r\nweb: s', ['worker', 'web']],
    ['no release', 'web: s\nclock: c', ['web', 'clock']],
    ['only release', 'release: r', []],
  ])('%s', (_case, text, expected) => {
    expect(runnableTypes(parseProcfile(text, 'Procfile')).map((t) => t.name)).toEqual(expected);
  });
});
