// Preloaded into tf (node --import bench/rusage.mjs bin/tf.js ...) to record tf's own resource use:
// on exit it writes process.resourceUsage() (getrusage(RUSAGE_SELF): tf alone, not the children it
// reaped) as JSON to $BENCH_RUSAGE_FILE. The variable is removed from the environment first so the
// processes tf starts do not inherit it. tf's code is not touched.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
delete process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, JSON.stringify(process.resourceUsage()));
    } catch {
      // the bench reports the figure as missing
    }
  });
}
