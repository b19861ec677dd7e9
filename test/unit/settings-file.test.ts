import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/settings-file.js';
import { DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW_MS, type TypeSettings } from '../../src/config/settings.js';
import { tfError } from './tf-error.js';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const parse = (text: string) => parseSettings(text, 'tf.yml');
const typeSettings = (text: string, type = 'web'): TypeSettings | undefined => parse(text).types.get(type);

describe('parseSettings: valid files', () => {
  it.each([
    ['empty file', ''],
    ['only a comment', '# nothing yet\n'],
  ])('%s gives empty settings', (_case, text) => {
    const settings = parse(text);
    expect([settings.formation.size, settings.types.size, settings.lines.size]).toEqual([0, 0, 0]);
    expect(settings.path).toBe('tf.yml');
  });

  it('reads formation counts', () => {
    expect([...parse(yaml('formation:', '  web: 2', '  worker: 0', '  all: 1')).formation]).toEqual([
      ['web', 2],
      ['worker', 0],
      ['all', 1],
    ]);
  });

  it.each<[string, string[], TypeSettings]>([
    ['stop_signal short name', ['stop_signal: INT'], { stopSignal: 'SIGINT' }],
    ['stop_signal full name, any case', ['stop_signal: sigquit'], { stopSignal: 'SIGQUIT' }],
    ['drain with unit', ['drain: 10s'], { drainMs: 10_000 }],
    ['drain in bare seconds', ['drain: 2'], { drainMs: 2000 }],
    ['drain in milliseconds', ['drain: 500ms'], { drainMs: 500 }],
    ['ready_timeout', ['ready_timeout: 1m'], { readyTimeoutMs: 60_000 }],
    ['restart: restart, with default limit and window', ['restart: restart'], { restart: { kind: 'restart', limit: DEFAULT_RESTART_LIMIT, windowMs: DEFAULT_RESTART_WINDOW_MS } }],
    ['restart: stop', ['restart: stop'], { restart: { kind: 'stop' } }],
    ['restart: ignore', ['restart: ignore'], { restart: { kind: 'ignore' } }],
    ['restart mapping', ['restart:', '  policy: restart', '  limit: 3', '  window: 90s'], { restart: { kind: 'restart', limit: 3, windowMs: 90_000 } }],
    ['restart mapping with only a policy', ['restart:', '  policy: restart'], { restart: { kind: 'restart', limit: DEFAULT_RESTART_LIMIT, windowMs: DEFAULT_RESTART_WINDOW_MS } }],
    ['restart mapping for stop ignores limit', ['restart:', '  policy: stop', '  limit: 3'], { restart: { kind: 'stop' } }],
    ['ready: port', ['ready: port'], { ready: { kind: 'port' } }],
    ['ready: cmd', ['ready: cmd curl -fs localhost:$PORT'], { ready: { kind: 'cmd', command: 'curl -fs localhost:$PORT' } }],
  ])('processes.web.%s', (_case, body, expected) => {
    expect(typeSettings(yaml('processes:', '  web:', ...body.map((line) => `    ${line}`)))).toEqual(expected);
  });

  it('reads ready: line /regex/flags as a RegExp', () => {
    const ready = typeSettings(yaml('processes:', '  web:', '    ready: line /listening on port (\\d+)/i'))?.ready;
    expect(ready?.kind).toBe('line');
    const pattern = ready?.kind === 'line' ? ready.pattern : undefined;
    expect([pattern?.source, pattern?.flags]).toEqual(['listening on port (\\d+)', 'i']);
    expect(pattern?.test('LISTENING ON PORT 5000')).toBe(true);
  });

  it('records the line of every key path', () => {
    const settings = parse(yaml('# tf settings', 'formation:', '  web: 2', 'processes:', '  web:', '    restart:', '      policy: restart'));
    expect(Object.fromEntries(settings.lines)).toEqual({
      formation: 2,
      'formation.web': 3,
      processes: 4,
      'processes.web': 5,
      'processes.web.restart': 6,
      'processes.web.restart.policy': 7,
    });
  });

  it('keeps several types apart', () => {
    const settings = parse(yaml('processes:', '  web:', '    drain: 1s', '  worker:', '    stop_signal: QUIT'));
    expect(Object.fromEntries(settings.types)).toEqual({ web: { drainMs: 1000 }, worker: { stopSignal: 'SIGQUIT' } });
  });
});

