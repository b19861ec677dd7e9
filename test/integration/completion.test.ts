import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandPaths } from '../helpers/commands.js';
import { cleanEnv, runTf, TF_BIN } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';

// tf completion and tf man are rendered from the same declarations as --help: every command
// --help lists must be in each, and bash's completion must actually complete through a real bash.

const PROCFILE = `web: ${fixture('exit', '0')}\nworker: ${fixture('exit', '0')}\nrelease: true\n`;

async function output(args: string[]): Promise<string> {
  const result = await runTf(args, { cwd: tmpApp({}) });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** A folder with a `tf` on it that runs this build, as the installed one would. */
function binDir(): string {
  const dir = tmpApp({ tf: `#!/bin/sh\nexec "${process.execPath}" "${TF_BIN}" "$@"\n` });
  chmodSync(join(dir, 'tf'), 0o755);
  return dir;
}

/** What bash completes for the words typed so far (the last one is being completed). */
function bashComplete(script: string, cwd: string, words: string[]): string[] {
  writeFileSync(join(cwd, '.completion.bash'), script);
  const line = `source .completion.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tf; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['--norc', '-c', line], { cwd, encoding: 'utf8', env: cleanEnv({ PATH: `${binDir()}:${process.env.PATH}` }), timeout: 30_000 });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('tf completion', () => {
  it('lists every command and subcommand in bash, zsh and fish', async () => {
    const paths = await commandPaths();
    expect(paths).toEqual(expect.arrayContaining(['start', 'release create', 'config unset', 'completion', 'man']));
    const scripts = { bash: await output(['completion', 'bash']), zsh: await output(['completion', 'zsh']), fish: await output(['completion', 'fish']) };
    for (const [shell, script] of Object.entries(scripts)) {
      for (const path of paths) expect(script, `${shell}: ${path}`).toContain(`'${path}'`);
      expect(script).not.toContain('__complete\'');
    }
    expect(spawnSync('bash', ['-n'], { input: scripts.bash }).status).toBe(0);
  });

  it('completes commands, subcommands, flags, process types and release IDs in a real bash', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    expect((await runTf(['release', 'create'], { cwd: root })).code).toBe(0);
    const script = await output(['completion', 'bash']);
    expect(bashComplete(script, root, ['tf', 'sta'])).toEqual(['start']);
    expect(bashComplete(script, root, ['tf', 'release', 'cr'])).toEqual(['create']);
    expect(bashComplete(script, root, ['tf', 'start', '--js'])).toEqual(['--json']);
    expect(bashComplete(script, root, ['tf', 'release', 'create', '--e'])).toEqual(['--env-file', '--env']);
    expect(bashComplete(script, root, ['tf', 'start', '-f', 'Procfile', 'w'])).toEqual(['web', 'worker']);
    expect(bashComplete(script, root, ['tf', 'restart', ''])).toEqual(['web', 'worker']);
    expect(bashComplete(script, root, ['tf', 'release', 'show', ''])).toEqual(['current', 'v1']);
  });

  it('rejects a shell it does not know, as a usage error', async () => {
    const result = await runTf(['completion', 'tcsh'], { cwd: tmpApp({}) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tf: .*'tcsh' is invalid .* \(see tf help completion\)\n$/);
  });
});

describe('tf man', () => {
  it('is roff that groff renders without a warning, with every command, flag and example', async () => {
    const page = await output(['man']);
    expect(page).toMatch(/^\.TH TF 1 /);
    for (const path of await commandPaths()) expect(page, path).toMatch(new RegExp(`^\\.B tf ${path.replace(/-/g, '\\\\-')}( |$)`, 'm'));
    expect(page).toContain('\\-\\-env\\-file');
    expect(page).toContain('tf release create \\-\\-message');
    const groff = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: page, encoding: 'utf8' });
    expect(groff.status).toBe(0);
    expect(groff.stderr).toBe('');
  });
});
