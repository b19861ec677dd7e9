import { describe, expect, it } from 'vitest';
import { clockTime, jsonRecord, jsonRecords, lineText, printable, SYSTEM, textPrefix, type FormatOptions, type Source } from '../../src/output/format.js';

const at = (h: number, m: number, s: number): number => new Date(2024, 0, 2, h, m, s, 789).getTime();
const web1: Source = { name: 'web.1', typeIndex: 0, pid: 42 };
const worker1: Source = { name: 'worker.1', typeIndex: 1 };
const ESC = '\u001b';

describe('clockTime', () => {
  it.each([
    [at(0, 0, 0), '00:00:00'],
    [at(3, 4, 5), '03:04:05'],
    [at(12, 30, 59), '12:30:59'],
    [at(23, 59, 59), '23:59:59'],
  ])('%i is %s local time', (ms, text) => {
    expect(clockTime(ms)).toBe(text);
  });
});

describe('textPrefix', () => {
  const time = at(9, 8, 7);
  it.each<[Source, number, FormatOptions, string]>([
    [web1, 6, { color: false, timestamps: false }, 'web.1  | '],
    [web1, 8, { color: false, timestamps: false }, 'web.1    | '],
    [worker1, 8, { color: false, timestamps: false }, 'worker.1 | '],
    [worker1, 3, { color: false, timestamps: false }, 'worker.1 | '],
    [SYSTEM, 8, { color: false, timestamps: false }, 'system   | '],
    [web1, 6, { color: false, timestamps: true }, '09:08:07 web.1  | '],
    [web1, 6, { color: true, timestamps: false }, `${ESC}[36mweb.1  |${ESC}[39m `],
    [worker1, 8, { color: true, timestamps: false }, `${ESC}[33mworker.1 |${ESC}[39m `],
    [{ name: 'x.1', typeIndex: 12 }, 3, { color: true, timestamps: false }, `${ESC}[36mx.1 |${ESC}[39m `],
    [SYSTEM, 6, { color: true, timestamps: true }, `09:08:07 ${ESC}[90msystem |${ESC}[39m `],
  ])('%j width %i %j', (source, width, options, expected) => {
    expect(textPrefix(source, width, time, options)).toBe(expected);
  });
});

describe('jsonRecord', () => {
  it('is one line of JSON with time, process, pid, stream and text', () => {
    const time = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
    const record = jsonRecord(web1, 'stderr', 'he said "hi"\tok', time);
    expect(record.endsWith('\n')).toBe(true);
    expect(record.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(record)).toEqual({ time: '2024-01-02T03:04:05.006Z', process: 'web.1', pid: 42, stream: 'stderr', text: 'he said "hi"\tok' });
  });

  it('writes for a batch exactly what JSON.stringify writes for each record', () => {
    const texts = ['plain', 'quote " and \\ backslash', 'tab\tand \u2028', 'émoji 🎉', ''];
    const time = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
    for (const source of [web1, SYSTEM, { name: 'we"ird.1', typeIndex: 0, pid: 7 }]) {
      const expected = texts.map((text) => `${JSON.stringify({ time: new Date(time).toISOString(), process: source.name, pid: source.pid ?? null, stream: 'stdout', text })}\n`).join('');
      expect(jsonRecords(source, 'stdout', texts, time)).toBe(expected);
    }
  });

  it('gives pid null for a source without one', () => {
    expect(JSON.parse(jsonRecord(SYSTEM, 'system', 'starting', 0))).toEqual({ time: '1970-01-01T00:00:00.000Z', process: 'system', pid: null, stream: 'system', text: 'starting' });
  });
});

describe('printable', () => {
  it.each([['plain ascii'], ['héllo wörld €uro 🎉'], [''], ['tab\tand more']])('returns valid UTF-8 as the same Buffer: %j', (text) => {
    const line = Buffer.from(text);
    expect(printable(line)).toBe(line);
  });

  it.each([
    ['colours, reset at the end', `tab\tand ${ESC}[1;31mred${ESC}[0m`, `tab\tand ${ESC}[1;31mred${ESC}[0m`],
    ['colours left on, reset by tf', `${ESC}[8mhidden ${ESC}[38;5;196mred`, `${ESC}[8mhidden ${ESC}[38;5;196mred${ESC}[0m`],
    ['a short reset', `${ESC}[32mok${ESC}[m`, `${ESC}[32mok${ESC}[m`],
    ['a title (OSC 0)', `${ESC}]0;pwned\u0007x`, '\u241b]0;pwned\u2407x'],
    ['a clipboard write (OSC 52)', `${ESC}]52;c;ZXZpbA==${ESC}\\`, '\u241b]52;c;ZXZpbA==\u241b\\'],
    ['cursor up and clear line', `${ESC}[1A${ESC}[2Ksystem | forged`, '\u241b[1A\u241b[2Ksystem | forged'],
    ['clear screen', `${ESC}[2J${ESC}[H`, '\u241b[2J\u241b[H'],
    ['backspaces', 'web.1\b\b\b\b\bsystem', 'web.1\u2408\u2408\u2408\u2408\u2408system'],
    ['a bell, DEL and a vertical tab', '\u0007\u007f\u000b', '\u2407\u2421\u240b'],
    ['a C1 CSI (U+009B)', '\u009b2J', '\uFFFD2J'],
    ['a colour and a title together', `${ESC}[31mred${ESC}]2;t\u0007`, `${ESC}[31mred\u241b]2;t\u2407${ESC}[0m`],
  ])('keeps colours and shows every other control sequence: %s', (_case, text, expected) => {
    expect(String(printable(Buffer.from(text)))).toBe(expected);
  });

  it('prints a line whose only controls are colours, reset, as the same Buffer', () => {
    const line = Buffer.from('\u001b[32minfo\u001b[39m GET / 200 © \u001b[0m');
    expect(printable(line)).toBe(line);
  });

  it('passes Latin-1 characters that share the C1 lead byte as they are', () => {
    const line = Buffer.from('© 2024 ±5 °C\u00a0ok');
    expect(printable(line)).toBe(line);
  });

  it.each([
    ['an invalid byte', [0x61, 0xff, 0x62], 'a\uFFFDb'],
    ['a truncated sequence', [0x61, 0xe2, 0x82], 'a\uFFFD'],
    ['a truncated sequence before ASCII', [0xe2, 0x82, 0x61], '\uFFFDa'],
    ['a lone continuation byte', [0x80], '\uFFFD'],
    ['NUL', [0x61, 0x00, 0x62], 'a\u2400b'],
    ['NUL and an invalid byte', [0x00, 0xff], '\u2400\uFFFD'],
  ])('replaces %s', (_case, bytes, expected) => {
    expect(printable(Buffer.from(bytes))).toBe(expected);
  });

  it('lineText always gives a string, control characters left for JSON to escape', () => {
    expect(lineText(Buffer.from('ok €'))).toBe('ok €');
    expect(lineText(Buffer.from(`${ESC}]0;t\u0007`))).toBe(`${ESC}]0;t\u0007`);
    expect(lineText(Buffer.from([0x6f, 0x00, 0xff]))).toBe('o\u2400\uFFFD');
  });
});
