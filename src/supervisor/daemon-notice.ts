import type { Daemon } from '../platform/containment.js';

// How the programs people daemonize most are kept in the foreground, by the name the kernel shows.
const FOREGROUND: Record<string, string> = {
  'redis-server': 'redis-server --daemonize no',
  nginx: `nginx -g 'daemon off;'`,
  postgres: 'postgres -D DIR, not pg_ctl start',
  postmaster: 'postgres -D DIR, not pg_ctl start',
  gunicorn: 'gunicorn without --daemon',
  memcached: 'memcached without -d',
  mongod: 'mongod without --fork',
  sshd: 'sshd -D',
};

/**
 * What tf says, once, when NAME exited 0 leaving DAEMONS running outside its group:
 * `redis.1 daemonized (pid 4242 redis-server still running); tf will stop it with the others. ...`
 */
export function daemonNotice(name: string, daemons: Daemon[]): string {
  const list = daemons.map((d) => `${d.pid} ${d.command}`).join(', ');
  const them = daemons.length === 1 ? 'it' : 'them';
  const hint = daemons.map((d) => FOREGROUND[d.command]).find((h) => h !== undefined) ?? 'without its daemonize option';
  return `${name} daemonized (pid${daemons.length === 1 ? '' : 's'} ${list} still running); tf will stop ${them} with the others. To supervise it directly, run it in the foreground (${hint}).`;
}
