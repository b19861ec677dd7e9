import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../../src/config/app.js';
import { buildFormation } from '../../src/formation/formation.js';
import { formationInput } from '../../src/formation/plan.js';
import { Multiplexer } from '../../src/output/multiplexer.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { ManualTimers } from '../helpers/manual-timers.js';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';

// Real processes, a clock the test moves: a 30 s ready timeout passes in no time.

describe('Supervisor with injected timers', () => {
  it('treats a process that is not ready by ready_timeout as running, and then starts its dependents', async () => {
    const root = tmpApp({
      Procfile: `web: ${fixture('drain', '20')}\nworker: ${fixture('drain', '20')}\n`,
      'tf.yml': 'processes:\n  web: { ready: "line /never printed/" }\n  worker: { depends_on: [web] }\n',
    });
    const tag = newTag();
    const app = await loadApp({ root, shellEnv: { ...process.env, PORT: '9300', [TAG_VARIABLE]: tag } });
    const sink = new PassThrough();
    let text = '';
    sink.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const timers = new ManualTimers();
    const supervisor = new Supervisor({ specs: buildFormation(formationInput(app)), output: new Multiplexer(sink, { json: false, color: false, timestamps: false }), timers, watchdog: false });
    const exited = supervisor.run();
    await waitFor(() => text.includes('READY web.1') || undefined, () => `web.1 to start:\n${text}`);
    const states = () => supervisor.processes().map((p) => `${p.name}:${p.state}`);
    expect(states()).toEqual(['web.1:starting', 'worker.1:waiting']);
    expect(text).toContain('worker.1 waits for web to be ready');
    timers.advance(29_999);
    expect(states()).toEqual(['web.1:starting', 'worker.1:waiting']);
    expect(supervisor.processes()[0]!.uptimeMs).toBe(29_999);
    timers.advance(1);
    expect(text).toContain('web.1 is not ready after 30s (no line matched /never printed/); treating it as running');
    expect(states()).toEqual(['web.1:running', 'worker.1:running']);
    await waitFor(() => text.includes('READY worker.1') || undefined, () => `worker.1 to start:\n${text}`);
    supervisor.shutdown({ kind: 'signal', signal: 'SIGTERM' });
    expect(await exited).toBe(143);
    await expectNoSurvivors(tag);
  });
});
