import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { securePrivateDir } from '../../src/util/fs.js';
import { TfError } from '../../src/util/errors.js';
import { expectOneLineError } from '../helpers/errors.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf } from '../helpers/tf.js';

// A checked-out repo can carry `.tf -> /tmp` (or anywhere): tf must never chmod through it.

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-fault-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const PROCFILE = `web: ${fixture('drain', '50')}\n`;
const mode = (path: string): number => statSync(path).mode & 0o777;

describe('the control folder', () => {
  it('is never followed when .tf is a symbolic link: tf start refuses, the target keeps its mode', async () => {
    const target = join(scratch(), 'shared');
    mkdirSync(target);
    chmodSync(target, 0o755);
    const root = tmpApp({ Procfile: PROCFILE });
    symlinkSync(target, join(root, '.tf'));
    const result = await runTf(['start', '-p', '21300'], { cwd: root });
    expectOneLineError(result, /^tf: \S*\.tf is a symbolic link; tf does not follow it for the control socket \(remove \S*\.tf/);
    expect(result.stdout).toBe('');
    expect(mode(target)).toBe(0o755);
    expect(lstatSync(join(root, '.tf')).isSymbolicLink()).toBe(true);
  });

  it('refuses a dangling .tf link without creating its target', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const target = join(scratch(), 'nowhere');
    symlinkSync(target, join(root, '.tf'));
    expectOneLineError(await runTf(['start', '-p', '21310'], { cwd: root }), /\.tf is a symbolic link/);
    expect(() => lstatSync(target)).toThrow();
  });
});

describe('securePrivateDir (shared with the release store)', () => {
  it('makes a missing folder 0700 and tightens an existing one of the user', () => {
    const base = scratch();
    securePrivateDir(join(base, 'new'), 'a test');
    expect(mode(join(base, 'new'))).toBe(0o700);
    mkdirSync(join(base, 'open'), { mode: 0o777 });
    chmodSync(join(base, 'open'), 0o777);
    securePrivateDir(join(base, 'open'), 'a test');
    expect(mode(join(base, 'open'))).toBe(0o700);
    securePrivateDir(join(base, 'store'), 'a test', 0o755);
    expect(mode(join(base, 'store'))).toBe(0o755);
  });

  it('refuses a link to a folder, a link to a file and a file, changing nothing', () => {
    const base = scratch();
    mkdirSync(join(base, 'target'), { mode: 0o755 });
    chmodSync(join(base, 'target'), 0o755);
    writeFileSync(join(base, 'file'), 'x');
    chmodSync(join(base, 'file'), 0o644);
    symlinkSync(join(base, 'target'), join(base, 'to-dir'));
    symlinkSync(join(base, 'file'), join(base, 'to-file'));
    const refusal = (name: string): TfError => {
      try {
        securePrivateDir(join(base, name), 'a test');
      } catch (error) {
        expect(error).toBeInstanceOf(TfError);
        return error as TfError;
      }
      throw new Error(`${name} was accepted`);
    };
    expect(refusal('to-dir').message).toMatch(/to-dir is a symbolic link; tf does not follow it for a test$/);
    expect(refusal('to-file').message).toMatch(/to-file is a symbolic link/);
    expect(refusal('file').message).toMatch(/file is not a folder; tf needs one there for a test$/);
    expect(mode(join(base, 'target'))).toBe(0o755);
    expect(mode(join(base, 'file'))).toBe(0o644);
  });
});
