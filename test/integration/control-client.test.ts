import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RawClient, socketOf, started } from '../helpers/control.js';
import { expectOneLineError } from '../helpers/errors.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

// The control client against a socket that answers badly or not at all, and the server against
// clients that connect and say nothing.

/** Something listening on a socket in a fresh app folder, answering each connection with `answer`. */
async function impostor(answer: (socket: Socket) => void): Promise<{ root: string; path: string }> {
  const root = tmpApp({ Procfile: 'web: true\n' });
  const path = join(root, 'impostor.sock');
  const server: Server = createServer(answer);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => (sockets.add(socket), socket.on('error', () => {})));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  onTestFinished(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))));
  return { root, path };
}

describe('the control client', () => {
  it.each([
    ['text that is not JSON', 'HTTP/1.1 400 Bad Request\r\n\r\n'],
    ['JSON that is not the protocol', '{"hello":"world"}\n'],
    ['a JSON number', '42\n'],
  ])('says in one line, without a stack trace, that %s is not tf', async (_, text) => {
    const { root, path } = await impostor((socket) => socket.end(text));
    for (const command of [['ps'], ['logs'], ['scale', 'web=2']]) {
      const result = await runTf([...command, '--control-socket', path], { cwd: root });
      expectOneLineError(result, /^tf: \S+impostor\.sock answered, but not as tf's control socket \(is another program listening there\?/);
      expect(result.stderr).not.toMatch(/\n\s+at |SyntaxError/);
    }
  });

  it('gives up on a socket that never answers after --timeout, in one line', async () => {
    const { root, path } = await impostor(() => {});
    const before = Date.now();
    const result = await runTf(['ps', '--control-socket', path, '--timeout', '300ms'], { cwd: root });
    expectOneLineError(result, /^tf: tf in \S+ did not answer within 300ms \(it may be stopped \(Ctrl-Z, SIGSTOP\) or overloaded; resume it \(fg, kill -CONT\), or wait longer with --timeout\)$/);
    expect(Date.now() - before).toBeLessThan(20_000);
  });

  it('refuses a --timeout that is not a duration', async () => {
    expectOneLineError(await runTf(['ps', '--timeout', 'soon'], { cwd: tmpApp() }), /^tf: --timeout: "soon" is not a duration from 1ms to 24h \(write e\.g\. --timeout 30s\)$/);
  });

  it('times out on a stopped tf (SIGSTOP), tf ps and tf logs alike, and works again once it continues', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21500'], { cwd: root });
    await started(tf);
    tf.signal('SIGSTOP');
    onTestFinished(() => void tf.signal('SIGCONT'));
    for (const command of ['ps', 'logs']) {
      const result = await runTf([command, '--timeout', '1s'], { cwd: root });
      expectOneLineError(result, new RegExp(`^tf: tf in ${root} did not answer within 1s \\(it may be stopped`));
    }
    tf.signal('SIGCONT');
    const ps = await runTf(['ps'], { cwd: root });
    expect(ps.stdout).toContain('web.1');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('waits for a restart that takes longer than its timeout: tf says it is busy meanwhile', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '7000')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21510', '-t', '20'], { cwd: root });
    await tf.waitForLine(/READY/);
    const result = await runTf(['restart', 'web', '--timeout', '3s'], { cwd: root });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('restarted web.1\n');
    expect(result.code).toBe(0);
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe('idle control connections', () => {
  it('never lock out a new request, and are closed after a few seconds without one', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21520'], { cwd: root });
    await started(tf);
    const idle = Array.from({ length: 70 }, () => new RawClient(socketOf(root)));
    await Promise.all(idle.map((client) => client.connected()));
    // All 64 places are taken by silent clients: the new request still gets in.
    const ps = await runTf(['ps', '--json'], { cwd: root });
    expect(ps.stderr).toBe('');
    expect(JSON.parse(ps.stdout)).toHaveLength(1);
    // And each silent client is told why, then closed.
    await Promise.all(idle.map((client) => client.closed));
    const told = idle.filter((client) => client.text.includes('"error":"closed: no request for 3s"'));
    expect(told.length).toBeGreaterThan(0);
    expect(idle.every((client) => client.messages.every((m) => m.ok === false))).toBe(true);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('drops a client that dribbles a request byte by byte and never ends it', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21540'], { cwd: root });
    await started(tf);
    const dribbler = new RawClient(socketOf(root));
    dribbler.send('{"v":1,');
    const drip = setInterval(() => dribbler.send(' '), 200);
    onTestFinished(() => clearInterval(drip));
    await dribbler.closed;
    clearInterval(drip);
    expect(dribbler.messages).toEqual([{ v: 1, id: null, ok: false, error: 'closed: no request for 3s', hint: 'send a request right after connecting' }]);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('keeps a tf logs reader that is quiet for longer than the idle time', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21530'], { cwd: root });
    await tf.waitForLine(/READY/);
    const reader = new RawClient(socketOf(root));
    const silent = new RawClient(socketOf(root));
    reader.send('{"v":1,"id":1,"cmd":"logs","lines":1}\n');
    await reader.reply(2);
    // Once a silent client connected with it has been dropped as idle, the quiet reader still
    // gets what is printed next.
    await silent.closed;
    expect(reader.socket.destroyed).toBe(false);
    await runTf(['restart', 'web'], { cwd: root });
    await waitFor(() => reader.text.includes('draining'), 'the restart in the log stream', 20_000);
    tf.signal('SIGTERM');
    await tf.result();
  });
});
