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
    expect(parseRequest('{"v":1,"id":4,"cmd":"metrics"}')).toEqual({ v: 1, id: 4, cmd: 'metrics' });
    expect(parseRequest('{"v":1,"id":4,"cmd":"metrics","since":1796100484670}')).toEqual({ v: 1, id: 4, cmd: 'metrics', since: 1796100484670 });
    expect(parseRequest('{"v":1,"id":4,"cmd":"logs","since":1764564600000,"json":true,"grep":"x"}')).toEqual({ v: 1, id: 4, cmd: 'logs', lines: 200, targets: [], follow: true, grep: 'x', since: 1764564600000, json: true });
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
    ['{"v":1,"cmd":"logs","since":"10m"}', 'since must be a time in epoch milliseconds'],
    ['{"v":1,"cmd":"logs","json":1}', 'json must be true or false'],
    ['{"v":1,"cmd":"restart","dependents":"yes"}', 'dependents must be true or false, and only for restart'],
    ['{"v":1,"cmd":"stop","targets":["db"],"dependents":true}', 'dependents must be true or false, and only for restart'],
    ['{"v":1,"cmd":"metrics","since":"10m"}', 'since must be a time in ms since the epoch'],
  ])('refuses %s', (line, message) => {
    expect(() => parseRequest(line)).toThrow(ProtocolError);
    expect(() => parseRequest(line)).toThrow(message);
  });
});

describe('LogTail', () => {
  it('keeps exactly the last 512 KiB of a source across many small writes', () => {
    const tail = new LogTail();
    const source = { name: 'web.1' };
    for (let i = 0; i < 30_000; i++) tail.write({ kind: 'lines', source, stream: 'stdout', time: i, lines: [Buffer.from(String(i).padStart(40, '.'))] });
    const kept = tail.tail(10_000_000, { targets: [] });
    expect(kept).toHaveLength(13_107);
    expect(String(kept[0]!.text)).toBe(String(30_000 - 13_107).padStart(40, '.'));
    expect(tail.tail(2, { targets: [] }).map((line) => String(line.text))).toEqual(['29998'.padStart(40, '.'), '29999'.padStart(40, '.')]);
  });
});
