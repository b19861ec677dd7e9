// Benchmark writer: prints COUNT lines of exactly 80 bytes (newline included), "ID SEQUENCE xxx...",
// e.g. "w3 000123 xxxx...", then exits 0. The id and the zero-padded sequence number let the bench
// check that every line arrives whole, in order and attributed to the right process.
// Lines are written in batches of BATCH lines (default 100 = 8000 bytes, about what a stdio-buffered
// program flushes at a time), waiting for 'drain' when the stream asks for it.
// Usage: node writer.mjs COUNT [ID] [BATCH]; ID defaults to the process type from $PS (w3.1 -> w3).
const LINE_BYTES = 80;
const count = Number(process.argv[2] ?? 1000);
const id = process.argv[3] ?? (process.env.PS ?? 'w0.1').replace(/\.\d+$/, '');
const batch = Number(process.argv[4] ?? 100);
if (!Number.isInteger(count) || count < 0 || count > 999_999) throw new Error(`bad line count ${process.argv[2]}`);

const head = `${id} `.length + 6 + 1;
const fill = 'x'.repeat(LINE_BYTES - 1 - head);
if (fill.length < 1) throw new Error(`id ${id} too long for ${LINE_BYTES}-byte lines`);

const out = process.stdout;
let seq = 0;
function writeSome() {
  while (seq < count) {
    let chunk = '';
    const end = Math.min(count, seq + batch);
    for (; seq < end; seq++) chunk += `${id} ${String(seq).padStart(6, '0')} ${fill}\n`;
    if (!out.write(chunk)) {
      out.once('drain', writeSome);
      return;
    }
  }
}
writeSome();
