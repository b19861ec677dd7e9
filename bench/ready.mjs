// Benchmark process for start-up: prints one READY line as soon as it runs, then idles until a
// signal ends it (no SIGTERM handler, so SIGTERM ends it at once).
console.log(`READY ${process.env.PS ?? 'ready'} pid=${process.pid}`);
setInterval(() => {}, 1 << 30);
