// Reference multiplexer for the throughput benchmark; not tf and not a target. About the least any
// single Node process must do to multiplex: start each command as tf does (/bin/sh -c 'exec CMD',
// detached, stdout and stderr piped), and for each chunk read put "NAME | " before every line with one
// string replace per chunk (latin1, so bytes pass through unchanged) and write it synchronously to
// stdout. No UTF-8 or NUL checks, no CR handling, no line limit, no backpressure, no signals, no
// timestamps. Comparing tf with it tells how much of the gap to the baseline is inherent to funnelling
// every byte through one Node process on this machine, and how much is tf's own.
// Usage: node mux.mjs NAME=COMMAND...   (exits when every command has exited and its pipes closed)
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';

const entries = process.argv.slice(2).map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]);
const width = Math.max('system'.length, ...entries.map(([name]) => name.length));
let open = 0;

function write(text) {
  const bytes = Buffer.from(text, 'latin1');
  let done = 0;
  while (done < bytes.length) done += writeSync(1, bytes, done, bytes.length - done);
}

function pump(stream, prefix) {
  const separator = `\n${prefix}`;
  let pending = '';
  stream.setEncoding('latin1');
  stream.on('data', (text) => {
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      pending += text;
      return;
    }
    const body = pending + text.slice(0, last);
    pending = text.slice(last + 1);
    write(`${prefix}${body.replaceAll('\n', separator)}\n`);
  });
  stream.on('end', () => {
    if (pending) write(`${prefix}${pending}\n`);
  });
}

for (const [name, command] of entries) {
  const prefix = `${name.padEnd(width)} | `;
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], { env: { ...process.env, PS: name }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  open++;
  pump(child.stdout, prefix);
  pump(child.stderr, prefix);
  child.on('close', () => {
    if (--open === 0) process.exit(0);
  });
}
