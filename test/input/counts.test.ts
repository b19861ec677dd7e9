import { describe, expect, it } from 'vitest';
import { ps, RawClient, socketOf, started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';
import { expectOneLineError } from './expect.js';

// Process counts and drain times past what tf can hold: a one-line error, never a crash of the
// running tf (it used to die with a V8 fatal error, leaving its processes SIGKILLed undrained).

const PROCFILE = `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n`;

describe('a running tf refuses a count it cannot hold and keeps running', () => {
  it('tf scale a=1000000000, and {"a":1e308} over the socket', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const tf = startTf(['start', '--no-timestamps', '-p', '23100', 'web'], { cwd: root });
    await started(tf);
    await tf.waitForLine(/READY/);

    for (const item of ['web=1000000000', 'web=101', 'worker=100000000000']) {
      expectOneLineError(await runTf(['scale', item], { cwd: root }), /is more than the 100 processes a type may run \(each type has a block of 100 ports/);
    }
    const client = new RawClient(socketOf(root));
    await client.connected();
    client.send('{"v":1,"id":1,"cmd":"scale","formation":{"web":1e308}}\n{"v":1,"id":2,"cmd":"scale","formation":{"web":1000000000}}\n');
    const replies = await client.reply(2);
    expect(replies.map((r) => [r.id, r.ok, r.error])).toEqual([
      [1, false, 'web=1e+308: not a process count'],
      [2, false, 'web=1000000000: not a process count'],
    ]);
    expect(replies[0]!.hint).toBe('use a whole number, 0 or more (at most 100), e.g. web=2');

    // Still running, still answering, and it drains as usual.
    expect((await ps(root)).map((r) => [r.name, r.state])).toEqual([['web.1', 'running']]);
    expect(tf.child.exitCode).toBeNull();
    tf.signal('SIGTERM');
    const result = await tf.result();
    expect(result.code).toBe(143);
    expect(result.stdout).toMatch(/web\.1 +\| web\.1 last line/);
  });
});

describe('tf start refuses counts past the bound before starting anything', () => {
  it.each([
    [['start', 'worker=100000000000'], {}, /^tf: "worker=100000000000": 100000000000 is more than the 100 processes a type may run \(/],
    [['start', 'web=101', 'worker'], {}, /^tf: "web=101": 101 is more than the 100 processes a type may run \(/],
    [['check', '-m', 'all=101'], {}, /^tf: "all=101": 101 is more than/],
    [['start'], { 'tf.yml': 'formation:\n  web: 1e20\n' }, /^tf: tf\.yml:2: formation\.web: 100000000000000000000 is more than the 100 processes a type may run \(/],
    [['start', 'web'], { 'tf.yml': 'formation:\n  worker: 5000\n' }, /^tf: tf\.yml:2: formation\.worker: 5000 is more than/],
  ])('%j %j', async (args, files, message) => {
    expectOneLineError(await runTf(args, { cwd: tmpApp({ Procfile: PROCFILE, ...files }) }), message);
  });

  it('runs 100 of a type next to another, every port its own', async () => {
    const result = await runTf(['check', '-p', '23200', 'web=100', 'worker=1'], { cwd: tmpApp({ Procfile: PROCFILE }) });
    expect(result.code, result.stderr).toBe(0);
    const ports = [...result.stdout.matchAll(/port (\d+)/g)].map((m) => Number(m[1]));
    expect(ports).toHaveLength(101);
    expect(new Set(ports).size).toBe(101);
    expect([ports.at(-2), ports.at(-1)]).toEqual([23299, 23300]);
  });
});

describe('durations past what a timer holds', () => {
  it.each([
    [['check', '-t', '99999999999999999999'], {}, /^tf: -t\/--timeout: "99999999999999999999" is longer than 24h \(tf waits at most 24h\)$/],
    [['start'], { 'tf.yml': 'processes:\n  web:\n    drain: 99999999999999999999s\n' }, /^tf: tf\.yml:3: processes\.web\.drain: "99999999999999999999s" is longer than 24h \(/],
    [['check'], { 'tf.yml': 'processes:\n  web:\n    ready: port\n    ready_timeout: 30d\n' }, /^tf: tf\.yml:4: processes\.web\.ready_timeout: "30d" is not a duration \(/],
    [['check'], { 'tf.yml': 'processes:\n  web:\n    ready: port\n    ready_timeout: 720h\n' }, /^tf: tf\.yml:4: processes\.web\.ready_timeout: "720h" is longer than 24h \(/],
  ])('%j %j', async (args, files, message) => {
    expectOneLineError(await runTf(args, { cwd: tmpApp({ Procfile: PROCFILE, ...files }) }), message);
  });
});
