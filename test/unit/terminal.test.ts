import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ByteRing, Terminal } from '../../src/supervisor/terminal.js';

const text = (ring: ByteRing): string => ring.contents().toString('latin1');

describe('ByteRing: the last bytes written', () => {
  it('holds what was written while it fits, then the last SIZE bytes across the wrap', () => {
    const ring = new ByteRing(8);
    expect(text(ring)).toBe('');
    ring.push(Buffer.from('abc'));
    ring.push(Buffer.from(''));
    expect(text(ring)).toBe('abc');
    ring.push(Buffer.from('defgh'));
    expect(text(ring)).toBe('abcdefgh');
    ring.push(Buffer.from('ij'));
    expect(text(ring)).toBe('cdefghij');
    ring.push(Buffer.from('klmnopq'));
    expect(text(ring)).toBe('jklmnopq');
  });

  it('keeps the end of a chunk larger than itself', () => {
    const ring = new ByteRing(4);
    ring.push(Buffer.from('ab'));
    ring.push(Buffer.from('0123456789'));
    expect(text(ring)).toBe('6789');
    ring.push(Buffer.from('x'));
    expect(text(ring)).toBe('789x');
  });

  it('matches a plain concatenation over many reads of every size', () => {
    const ring = new ByteRing(100);
    let all = '';
    for (let n = 0; n < 300; n++) {
      const chunk = String.fromCharCode(97 + (n % 26)).repeat((n * 7) % 130);
      ring.push(Buffer.from(chunk));
      all += chunk;
      expect(text(ring), `after read ${n}`).toBe(all.slice(-100));
    }
  });
  it('gives what follows the last newline, wherever the wrap falls', () => {
    const ring = new ByteRing(10);
    let all = '';
    for (let n = 0; n < 200; n++) {
      const chunk = n % 5 === 0 ? 'x\ny'.repeat(n % 3) : 'p>'.repeat(n % 4);
      ring.push(Buffer.from(chunk));
      all += chunk;
      const held = all.slice(-10);
      expect(ring.sinceLast(0x0a).toString('latin1'), `after read ${n}`).toBe(held.slice(held.lastIndexOf('\n') + 1));
    }
  });
});

describe('Terminal.lastLines', () => {
  it('replays the last rows of output after 64 KiB of it wrapped the tail', () => {
    const terminal = new Terminal(() => {}, new PassThrough());
    for (let n = 0; n < 2000; n++) terminal.output(Buffer.from(`line ${n} ${'.'.repeat(50)}\r\n`));
    terminal.output(Buffer.from('name? '));
    expect(terminal.lastLines(3).toString()).toBe(`line 1998 ${'.'.repeat(50)}\r\nline 1999 ${'.'.repeat(50)}\r\nname? `);
    terminal.close();
  });
});
