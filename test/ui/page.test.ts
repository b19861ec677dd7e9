// The page's pure parts, without a browser: SGR colours to classes, tf's prefix to the source,
// and the bounded log buffer (the browser tests drive the rest through Chromium).
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../ui/src/ansi';
import { LogBuffer } from '../../ui/src/log-buffer';

const ESC = '\x1b';

describe('parseLine', () => {
  it.each([
    ['plain', 'web.1 | hello', [{ text: 'web.1 | hello', cls: '' }]],
    ['a foreground colour and a reset', `a ${ESC}[32mgreen${ESC}[0m b`, [{ text: 'a ', cls: '' }, { text: 'green', cls: 'f2' }, { text: ' b', cls: '' }]],
    ['bright, bold and a background', `${ESC}[1;91;44mX${ESC}[m`, [{ text: 'X', cls: 'f9 b4 bo' }]],
    ['bold off keeps the colour', `${ESC}[1;33mA${ESC}[22mB`, [{ text: 'A', cls: 'f3 bo' }, { text: 'B', cls: 'f3' }]],
    ['256 colours below 16 use the theme', `${ESC}[38;5;1mR`, [{ text: 'R', cls: 'f1' }]],
    ['256 colours above 16 and true colour are set as colours', `${ESC}[38;5;196mR${ESC}[38;2;1;2;3mT`, [{ text: 'R', cls: '', color: 'rgb(255,0,0)' }, { text: 'T', cls: '', color: 'rgb(1,2,3)' }]],
    ['inverse swaps foreground and background', `${ESC}[31;7mI`, [{ text: 'I', cls: 'b1 ifg' }]],
    ['inverse of the default colours', `${ESC}[7mI`, [{ text: 'I', cls: 'ifg ibg' }]],
    ['other CSI sequences are dropped', `${ESC}[2Kcleared`, [{ text: 'cleared', cls: '' }]],
  ])('%s', (_, text, segments) => {
    const line = parseLine(text, 0);
    expect(line.segments).toEqual(segments);
    expect(line.plain).toBe(segments.map((s) => s.text).join(''));
  });

  it.each([
    ['web.1  | listening', 'web.1'],
    ['12:00:01 worker.2 | tick', 'worker.2'],
    ['system   | web.1 started (pid 1, port 5000)', 'system'],
    ['no prefix here', ''],
  ])('takes the source from tf\'s prefix: %s', (text, source) => {
    expect(parseLine(text, 0).source).toBe(source);
  });
});

describe('LogBuffer', () => {
  const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `web.1 | line ${from + i}`).join('\n') + '\n';

  it('never holds more than its capacity, keeping the newest lines', () => {
    const buffer = new LogBuffer(100);
    for (let chunk = 0; chunk < 50; chunk++) buffer.append(lines(37, chunk * 37));
    expect(buffer.size).toBe(100);
    expect(buffer.all()[99].plain).toBe(`web.1 | line ${50 * 37 - 1}`);
    expect(buffer.all()[0].plain).toBe(`web.1 | line ${50 * 37 - 100}`);
    expect(buffer.dropped).toBe(50 * 37 - 100);
    buffer.append(lines(100_000));
    expect(buffer.size).toBe(100);
  });

  it('joins a line split across chunks', () => {
    const buffer = new LogBuffer(10);
    buffer.append('web.1 | hel');
    expect(buffer.size).toBe(0);
    buffer.append('lo\nweb.1 | next\n');
    expect(buffer.all().map((l) => l.plain)).toEqual(['web.1 | hello', 'web.1 | next']);
  });

  it('keeps only the lines a view accepts, and a smaller capacity trims at once', () => {
    const buffer = new LogBuffer(10);
    buffer.append('web.1 | a\nworker.1 | b\nweb.1 | c\n', (line) => line.source === 'web.1');
    expect(buffer.all().map((l) => l.plain)).toEqual(['web.1 | a', 'web.1 | c']);
    buffer.setCapacity(1);
    expect(buffer.all().map((l) => l.plain)).toEqual(['web.1 | c']);
  });

  it('reset replaces everything with a fetched tail', () => {
    const buffer = new LogBuffer(10);
    buffer.append(lines(5));
    buffer.reset('web.1 | only');
    expect(buffer.all().map((l) => l.plain)).toEqual(['web.1 | only']);
    expect(new Set(buffer.all().map((l) => l.seq)).size).toBe(1);
  });
});
