import { describe, expect, it } from 'vitest';
import { describeExit, describeStop, exitStatus, exitStatusOf, type StopReason } from '../../src/supervisor/stop-reason.js';

describe('exitStatusOf', () => {
  it.each<[StopReason, number]>([
    [{ kind: 'signal', signal: 'SIGINT' }, 130],
    [{ kind: 'signal', signal: 'SIGTERM' }, 143],
    [{ kind: 'signal', signal: 'SIGHUP' }, 129],
    [{ kind: 'exit', name: 'web.1', status: 3 }, 3],
    [{ kind: 'exit', name: 'web.1', status: 0 }, 0],
    [{ kind: 'all-exited', status: 0 }, 0],
    [{ kind: 'all-exited', status: 2 }, 2],
    [{ kind: 'output-closed' }, 141],
  ])('%j -> %i', (reason, status) => {
    expect(exitStatusOf(reason)).toBe(status);
  });
});

describe('exitStatus', () => {
  it.each<[number | null, NodeJS.Signals | null, number]>([
    [0, null, 0],
    [1, null, 1],
    [127, null, 127],
    [null, 'SIGTERM', 143],
    [null, 'SIGKILL', 137],
    [null, 'SIGINT', 130],
    [null, null, 1],
  ])('code %j, signal %j -> %i', (code, signal, status) => {
    expect(exitStatus(code, signal)).toBe(status);
  });
});

describe('describeExit', () => {
  it.each<[number | null, NodeJS.Signals | null, string]>([
    [0, null, 'web.1 exited with code 0'],
    [3, null, 'web.1 exited with code 3'],
    [127, null, 'web.1 exited with code 127 (command not found: check its command in the Procfile and PATH)'],
    [126, null, 'web.1 exited with code 126 (command not executable: check its permissions)'],
    [null, 'SIGKILL', 'web.1 was terminated by SIGKILL'],
    [null, 'SIGTERM', 'web.1 was terminated by SIGTERM'],
    [null, null, 'web.1 exited with code unknown'],
  ])('code %j, signal %j', (code, signal, text) => {
    expect(describeExit('web.1', code, signal)).toBe(text);
  });
});

describe('describeStop', () => {
  it.each<[StopReason, number, string]>([
    [{ kind: 'signal', signal: 'SIGINT' }, 5000, 'received SIGINT, stopping all processes (waiting up to 5s; Ctrl-C again to kill now)'],
    [{ kind: 'exit', name: 'web.1', status: 1 }, 500, 'web.1 has exited, stopping all processes (waiting up to 500ms; Ctrl-C again to kill now)'],
    [{ kind: 'all-exited', status: 0 }, 0, 'no process is left running, stopping all processes'],
    [{ kind: 'output-closed' }, 0, 'output closed, stopping all processes'],
  ])('%j with drain %i', (reason, drainMs, text) => {
    expect(describeStop(reason, drainMs)).toBe(text);
  });
});
