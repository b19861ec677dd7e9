import { describe, expect, it } from 'vitest';
import { daemonNotice } from '../../src/supervisor/daemon-notice.js';

describe('daemonNotice', () => {
  it.each([
    [[{ pid: 4242, command: 'redis-server' }], 'redis.1 daemonized (pid 4242 redis-server still running); tf will stop it with the others. To supervise it directly, run it in the foreground (redis-server --daemonize no).'],
    [[{ pid: 7, command: 'nginx' }], "redis.1 daemonized (pid 7 nginx still running); tf will stop it with the others. To supervise it directly, run it in the foreground (nginx -g 'daemon off;')."],
    [[{ pid: 8, command: 'sleep' }, { pid: 9, command: 'redis-server' }], 'redis.1 daemonized (pids 8 sleep, 9 redis-server still running); tf will stop them with the others. To supervise it directly, run it in the foreground (redis-server --daemonize no).'],
    [[{ pid: 10, command: 'mydaemon' }], 'redis.1 daemonized (pid 10 mydaemon still running); tf will stop it with the others. To supervise it directly, run it in the foreground (without its daemonize option).'],
  ])('%j', (daemons, text) => {
    expect(daemonNotice('redis.1', daemons)).toBe(text);
  });
});
