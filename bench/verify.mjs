// Checks tf's output from the throughput benchmark, streaming (the file is ~140 MB): every line is
// "NAME | TEXT" with NAME padded to the widest name; each writer's lines (see writer.mjs) appear under
// its own name ("w3.1" for writer id "w3"), whole, 80 bytes, in sequence 0..count-1 with none lost or
// repeated; anything else that is not one of tf's own "system" lines is malformed.
import { createReadStream } from 'node:fs';

const LINE_BYTES = 80;
const MAX_EXAMPLES = 5;

/**
 * @param {string} path   tf's stdout (started with --no-timestamps)
 * @param {string[]} ids  writer ids, e.g. ["w1", ..., "w8"]; each runs as process ID.1
 * @param {number} count  lines each writer printed
 */
export async function verifyThroughputOutput(path, ids, count) {
  const width = Math.max('system'.length, ...ids.map((id) => `${id}.1`.length));
  const writers = new Map(
    ids.map((id) => {
      const head = `${id} `;
      const fill = ` ${'x'.repeat(LINE_BYTES - 1 - head.length - 7)}`;
      return [`${`${id}.1`.padEnd(width)} | `, { id, head, fill, next: 0, ok: 0, outOfOrder: 0, textLength: LINE_BYTES - 1 }];
    }),
  );
  const systemPrefix = `${'system'.padEnd(width)} | `;
  const result = { totalLines: 0, systemLines: 0, malformed: 0, misattributed: 0, outOfOrder: 0, examples: [], perProcess: {} };
  const bad = (kind, line) => {
    result[kind]++;
    if (result.examples.length < MAX_EXAMPLES) result.examples.push(`${kind}: ${JSON.stringify(line.length > 160 ? `${line.slice(0, 160)}...` : line)}`);
  };
  const prefixLength = width + 3;

  const checkLine = (line) => {
    result.totalLines++;
    const prefix = line.slice(0, prefixLength);
    const writer = writers.get(prefix);
    if (!writer) {
      if (prefix === systemPrefix) result.systemLines++;
      else bad('malformed', line);
      return;
    }
    const text = line.slice(prefixLength);
    if (text.length !== writer.textLength || !text.endsWith(writer.fill) || !/^[a-z0-9]+ \d{6}$/.test(text.slice(0, text.length - writer.fill.length))) {
      bad('malformed', line);
      return;
    }
    if (!text.startsWith(writer.head)) {
      bad('misattributed', line);
      return;
    }
    const seq = Number(text.slice(writer.head.length, writer.head.length + 6));
    if (seq !== writer.next) {
      writer.outOfOrder++;
      bad('outOfOrder', `${line.slice(0, prefixLength + 12)}... (expected sequence ${writer.next})`);
    } else {
      writer.ok++;
    }
    writer.next = seq + 1;
  };

  let pending = '';
  for await (const chunk of createReadStream(path, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
    const text = pending + chunk;
    let start = 0;
    let nl;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      checkLine(text.slice(start, nl));
      start = nl + 1;
    }
    pending = text.slice(start);
  }
  if (pending) bad('malformed', `${pending} (no final newline)`);

  let linesOk = 0;
  for (const writer of writers.values()) {
    linesOk += writer.ok;
    result.perProcess[`${writer.id}.1`] = { ok: writer.ok, lastSequence: writer.next - 1, outOfOrder: writer.outOfOrder };
  }
  result.linesOk = linesOk;
  result.linesExpected = ids.length * count;
  result.ok = linesOk === result.linesExpected && result.malformed === 0 && result.misattributed === 0 && result.outOfOrder === 0;
  return result;
}
