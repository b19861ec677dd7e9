// PostgreSQL through psql, which reads PGHOST, PGPORT, PGUSER and PGDATABASE: no npm package needed.
const { execFile } = require('node:child_process');

/** Runs one statement; resolves with psql's unaligned, tuples-only output. */
exports.sql = (statement) =>
  new Promise((resolve, reject) => {
    execFile('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', statement], (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim() || error.message));
      else resolve(stdout.trim());
    });
  });

exports.literal = (text) => `'${String(text).replaceAll("'", "''")}'`;
