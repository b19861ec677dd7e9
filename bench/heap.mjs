// Preloaded into tf by bench/control.mjs (with --expose-gc): on SIGUSR2, collects garbage and writes
// process.memoryUsage() to $BENCH_HEAP_FILE, so the bench can tell tf's JS heap from its RSS.
import { writeFileSync } from 'node:fs';

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  writeFileSync(process.env.BENCH_HEAP_FILE, JSON.stringify(process.memoryUsage()));
});
