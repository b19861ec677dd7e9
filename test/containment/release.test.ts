import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTf, startTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { expectGone } from './support.js';

describe('a release phase is contained', () => {
  it('kill -9 of tf release create leaves nothing of the phase running; the next create says it was interrupted', async () => {
    const root = tmpApp({ Procfile: 'web: true\n' });
    const pids = join(root, 'phase.pids');
    // A child in the phase's group and a daemon that leaves it (env -i setsid), as a migration tool might start.
    const phase = `sleep 600 & echo $! > ${pids}; env -i setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $! >> ${pids}; echo PHASE-RUNNING; wait`;
    writeFileSync(join(root, 'Procfile'), `web: true\nrelease: ${phase}\n`);
    const tf = startTf(['release', 'create', '--message', 'first'], { cwd: root });
    await tf.waitForLine(/release +\| PHASE-RUNNING/);
    tf.signal('SIGKILL');
    await tf.exited;
    await expectGone(readFileSync(pids, 'utf8').trim().split('\n').map(Number), 2000);
    writeFileSync(join(root, 'Procfile'), 'web: true\nrelease: echo second phase\n');
    const next = await runTf(['release', 'create', '--message', 'second'], { cwd: root });
    expect(next.stderr).toMatch(/release phase of v1 was interrupted/);
    expect(next.stdout).toContain('second phase');
    expect(next.code).toBe(0);
    // Reported once: the marker is gone with that create.
    expect((await runTf(['release', 'create', '--message', 'third'], { cwd: root })).stderr).not.toContain('interrupted');
  });
});
