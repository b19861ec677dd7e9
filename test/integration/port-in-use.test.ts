import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portInUse } from '../../src/supervisor/port-check.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf } from '../helpers/tf.js';

// The default base port, 5000, is AirPlay Receiver's on recent macOS: when the base port is taken,
// tf names the holder if it can and suggests the next base port explicitly.

const BASE = 29400;
let holder: Server;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((listening) => holder.listen(BASE, '127.0.0.1', listening));
});

afterAll(() => new Promise<void>((closed) => holder.close(() => closed())));

/** A PATH holding ps but not lsof, as on a machine without lsof. */
function pathWithoutLsof(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-nolsof-'));
  const ps = spawnSync('sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(ps, join(dir, 'ps'));
  return dir;
}

describe('the base port is taken by another program', () => {
  it.each([
    { table: '/proc', env: {} },
    { table: 'ps and lsof', env: { TF_PROCESS_TABLE: 'ps' } },
  ])('names the holder and suggests -p BASE+100 ($table)', async ({ env }) => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain')}\n` });
    const result = await runTf(['start', '-p', String(BASE)], { cwd: root, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^tf: port ${BASE} is in use \\(pid ${process.pid}, [^\\n]+\\) \\(stop that process, or choose another base port: -p ${BASE + 100}\\)\\n$`));
    expect(result.stdout).toBe('');
  });

  it('without lsof (ps table), the holder is not named but the error and the suggestion stay', async () => {
    const bin = pathWithoutLsof();
    try {
      const root = tmpApp({ Procfile: `web: ${fixture('drain')}\n` });
      const result = await runTf(['start', '-p', String(BASE)], { cwd: root, env: { TF_PROCESS_TABLE: 'ps', PATH: bin } });
      expect(result.stderr).toBe(`tf: port ${BASE} is in use (stop that process, or choose another base port: -p ${BASE + 100})\n`);
      expect(result.code).toBe(1);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('port 5000 on macOS: the hint says -p 5100 and that AirPlay Receiver listens there', () => {
    const mac = portInUse(5000, 5000, ' (pid 412, ControlCenter)', 'darwin');
    expect(mac.message).toBe('port 5000 is in use (pid 412, ControlCenter)');
    expect(mac.hint).toBe('stop that process, or choose another base port: -p 5100; on macOS, AirPlay Receiver listens on 5000 (System Settings > General > AirDrop & Handoff)');
    expect(portInUse(5000, 5000, '', 'linux').hint).toBe('stop that process, or choose another base port: -p 5100');
    // Another type's port (base 5000, third type): the suggestion is still the next base.
    expect(portInUse(5200, 5000, '', 'darwin').hint).toBe('stop that process, or choose another base port: -p 5100');
  });
});
