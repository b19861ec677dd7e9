import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { breakFile, DEMO_DEPENDS, demoApp, exportDemo, requireBinary, run, skipWithout } from './engine.js';

const UNITS = ['demo.target', 'demo-web@1.service', 'demo-web@2.service', 'demo-stubborn@1.service'];

/** The check: systemd-analyze verify loads every unit (template instances with their drop-ins) and says nothing on stderr. */
function checkSystemd(outdir: string): void {
  const result = run(requireBinary('systemd-analyze'), ['verify', '--man=no', ...UNITS.map((u) => join(outdir, u))], outdir);
  // verify reports some problems as warnings with exit 0: any stderr is a failure.
  if (result.stderr !== '' || result.code !== 0) throw new Error(`systemd-analyze verify: exit ${result.code}: ${result.stderr}`);
}

describe.skipIf(skipWithout('systemd-analyze'))('systemd, against systemd-analyze verify', () => {
  it('accepts the export of the demo app with nothing on stderr', async () => {
    const app = demoApp();
    const outdir = await exportDemo('systemd', app, ['--user', 'root']);
    checkSystemd(outdir);
    const unit = readFileSync(join(outdir, 'demo-stubborn@.service'), 'utf8');
    expect(unit).toMatch(/^TimeoutStopSec=1s$/m);
    expect(unit).toMatch(/^KillMode=mixed$/m);
  });

  it('accepts the units of a type that depends on another (Wants=, After=)', async () => {
    const app = demoApp();
    writeFileSync(join(app, 'tf.yml'), DEMO_DEPENDS);
    const outdir = await exportDemo('systemd', app, ['--user', 'root']);
    checkSystemd(outdir);
    expect(readFileSync(join(outdir, 'demo-stubborn@.service'), 'utf8')).toMatch(/^After=demo-web@1\.service demo-web@2\.service$/m);
  });

  it.each([
    ['a bad key', 'KillMode=mixed', 'KillMod=mixed', /exit 0: .*Unknown key 'KillMod'/s],
    ['a bad duration', 'TimeoutStopSec=1s', 'TimeoutStopSec=1 fortnight', /exit 0: .*Failed to parse time value.*1 fortnight/s],
    ['an unescaped %', 'Description=demo stubborn.%i', 'Description=demo 100%x', /specifier|%x/i],
  ])('fails the check on an export with %s', async (_, from, to, message) => {
    const app = demoApp();
    const outdir = await exportDemo('systemd', app);
    breakFile(join(outdir, 'demo-stubborn@.service'), from, to);
    expect(() => checkSystemd(outdir)).toThrow(message);
  });
});
