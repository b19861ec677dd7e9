// Baseline for the restart-memory benchmark: plain Node doing what tf does for each `restart`
// request (accept a Unix socket connection, read a line; spawn `sh -c 'exec sleep 600'` in its own
// group with piped output, SIGTERM the group, wait for close; reply), argv[2] times.
// Prints {"rss": {"10": KiB, "<n/12>": ..., "<n>": ...}, "anon": {...}}: VmRSS and RssAnon after a GC
// (run it with --expose-gc).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const total = Number(process.argv[2] ?? 1000);
// Not support.mjs's memoryOf: importing support.mjs runs getconf and more, which would move this baseline.
const kibOf = (status, field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
const once = () =>
  new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'exec sleep 600'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', () => {});
    child.stderr.on('data', () => {});
    child.once('close', resolve);
    child.once('spawn', () => process.kill(-child.pid, 'SIGTERM'));
  });
const dir = mkdtempSync(join(tmpdir(), 'tf-respawn-'));
const path = join(dir, 'control.sock');
const server = createServer((socket) => socket.once('data', () => once().then(() => socket.end('{"ok":true}\n'))));
await new Promise((resolve) => server.listen(path, resolve));
const request = () =>
  new Promise((resolve) => {
    const socket = connect({ path }, () => socket.write('{"cmd":"restart"}\n'));
    socket.on('data', () => {});
    socket.once('close', resolve);
  });
const out = { rss: {}, anon: {} };
for (let i = 1; i <= total; i++) {
  await request();
  if (i === 10 || i % (total / 12) === 0) {
    globalThis.gc?.();
    const status = readFileSync('/proc/self/status', 'latin1');
    out.rss[i] = kibOf(status, 'VmRSS');
    out.anon[i] = kibOf(status, 'RssAnon');
  }
}
server.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(out));
