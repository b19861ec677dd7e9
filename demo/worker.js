// The demo's worker: takes a job every second and finishes the one in hand on SIGTERM.
const every = Number(process.env.JOB_INTERVAL_MS ?? 1000);
let job = 0;
let stopping = false;

function work() {
  if (stopping) return;
  job++;
  console.log(`job ${job}: started`);
  setTimeout(() => {
    console.log(`job ${job}: done`);
    if (stopping) {
      console.log('SIGTERM: finished the job in hand, exiting');
      process.exit(0);
    }
    setTimeout(work, every);
  }, 200);
}

process.once('SIGTERM', () => {
  stopping = true;
  console.log('SIGTERM: no new jobs');
  setTimeout(() => process.exit(0), 250);
});
work();
