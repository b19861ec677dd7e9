import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

// print() without flush, once every 50 ms: block-buffered when stdout is not a terminal.
const LOOP = 'import time\nfor i in range(1, 100000):\n    print("tick", i)\n    time.sleep(0.05)\n';

describe('Python output under tf', () => {
  // These machines export PYTHONUNBUFFERED=1; a user's shell does not.
  const env = { PYTHONUNBUFFERED: undefined };

  it('appears as it is printed, and nothing printed is lost at Ctrl-C', async () => {
    const root = tmpApp({ Procfile: `py: python3 loop.py\nweb: ${fixture('drain', '20')}\n`, 'loop.py': LOOP });
    const tf = startTf(['start', '--no-timestamps', '-p', '24500'], { cwd: root, env });
    // Block-buffered, the first line would only come after ~8 KiB (hundreds of ticks, or never).
    await tf.waitForLine(/^py\.1 +\| tick 3$/);
    tf.signal('SIGINT');
    const { stdout } = await tf.result();
    const ticks = stdout.split('\n').flatMap((l) => /^py\.1 +\| tick (\d+)$/.exec(l)?.[1] ?? []).map(Number);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks).toEqual(ticks.map((_, i) => i + 1));
  });

  it('tf env lists PYTHONUNBUFFERED=1 from tf, unless the environment sets it', async () => {
    const root = tmpApp({ Procfile: 'web: a\n' });
    expect((await runTf(['env', 'web'], { cwd: root, env })).stdout).toContain("PYTHONUNBUFFERED=1  # tf\n");
    const own = await runTf(['env', 'web'], { cwd: root, env: { PYTHONUNBUFFERED: '' } });
    expect(own.stdout).toContain("PYTHONUNBUFFERED=''  # shell\n");
    const fromFile = await runTf(['env', 'web'], { cwd: tmpApp({ Procfile: 'web: a\n', '.env': 'PYTHONUNBUFFERED=0\n' }), env });
    expect(fromFile.stdout).toContain("PYTHONUNBUFFERED=0  # .env:1\n");
  });
});
