import { describe, expect, it } from 'vitest';
import { RawClient, socketOf, started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { startTf } from '../helpers/tf.js';

// The protocol, spoken raw: bad input gets an error reply and harms nothing else.

async function running() {
  const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n` });
  const tf = startTf(['start', '--no-timestamps', '-p', '7800'], { cwd: root });
  await started(tf);
  return { root, tf, path: socketOf(root) };
}

async function psWorks(path: string): Promise<void> {
  const client = new RawClient(path);
  client.send('{"v":1,"id":"check","cmd":"ps"}\n');
  const [reply] = await client.reply();
  expect(reply).toMatchObject({ v: 1, id: 'check', ok: true });
  expect((reply!.result as Array<{ name: string }>).map((p) => p.name)).toEqual(['web.1']);
  client.socket.end();
}

describe('the control protocol', () => {
  it('answers hello with the pid, and requests by id', async () => {
    const { tf, path, root } = await running();
    const client = new RawClient(path);
    client.send('{"v":1,"id":1,"cmd":"hello"}\n{"v":1,"id":2,"cmd":"ps"}\n');
    const replies = await client.reply(2);
    expect(replies[0]).toEqual({ v: 1, id: 1, ok: true, result: { pid: tf.pid, root, protocol: 1 } });
    expect(replies[1]).toMatchObject({ v: 1, id: 2, ok: true });
    tf.signal('SIGTERM');
    await tf.result();
  });

  it.each([
    ['garbage', 'hello there\n', { ok: false, id: null, error: 'malformed JSON' }],
    ['a JSON array', '[1,2]\n', { ok: false, error: 'a request must be a JSON object' }],
    ['the wrong version', '{"v":2,"id":5,"cmd":"ps"}\n', { ok: false, id: 5, error: 'unsupported protocol version 2' }],
    ['no version', '{"id":5,"cmd":"ps"}\n', { ok: false, id: 5, error: 'unsupported protocol version null' }],
    ['an unknown command', '{"v":1,"id":"x","cmd":"explode"}\n', { ok: false, id: 'x', error: 'unknown command "explode"' }],
    ['a bad formation', '{"v":1,"id":3,"cmd":"scale","formation":{"web":-2}}\n', { ok: false, id: 3, error: 'web=-2: not a process count' }],
    ['bad targets', '{"v":1,"id":4,"cmd":"restart","targets":[1]}\n', { ok: false, id: 4, error: 'targets must be a list of process names or types' }],
    ['binary noise', `${'\u0000\u00ff\u0001'.repeat(50)}\n`, { ok: false, error: 'malformed JSON' }],
  ])('replies with an error to %s and keeps serving', async (_, request, expected) => {
    const { tf, path } = await running();
    const client = new RawClient(path);
    client.send(request);
    const [reply] = await client.reply();
    expect(reply).toMatchObject({ v: 1, ...expected });
    // The same connection still works, and so does the supervisor.
    client.send('{"v":1,"id":9,"cmd":"ps"}\n');
    expect((await client.reply(2))[1]).toMatchObject({ id: 9, ok: true });
    await psWorks(path);
    expect(tf.stdout).not.toContain('stopping');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('refuses an oversized message and closes that connection only', async () => {
    const { tf, path } = await running();
    const client = new RawClient(path);
    client.send(`{"v":1,"id":1,"cmd":"ps","pad":"${'x'.repeat(100_000)}"}\n`);
    await client.closed;
    expect(client.messages).toEqual([{ v: 1, id: null, ok: false, error: 'message larger than 65536 bytes', hint: 'send one request a line, each under 64 KiB' }]);
    // Without a newline at all: refused as soon as it passes the limit.
    const endless = new RawClient(path);
    endless.send('x'.repeat(70_000));
    await endless.closed;
    expect(endless.messages[0]).toMatchObject({ ok: false, error: 'message larger than 65536 bytes' });
    await psWorks(path);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('serves several clients at once; a silent one blocks no one', async () => {
    const { tf, path } = await running();
    const silent = new RawClient(path);
    await silent.connected();
    const partial = new RawClient(path);
    partial.send('{"v":1,"id":1,');
    const clients = Array.from({ length: 8 }, () => new RawClient(path));
    for (const [i, client] of clients.entries()) client.send(`{"v":1,"id":${i},"cmd":"ps"}\n`);
    const replies = await Promise.all(clients.map((c) => c.reply()));
    expect(replies.map(([r]) => r)).toEqual(clients.map((_, i) => expect.objectContaining({ id: i, ok: true })));
    // The half-sent request completes later, on its own connection.
    partial.send('"cmd":"ps"}\n');
    expect((await partial.reply())[0]).toMatchObject({ id: 1, ok: true });
    expect(silent.text).toBe('');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
    await silent.closed;
  });

  it('streams logs as events and ends them when tf exits', async () => {
    const { tf, path } = await running();
    await tf.waitForLine('READY web.1');
    const client = new RawClient(path);
    client.send('{"v":1,"id":"l","cmd":"logs","lines":2}\n');
    const [reply, first] = await client.reply(2);
    expect(reply).toEqual({ v: 1, id: 'l', ok: true, result: { lines: 2 } });
    expect(first).toMatchObject({ id: 'l', event: 'output' });
    expect(String(first!.data).split('\n')).toHaveLength(3);
    tf.signal('SIGTERM');
    await tf.result();
    await client.closed;
    expect(client.messages.at(-1)).toEqual({ v: 1, id: 'l', event: 'end' });
  });
});
