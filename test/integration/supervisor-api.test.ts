import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../../src/config/app.js';
import { buildFormation, specFactory } from '../../src/formation/formation.js';
import { formationInput } from '../../src/formation/plan.js';
import { Multiplexer } from '../../src/output/multiplexer.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { TfError } from '../../src/util/errors.js';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';

// The live-control API as a library: real processes, no CLI, no socket.

async function supervise(files: Record<string, string>, items: string[]) {
  const root = tmpApp(files);
  const tag = newTag();
  const app = await loadApp({ root, shellEnv: { ...process.env, PORT: '9100', [TAG_VARIABLE]: tag } });
  const input = formationInput(app, { items });
  const sink = new PassThrough();
  let text = '';
  sink.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const output = new Multiplexer(sink, { json: false, color: false, timestamps: false });
  const supervisor = new Supervisor({ specs: buildFormation(input), specFor: specFactory(input), types: input.types.map((t) => t.name), output, watchdog: false });
  const exited = supervisor.run();
  const finish = async (): Promise<number> => {
    supervisor.shutdown({ kind: 'signal', signal: 'SIGTERM' });
    const status = await exited;
    await expectNoSurvivors(tag);
    return status;
  };
  const lines = (pattern: RegExp, count = 1) => waitFor(() => (text.split('\n').filter((l) => pattern.test(l)).length >= count ? true : undefined), () => `${count} x ${pattern} in:\n${text}`);
  return { supervisor, finish, lines, text: () => text };
}

const states = (s: Supervisor) => s.processes().map((p) => `${p.name}:${p.state}`);

describe('Supervisor live control', () => {
  it('scales up with the next names and ports, and down from the highest instance', async () => {
    const { supervisor, finish, lines } = await supervise({ Procfile: `web: ${fixture('drain', '20')}\nworker: ${fixture('drain', '20')}\n` }, ['web', 'worker=0']);
    expect(supervisor.scale('worker', 3)).toEqual({ type: 'worker', from: 0, to: 3, started: ['worker.1', 'worker.2', 'worker.3'], stopping: [] });
    await lines(/READY worker\.\d/, 3);
    expect(supervisor.processes().map((p) => [p.name, p.port])).toEqual([['web.1', 9100], ['worker.1', 9200], ['worker.2', 9201], ['worker.3', 9202]]);
    expect(supervisor.scale('worker', 1).stopping).toEqual(['worker.3', 'worker.2']);
    await waitFor(() => supervisor.processes().length === 2 || undefined, 'the removed workers to go');
    expect(states(supervisor)).toEqual(['web.1:running', 'worker.1:running']);
    expect(() => supervisor.scale('db', 1)).toThrow(TfError);
    expect(() => supervisor.scaleAll([['worker', 2], ['web', -1]])).toThrow('web=-1: not a process count');
    expect(supervisor.processes()).toHaveLength(2);
    expect(await finish()).toBe(143);
  });

  it('restarts and stops by name or type; a drained exit is never a crash', async () => {
    const { supervisor, finish, lines, text } = await supervise({ Procfile: `web: ${fixture('crash-on-term', '9')}\n` }, ['web=2']);
    await lines(/READY crash-on-term/, 2);
    expect(await supervisor.restart(['web.1'])).toEqual({ restarted: ['web.1'], failed: [] });
    expect(supervisor.processes().map((p) => [p.restarts, p.lastExit])).toEqual([[1, 9], [0, null]]);
    expect(await supervisor.stop(['web'])).toEqual(['web.1', 'web.2']);
    expect(states(supervisor)).toEqual(['web.1:stopped', 'web.2:stopped']);
    expect(text()).not.toContain('stopping all processes');
    await expect(supervisor.restart(['web.3'])).rejects.toThrow('unknown process "web.3"');
    await supervisor.restart([]);
    expect(states(supervisor)).toEqual(['web.1:running', 'web.2:running']);
    expect(await finish()).toBe(143);
  });
});
