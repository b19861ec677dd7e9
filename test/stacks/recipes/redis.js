// Just enough of the redis protocol (RESP) for web and worker: send a command, await its reply.
const net = require('node:net');

const encode = (args) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('');

/** One reply at `at`: { value, end }, or undefined while it is incomplete. */
function parse(text, at) {
  const eol = text.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const [type, line, next] = [text[at], text.slice(at + 1, eol), eol + 2];
  if (type === '+') return { value: line, end: next };
  if (type === '-') return { value: new Error(line), end: next };
  if (type === ':') return { value: Number(line), end: next };
  const count = Number(line);
  if (count < 0) return { value: null, end: next };
  if (type === '$') return text.length < next + count + 2 ? undefined : { value: text.slice(next, next + count), end: next + count + 2 };
  const items = [];
  let end = next;
  for (let i = 0; i < count; i++) {
    const item = parse(text, end);
    if (!item) return undefined;
    items.push(item.value);
    end = item.end;
  }
  return { value: items, end };
}

/** A connection to redis on 127.0.0.1:port; a lost connection rejects every waiting command. */
exports.connect = (port) => {
  const socket = net.connect(port, '127.0.0.1').setEncoding('latin1');
  const waiting = [];
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk;
    for (let reply; waiting.length > 0 && (reply = parse(text, 0)); ) {
      text = text.slice(reply.end);
      const { resolve, reject } = waiting.shift();
      reply.value instanceof Error ? reject(reply.value) : resolve(reply.value);
    }
  });
  const fail = (error) => waiting.splice(0).forEach(({ reject }) => reject(error));
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('redis closed the connection')));
  return {
    command: (...args) => new Promise((resolve, reject) => (waiting.push({ resolve, reject }), socket.write(encode(args)))),
    close: () => socket.end(),
  };
};
