import { describe, expect, it } from 'vitest';
import { LogTail } from '../../src/control/log-tail.js';
import { parseRequest, ProtocolError } from '../../src/control/protocol.js';

describe('parseRequest', () => {
  it('accepts each command with its arguments and defaults', () => {
    expect(parseRequest('{"v":1,"id":1,"cmd":"ps"}')).toEqual({ v: 1, id: 1, cmd: 'ps' });
    expect(parseRequest('{"v":1,"id":"a","cmd":"scale","formation":{"web":0}}')).toEqual({ v: 1, id: 'a', cmd: 'scale', formation: { web: 0 } });
    expect(parseRequest('{"v":1,"cmd":"restart"}')).toEqual({ v: 1, id: null, cmd: 'restart', targets: [] });
    expect(parseRequest('{"v":1,"cmd":"restart","targets":["db"],"dependents":true}')).toEqual({ v: 1, id: null, cmd: 'restart', targets: ['db'], dependents: true });
    expect(parseRequest('{"v":1,"id":2,"cmd":"stop","targets":["web.1"]}')).toMatchObject({ targets: ['web.1'] });
    expect(parseRequest('{"v":1,"id":3,"cmd":"logs"}')).toEqual({ v: 1, id: 3, cmd: 'logs', lines: 200, targets: [], follow: true });
    expect(parseRequest('{"v":1,"id":3,"cmd":"logs","lines":5,"targets":["web"],"follow":false}')).toEqual({ v: 1, id: 3, cmd: 'logs', lines: 5, targets: ['web'], follow: false });
  });

  it.each([
    ['{', 'malformed JSON'],
    ['null', 'a request must be a JSON object'],
    ['{"v":"1","cmd":"ps"}', 'unsupported protocol version "1"'],
    ['{"v":1,"cmd":7}', 'unknown command 7'],
    ['{"v":1,"cmd":"scale"}', 'scale needs a formation: {"web": 2}'],
    ['{"v":1,"cmd":"scale","formation":{"web":1.5}}', 'web=1.5: not a process count'],
    ['{"v":1,"cmd":"scale","formation":{"a":1e308}}', 'a=1e+308: not a process count'],
    ['{"v":1,"cmd":"scale","formation":{"a":1000000000}}', 'a=1000000000: not a process count'],
    ['{"v":1,"cmd":"scale","formation":{"a":101}}', 'a=101: not a process count'],
    ['{"v":1,"cmd":"stop","targets":"web"}', 'targets must be a list of process names or types'],
    ['{"v":1,"cmd":"logs","lines":-1}', 'lines must be a whole number from 0 to 10000'],
    ['{"v":1,"cmd":"logs","follow":"no"}', 'follow must be true or false'],
    ['{"v":1,"cmd":"restart","dependents":"yes"}', 'dependents must be true or false, and only for restart'],
    ['{"v":1,"cmd":"stop","targets":["db"],"dependents":true}', 'dependents must be true or false, and only for restart'],
  ])('refuses %s', (line, message) => {
    expect(() => parseRequest(line)).toThrow(ProtocolError);
    expect(() => parseRequest(line)).toThrow(message);
  });
});

describe('LogTail', () => {
  it('keeps the last lines of what was written, as bytes or as text', () => {
    const tail = new LogTail();
    tail.write('a | one\nb | two\n');
    tail.write(Buffer.from('c | thr\u00e9e\n'));
    tail.write(Buffer.from('d | f\u00f6ur\n'));
    expect(tail.tail(2)).toBe('c | thr\u00e9e\nd | f\u00f6ur\n');
    expect(tail.tail(10)).toBe('a | one\nb | two\nc | thr\u00e9e\nd | f\u00f6ur\n');
    expect(tail.tail(0)).toBe('');
  });

  it('feeds subscribers until they leave, and forgets the oldest past its size', () => {
    const tail = new LogTail();
    const seen: string[] = [];
    const leave = tail.subscribe((data) => seen.push(String(data)));
    tail.write('x\n');
    leave();
    tail.write('y\n');
    expect(seen).toEqual(['x\n']);
    for (let i = 0; i < 3000; i++) tail.write(`${String(i).padStart(1000, '.')}\n`);
    expect(tail.tail(5000).split('\n').length).toBeLessThan(1100);
    expect(tail.tail(1)).toBe(`${'2999'.padStart(1000, '.')}\n`);
  });

  it('keeps exactly the last MiB across many small writes', () => {
    const tail = new LogTail();
    for (let i = 0; i < 60_000; i++) tail.write(`${String(i).padStart(39, '.')}\n`);
    const kept = tail.tail(100_000);
    expect(kept.length).toBe(26_214 * 40);
    expect(kept.startsWith(`${String(60_000 - 26_214).padStart(39, '.')}\n`)).toBe(true);
    expect(tail.tail(2)).toBe(`${'59998'.padStart(39, '.')}\n${'59999'.padStart(39, '.')}\n`);
  });
});
