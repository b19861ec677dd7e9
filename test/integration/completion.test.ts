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

/** Skips a real-shell check only outside CI (which installs zsh and fish), and says so; in CI a missing shell fails. */
function skipWithout(shell: string): boolean {
  if (process.env.CI || spawnSync(shell, ['-c', 'true']).status === 0) return false;
  console.warn(`skipping the ${shell} completion check: ${shell} is not installed (apt-get install ${shell})`);
  return true;
}

/** Runs SHELL with ARGS in CWD, where SCRIPT was saved as FILE, with this build's tf on PATH; its lines. */
function shellComplete(shell: string, args: string[], script: string, cwd: string, file: string): string[] {
  writeFileSync(join(cwd, file), script);
  const result = spawnSync(shell, args, { cwd, encoding: 'utf8', env: cleanEnv({ PATH: `${binDir()}:${process.env.PATH}` }), timeout: 30_000 });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('tf completion', () => {
  it('lists every command and subcommand in bash, zsh and fish', async () => {
    const paths = await commandPaths();
    expect(paths).toEqual(expect.arrayContaining(['start', 'release create', 'config unset', 'completion', 'man']));
    const scripts = { bash: await output(['completion', 'bash']), zsh: await output(['completion', 'zsh']), fish: await output(['completion', 'fish']) };
    for (const [shell, script] of Object.entries(scripts)) {
      for (const path of paths) expect(script, `${shell}: ${path}`).toContain(shell === 'zsh' ? `'tf ${path}'` : `'${path}'`);
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

  it.skipIf(skipWithout('zsh'))('completes commands, subcommands, flags and process types in a real zsh', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const script = await output(['completion', 'zsh']);
    // zsh's own completion system needs a terminal; this calls the script's _tf as it would, with
    // compadd (which filters by what was typed) and _files standing in for the system's.
    const complete = (words: string[]): string[] => shellComplete('zsh', ['-f', '-c', `source ./.completion.zsh; compadd() { [[ $1 == -- ]] && shift; local c; for c; do [[ $c == \${PREFIX}* ]] && print -r -- $c; done; }; _files() { print -r -- '<files>'; }; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; PREFIX='${words.at(-1)}'; _tf`], script, root, '.completion.zsh');
    expect(complete(['tf', 'sta'])).toEqual(['start']);
    expect(complete(['tf', 'release', 'cr'])).toEqual(['create']);
    expect(complete(['tf', 'start', '--js'])).toEqual(['--json']);
    expect(complete(['tf', 'start', '-f', ''])).toEqual(['<files>']);
    expect(complete(['tf', 'restart', ''])).toEqual(['web', 'worker']);
  });

  it.skipIf(skipWithout('fish'))('completes commands, subcommands, flags and process types in a real fish', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const script = await output(['completion', 'fish']);
    const complete = (line: string): string[] => shellComplete('fish', ['--no-config', '-c', `source ./.completion.fish; complete -C '${line}'`], script, root, '.completion.fish').map((l) => l.split('\t')[0]!);
    expect(complete('tf sta')).toEqual(['start']);
    expect(complete('tf release cr')).toEqual(['create']);
    expect(complete('tf start --js')).toEqual(['--json']);
    expect(complete('tf restart ')).toEqual(['web', 'worker']);
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
