// The queue worker: takes jobs from the redis list "jobs" and records each in PostgreSQL. On
// SIGTERM it finishes the job in hand (BLPOP waits at most 1 s), then says goodbye and exits 0.
const { literal, sql } = require('./db.js');
const redis = require('./redis.js');

let stopping = false;
process.once('SIGTERM', () => (stopping = true));

async function main() {
  const queue = redis.connect(Number(process.env.REDIS_PORT));
  await Promise.all([sql('SELECT 1'), queue.command('PING')]);
  console.log('worker waiting for jobs');
  while (!stopping) {
    const job = await queue.command('BLPOP', 'jobs', '1');
    if (!job) continue;
    await sql(`INSERT INTO done_jobs (name) VALUES (${literal(job[1])})`);
    console.log(`job ${job[1]} done`);
  }
  await queue.command('QUIT');
  console.log('worker stopped');
}

main().then(
  () => process.exit(0),
  (error) => (console.error(`worker: ${error.message}`), process.exit(1)),
);
