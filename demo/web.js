// The demo's web process: answers HTTP on $PORT and drains open requests on SIGTERM.
const { createServer } = require('node:http');

const port = Number(process.env.PORT ?? 5000);
let served = 0;
const server = createServer((req, res) => {
  served++;
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from ${process.env.PS} (${process.env.GREETING ?? 'no GREETING set'}), request ${served}\n`);
  console.log(`${req.method} ${req.url} -> 200`);
});

server.listen(port, () => console.log(`listening on http://localhost:${port}`));

process.once('SIGTERM', () => {
  console.log(`SIGTERM: closing after ${served} requests`);
  server.close(() => {
    console.log('closed cleanly');
    process.exit(0);
  });
  server.closeIdleConnections();
});
