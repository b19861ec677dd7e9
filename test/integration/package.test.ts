import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the npm package', () => {
  it('declares what a published CLI needs: a free name, the tf binary, no private flag, no runtime dependency', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'procfile-tf', bin: { tf: 'bin/tf.js' }, license: 'MIT', scripts: { prepack: 'npm run build' } });
    expect(pkg.private).toBeUndefined();
    // Everything tf runs is inside dist/ (scripts/bundle.mjs): an install fetches nothing else.
    expect(pkg.dependencies).toBeUndefined();
    for (const key of ['repository', 'homepage', 'bugs', 'engines', 'files']) expect(pkg[key], key).toBeDefined();
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  // Packs a clean copy (prepack builds dist/), installs the tarball globally into a temp prefix
  // offline, and runs the installed tf from an unrelated folder: --version, check, start + Ctrl-C.
  it('packs, installs globally and runs from anywhere (scripts/ci-package.sh)', () => {
    const run = spawnSync('bash', [join(ROOT, 'scripts/ci-package.sh')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TF_PACKAGE_PORT: '27310' },
      timeout: 180_000,
    });
    expect(run.stderr + run.stdout).toContain('all checks passed');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ok: packed procfile-tf-[\d.]+\.tgz: \d+ bytes/);
    expect(run.stdout).toContain('ok: the tarball holds only what runs');
    expect(run.stdout).toContain('ok: tf start ran the demo and drained it on SIGINT (exit 130)');
  }, 200_000);
});
