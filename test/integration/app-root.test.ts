import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';

// Every command finds the app from a subfolder, as git does: the Procfile, .env, the release store.
describe('tf run from a subfolder of the app', () => {
  const app = () =>
    tmpApp({
      Procfile: 'worker: echo working\n',
      '.env': 'GREETING=hello\n',
      'src/deep/file.txt': 'x\n',
    });

  it('tf check prints the root it found above', async () => {
    const root = app();
    const result = await runTf(['check'], { cwd: join(root, 'src', 'deep') });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`root      ${root}\n`);
    expect(result.stdout).toMatch(/^env file {2}.*\.env \(1 variable\)$/m);
  });

  it('tf run runs in the root with its .env', async () => {
    const root = app();
    const result = await runTf(['run', 'echo "$GREETING from $(pwd)"'], { cwd: join(root, 'src') });
    expect(result).toMatchObject({ code: 0, stdout: `hello from ${root}\n` });
  });

  it('tf release list looks in the store of the root, not in one under the subfolder', async () => {
    const root = app();
    const listed = await runTf(['release', 'list'], { cwd: join(root, 'src', 'deep') });
    expect(listed.stderr).toBe(`tf: no releases in ${join(root, 'releases')} yet (make the first with tf release create)\n`);
  });
});
