// The demo's clock: ticks every 2 seconds; stops ticking on SIGTERM.
let ticks = 0;
const timer = setInterval(() => console.log(`tick ${++ticks}`), 2000);
console.log('clock started');
process.once('SIGTERM', () => {
  clearInterval(timer);
  console.log(`SIGTERM: stopped after ${ticks} ticks`);
});