describe('parseSettings: errors name file:line and key path', () => {
  const web = (...body: string[]): string => yaml('processes:', '  web:', ...body.map((line) => `    ${line}`));

  it.each([
    ['unknown top-level key', yaml('formation:', '  web: 1', 'procs:', '  web: {}'), 'tf.yml:3: procs: unknown setting'],
    ['unknown per-type key', web('drain: 1s', 'colour: red'), 'tf.yml:4: processes.web.colour: unknown setting'],
    ['bad signal name', web('stop_signal: SIGNOPE'), 'tf.yml:3: processes.web.stop_signal: "SIGNOPE" is not a signal'],
    ['signal as a number', web('stop_signal: 15'), 'tf.yml:3: processes.web.stop_signal: 15 is not a signal'],
    ['bad drain', web('stop_signal: TERM', 'drain: forever'), 'tf.yml:4: processes.web.drain: "forever" is not a duration'],
    ['negative drain', web('drain: -1'), 'tf.yml:3: processes.web.drain: -1 is not a duration'],
    ['bad ready_timeout', web('ready_timeout: [1]'), 'tf.yml:3: processes.web.ready_timeout: [1] is not a duration'],
    ['bad policy', web('restart: always'), 'tf.yml:3: processes.web.restart: "always" is not a restart policy'],
    ['bad policy in a mapping', web('restart:', '  policy: always'), 'tf.yml:4: processes.web.restart.policy: "always" is not a restart policy'],
    ['missing policy in a mapping', web('restart:', '  limit: 2'), 'tf.yml:3: processes.web.restart.policy: missing'],
    ['zero limit', web('restart:', '  policy: restart', '  limit: 0'), 'tf.yml:5: processes.web.restart.limit: 0 is not a crash count'],
    ['fractional limit', web('restart:', '  policy: restart', '  limit: 1.5'), 'tf.yml:5: processes.web.restart.limit: 1.5 is not a crash count'],
    ['bad window', web('restart:', '  policy: restart', '  window: soon'), 'tf.yml:5: processes.web.restart.window: "soon" is not a duration'],
    ['unknown key in restart', web('restart:', '  policy: restart', '  tries: 2'), 'tf.yml:5: processes.web.restart.tries: unknown setting'],
    ['restart as a list', web('restart: [stop]'), 'tf.yml:3: processes.web.restart: expected stop, restart, ignore, or a mapping with policy, limit, window'],
    ['bad ready check', web('ready: sometimes'), 'tf.yml:3: processes.web.ready: "sometimes" is not a ready check'],
    ['ready as a number', web('ready: 5000'), 'tf.yml:3: processes.web.ready: 5000 is not a ready check'],
    ['ready cmd without a command', web('ready: "cmd  "'), 'tf.yml:3: processes.web.ready: "cmd  " is not a ready check'],
    ['bad ready regex', web('ready: line /(/'), 'tf.yml:3: processes.web.ready: bad regular expression: Invalid regular expression: /(/: Unterminated group'],
    ['negative count', yaml('formation:', '  web: -1'), 'tf.yml:2: formation.web: -1 is not a count'],
    ['fractional count', yaml('formation:', '  web: 1', '  worker: 1.5'), 'tf.yml:3: formation.worker: 1.5 is not a count'],
    ['count as text', yaml('formation:', '  web: two'), 'tf.yml:2: formation.web: "two" is not a count'],
    ['formation not a mapping', yaml('formation: [web]'), 'tf.yml:1: formation: expected a mapping of process type to count, e.g. "web: 2"'],
    ['processes not a mapping', yaml('formation: {}', 'processes: 3'), 'tf.yml:2: processes: expected a mapping of process type to its settings'],
    ['type settings not a mapping', yaml('processes:', '  web: fast'), 'tf.yml:2: processes.web: expected a mapping with keys stop_signal, drain, restart, ready, ready_timeout, depends_on, watch, tty, interactive, memory_limit'],
    ['empty type settings', yaml('processes:', '  web:'), 'tf.yml:2: processes.web: expected a mapping with keys stop_signal, drain, restart, ready, ready_timeout, depends_on, watch, tty, interactive, memory_limit'],
    ['tty not true or false', yaml('processes:', '  web:', '    tty: on'), 'tf.yml:3: processes.web.tty: "on" is not true or false'],
    ['memory_limit without a unit', web('memory_limit: 512'), 'tf.yml:3: processes.web.memory_limit: 512 is not a size'],
    ['memory_limit in a unit tf does not know', web('memory_limit: 2T'), 'tf.yml:3: processes.web.memory_limit: "2T" is not a size'],
    ['memory_limit of nothing', web('memory_limit: 0M'), 'tf.yml:3: processes.web.memory_limit: "0M" is not a size'],
    ['metrics_interval not a duration', yaml('port: 5000', 'metrics_interval: often'), 'tf.yml:2: metrics_interval: "often" is not a duration'],
    ['metrics_interval too short', yaml('metrics_interval: 10ms'), 'tf.yml:1: metrics_interval: "10ms" is shorter than 100ms'],
    ['two interactive types', yaml('processes:', '  web:', '    interactive: true', '  dbg:', '    interactive: true'), 'tf.yml:5: processes.dbg.interactive: web and dbg are both interactive'],
    ['top level a list', yaml('# settings', '- web'), 'tf.yml:2: (top level): expected a mapping of settings'],
    ['top level a scalar', 'hello\n', 'tf.yml:1: (top level): expected a mapping of settings'],
    ['a drain past what a timer holds', web('drain: 99999999999999999999s'), 'tf.yml:3: processes.web.drain: "99999999999999999999s" is longer than 24h'],
    ['a ready_timeout of more than a day', web('ready_timeout: 25h'), 'tf.yml:3: processes.web.ready_timeout: "25h" is longer than 24h'],
    ['a restart window in seconds past a day', web('restart:', '  policy: restart', '  window: 1e20'), 'tf.yml:5: processes.web.restart.window: 100000000000000000000 is longer than 24h'],
    ['a NUL byte in the file', yaml('build: make', 'formation:', '  web: 1 \0'), 'tf.yml:3: holds a NUL byte'],
    ['a NUL byte written as an escape', yaml('build: "make\\0"'), 'tf.yml:1: build: holds a NUL byte (written as \\0 or \\x00)'],
    ['a NUL byte in a list', web('watch: ["src/**", "x\\x00"]'), 'tf.yml:3: processes.web.watch: holds a NUL byte (written as \\0 or \\x00)'],
  ])('%s', (_case, text, message) => {
    expect(tfError(() => parse(text)).message).toBe(message);
  });

  it('refuses a YAML alias bomb at its first alias, without expanding it', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const error = tfError(() => parse(yaml(...lines)));
    expect([error.message, error.hint]).toEqual(['tf.yml:2: aliases (*name) expand to more than 100 copies', 'write the values out, or use fewer aliases']);
  });

  it('still reads a few aliases', () => {
    const settings = parse(yaml('processes:', '  web: &p', '    drain: 2s', '  worker: *p'));
    expect(settings.types.get('worker')?.drainMs).toBe(2000);
  });

  it('reads memory_limit in K, M or G (powers of 1024) and metrics_interval as a duration, 0 for off', () => {
    expect(typeSettings(web('memory_limit: 512M'))?.memoryLimit).toBe(512 * 1024 ** 2);
    expect(typeSettings(web('memory_limit: 1.5G'))?.memoryLimit).toBe(1.5 * 1024 ** 3);
    expect(typeSettings(web('memory_limit: 800k'))?.memoryLimit).toBe(800 * 1024);
    expect(typeSettings(web('memory_limit: 256MiB'))?.memoryLimit).toBe(256 * 1024 ** 2);
    expect(parse(yaml('metrics_interval: 5s')).metricsIntervalMs).toBe(5000);
    expect(parse(yaml('metrics_interval: 0')).metricsIntervalMs).toBe(0);
    const error = tfError(() => parse(web('memory_limit: 512')));
    expect(error.hint).toBe('write a number and a unit, K, M or G, e.g. 512M or 1.5G');
  });

  it('gives a hint listing the known settings', () => {
    expect(tfError(() => parse(yaml('bogus: 1'))).hint).toBe('known settings: build, formation, processes, port, env_files, timeout, metrics_interval');
    expect(tfError(() => parse(web('colour: red'))).hint).toBe('known settings: stop_signal, drain, restart, ready, ready_timeout, depends_on, watch, tty, interactive, memory_limit');
  });

  it.each([
    ['duplicate key', yaml('formation:', '  web: 1', '  web: 2'), /^tf\.yml:3: invalid YAML: /],
    ['bad nesting', yaml('a: b: c'), /^tf\.yml:1: invalid YAML: /],
    ['tab indentation', yaml('processes:', '\tweb: {}'), /^tf\.yml:2: invalid YAML: /],
    ['unclosed quote, at the line that opens it', yaml('processes:', '  web:', '    ready: "line /x/', '  worker:', '    drain: 1s'), /^tf\.yml:3: invalid YAML: /],
    ['unclosed bracket, at a line that exists', yaml('formation: [web', ''), /^tf\.yml:1: invalid YAML: /],
  ])('invalid YAML (%s) names the line', (_case, text, pattern) => {
    const message = tfError(() => parse(text)).message;
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('names a file outside the working directory by its full path', () => {
    expect(tfError(() => parseSettings('bogus: 1\n', '/nonexistent-tf-app/tf.yml')).message).toBe('/nonexistent-tf-app/tf.yml:1: bogus: unknown setting');
  });
});
