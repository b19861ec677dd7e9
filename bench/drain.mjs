// Benchmark process for shutdown: prints READY once its SIGTERM handler is installed; on SIGTERM it
// "drains" for DRAIN_MS (argv[2], default 500), then prints "<PS> last line" and exits 0.
const drainMs = Number(process.argv[2] ?? 500);
const name = process.env.PS ?? 'drain';
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  console.log(`${name} draining`);
  setTimeout(() => {
    console.log(`${name} last line`);
    process.exit(0);
  }, drainMs);
});
setInterval(() => {}, 1 << 30);
console.log(`READY ${name} pid=${process.pid}`);
