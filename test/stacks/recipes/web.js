// The web process: GET / answers with a row from PostgreSQL, POST /jobs?name=NAME queues a job
// in redis for the worker, GET /jobs lists the jobs the worker has done.
const http = require('node:http');
const { sql } = require('./db.js');
const redis = require('./redis.js');

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/') return sql('SELECT text FROM greetings ORDER BY id LIMIT 1');
  if (req.method === 'GET' && url.pathname === '/jobs') return sql('SELECT name FROM done_jobs ORDER BY done_at');
  const name = url.searchParams.get('name') ?? '';
  if (req.method === 'POST' && url.pathname === '/jobs' && /^[\w-]+$/.test(name)) {
    const queue = redis.connect(Number(process.env.REDIS_PORT));
    await queue.command('RPUSH', 'jobs', name);
    queue.close();
    return `queued ${name}`;
  }
  res.statusCode = 404;
  return 'not found';
}

async function main() {
  // Like most apps, web needs its database at boot: started before postgres is ready, it exits 1.
  await sql('SELECT 1');
  const server = http.createServer((req, res) => {
    handle(req, res).then(
      (body) => res.end(`${body}\n`),
      (error) => ((res.statusCode = 500), res.end(`${error.message}\n`)),
    );
  });
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`web listening on ${process.env.PORT}`));
  process.once('SIGTERM', () => {
    // Draining: no new requests; the ones in hand still need the database (here, 0.3 s of it).
    server.close();
    sql('SELECT pg_sleep(0.3)').then(
      () => (console.log('web drained'), process.exit(0)),
      (error) => (console.error(`web could not drain: ${error.message}`), process.exit(1)),
    );
  });
}

main().catch((error) => (console.error(`web: ${error.message}`), process.exit(1)));
