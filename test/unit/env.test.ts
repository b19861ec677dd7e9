import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { tfError } from './tf-error.js';
import { parseEnvFile } from '../../src/config/env-file.js';
import { MAX_VARIABLE_BYTES, layerEnvFiles, plainEnvironment, shellEnvironment, withVariables, type EnvFile, type Environment } from '../../src/config/env.js';

const shell = shellEnvironment({ HOME: '/home/ada', PATH: '/usr/bin:/bin', EMPTY: '', UNDEF: undefined });

function file(path: string, text: string): EnvFile {
  return { path, entries: parseEnvFile(text, path) };
}

/** Layers one .env (in the working directory, so shown as ".env") over the shell above. */
function layered(text: string, base: Environment = shell): Environment {
  return layerEnvFiles(base, [file(resolve('.env'), text)]);
}

const valueOf = (env: Environment, key: string): string | undefined => env.get(key)?.value;

describe('shellEnvironment', () => {
  it('records every defined variable with source "shell"', () => {
    expect([...shell]).toEqual([
      ['HOME', { value: '/home/ada', source: 'shell' }],
      ['PATH', { value: '/usr/bin:/bin', source: 'shell' }],
      ['EMPTY', { value: '', source: 'shell' }],
    ]);
  });
});

describe('layerEnvFiles: precedence and sources', () => {
  it('lets env files override the shell, and later files override earlier ones', () => {
    const dir = resolve('app');
    const env = layerEnvFiles(shell, [file(join(dir, '.env'), 'HOME=/first\nA=1\nB=1'), file(join(dir, '.env.local'), '\nB=2\nC=2')]);
    expect(Object.fromEntries(env)).toEqual({
      HOME: { value: '/first', source: 'app/.env:1' },
      PATH: { value: '/usr/bin:/bin', source: 'shell' },
      EMPTY: { value: '', source: 'shell' },
      A: { value: '1', source: 'app/.env:2' },
      B: { value: '2', source: 'app/.env.local:2' },
      C: { value: '2', source: 'app/.env.local:3' },
    });
  });

  it('records the line where a multi-line value starts', () => {
    const env = layered('A="x\ny"\n# c\nB=2');
    expect([env.get('A')?.source, env.get('B')?.source]).toEqual(['.env:1', '.env:4']);
  });

  it('names a file outside the working directory by its full path', () => {
    const path = join(tmpdir(), 'tf-env-test', '.env');
    expect(resolve(path).startsWith(process.cwd())).toBe(false);
    expect(layerEnvFiles(shell, [file(path, '\n\nA=1')]).get('A')?.source).toBe(`${path}:3`);
  });

  it('leaves the base untouched', () => {
    layered('HOME=/other');
    expect(valueOf(shell, 'HOME')).toBe('/home/ada');
  });
});

describe('layerEnvFiles: expansion', () => {
  it.each([
    ['braced', 'X=${HOME}/app', '/home/ada/app'],
    ['bare', 'X=$HOME/app', '/home/ada/app'],
    ['inside double quotes', 'X="at $HOME"', 'at /home/ada'],
    ['unset variable is empty', 'X=[${NOPE}][$NOPE]', '[][]'],
    ['default for an unset variable', 'X=${NOPE:-fallback}', 'fallback'],
    ['default for an empty variable', 'X=${EMPTY:-fallback}', 'fallback'],
    ['default not used when set', 'X=${HOME:-fallback}', '/home/ada'],
    ['self reference', 'PATH=/x:$PATH', '/x:/usr/bin:/bin'],
    ['single quotes are not expanded', "X='$HOME ${HOME}'", '$HOME ${HOME}'],
    ['escaped dollar', 'X=\\$HOME', '$HOME'],
    ['escaped braced dollar', 'X=cost: \\${HOME}', 'cost: ${HOME}'],
    ['command substitution is not run', 'X=$(whoami)', '$(whoami)'],
    ['backticks are not run', 'X="`whoami`"', '`whoami`'],
    ['lone dollar', 'X=5$', '5$'],
    ['escaped dollar inside double quotes (dotenv-expand)', 'X="foo\\${HOME} ${HOME}"', 'foo${HOME} /home/ada'],
    ['default for an unset variable without ":"', 'X=${NOPE-fallback}', 'fallback'],
    ['no default for an empty variable without ":" (sh)', 'X=[${EMPTY-fallback}]', '[]'],
    ['alternative when set and not empty', 'X=${HOME:+yes}${EMPTY:+no}${NOPE:+no}', 'yes'],
    ['alternative when set, even empty', 'X=${EMPTY+yes}${NOPE+no}', 'yes'],
    ['a default that expands', 'X=${NOPE:-$HOME/x}', '/home/ada/x'],
    ['nested defaults', 'X=${NOPE:-${NADA:-${HOME}}}', '/home/ada'],
    ['a default that is not used is not expanded', 'X=${HOME:-${NOPE}oops}', '/home/ada'],
    ['an unclosed brace is text', 'X=${HOME', '${HOME'],
    ['an unclosed outer brace around a closed one', 'X=${A:-${HOME}', '${A:-/home/ada'],
    ['a brace with no name is text', 'X=${}', '${}'],
    ['a dotted name in braces', 'a.b=1\nX=${a.b}', '1'],
  ])('%s', (_case, line, expected) => {
    const key = line.slice(0, line.indexOf('='));
    expect(valueOf(layered(line), key)).toBe(expected);
  });

  it('expands against earlier lines and earlier files, not later ones', () => {
    const first = file(resolve('.env'), 'ROOT=/srv\nLOG=$ROOT/log\nEARLY=$LATE');
    const second = file(resolve('.env.local'), 'DATA=${LOG}/data\nLATE=now');
    const env = layerEnvFiles(shell, [first, second]);
    expect([valueOf(env, 'LOG'), valueOf(env, 'DATA'), valueOf(env, 'EARLY')]).toEqual(['/srv/log', '/srv/log/data', '']);
  });

  it('expands a self reference against the value before this line', () => {
    const env = layered('PATH=/a:$PATH\nPATH=/b:$PATH');
    expect(valueOf(env, 'PATH')).toBe('/b:/a:/usr/bin:/bin');
  });

  it.each([
    ['a single-quoted value', "PASS='pa$word'"],
    ['an escaped value', 'PASS=pa\\$word'],
  ])('does not expand %s again when another value uses it', (_case, line) => {
    const env = layered(`word=oops\n${line}\nURL=db://u:$PASS@host`);
    expect([valueOf(env, 'PASS'), valueOf(env, 'URL')]).toEqual(['pa$word', 'db://u:pa$word@host']);
  });

  it('reads a substituted value once: a $ in it stays text', () => {
    const env = layered("A='$HOME'\nB=x$A\nC=\"${B}\"");
    expect([valueOf(env, 'B'), valueOf(env, 'C')]).toEqual(['x$HOME', 'x$HOME']);
  });

  it('expands 20,000 lines that each use earlier ones', () => {
    const lines = ['A=alpha'];
    for (let i = 1; i <= 20_000; i++) lines.push(`V${i}=$A-\${V${i - 1}:+seen}-${i}`);
    const env = layered(lines.join('\n'));
    expect([valueOf(env, 'V1'), valueOf(env, 'V2'), valueOf(env, 'V20000')]).toEqual(['alpha--1', 'alpha-seen-2', 'alpha-seen-20000']);
  });

  it('does not expand a shell value that contains a dollar', () => {
    const base = shellEnvironment({ SECRET: 'a$HOME', HOME: '/home/ada' });
    expect(valueOf(layered('COPY=$SECRET', base), 'COPY')).toBe('a$HOME');
  });
});

describe('layerEnvFiles: bounded values', () => {
  const laughs = ['L0=ha', ...Array.from({ length: 9 }, (_, i) => `L${i + 1}=${`$L${i}`.repeat(10)}`)].join('\n');

  it('stops a billion laughs at the line whose value passes 128 KiB', () => {
    const error = tfError(() => layered(laughs));
    expect(error.message).toBe('.env:6: the value of L5 is larger than 128 KiB once expanded');
    expect(error.hint).toMatch(/kernel refuses/);
  });

  it('takes a value of exactly the largest size a process can get, and refuses one byte more', () => {
    const fits = 'x'.repeat(MAX_VARIABLE_BYTES - 'BIG'.length - 2);
    expect(valueOf(layered(`BIG=${fits}`), 'BIG')).toHaveLength(fits.length);
    expect(tfError(() => layered(`BIG=${fits}x`)).message).toBe('.env:1: the value of BIG is larger than 128 KiB');
    expect(tfError(() => layered(`A=${fits.slice(0, 100_000)}\nBIG=$A$A`)).message).toBe('.env:2: the value of BIG is larger than 128 KiB once expanded');
  });

  it('counts bytes, not characters', () => {
    // 'é' is 2 bytes: this is 65,534 characters, and 2 bytes more than BIG may hold.
    const chars = (MAX_VARIABLE_BYTES - 'BIG'.length - 2 + 1) / 2;
    expect(valueOf(layered(`BIG='${'é'.repeat(chars - 1)}'`), 'BIG')).toHaveLength(chars - 1);
    expect(tfError(() => layered(`BIG='${'é'.repeat(chars)}'`)).message).toBe('.env:1: the value of BIG is larger than 128 KiB');
  });

  it('bounds the work of values each built anew under one name', () => {
    const text = ['A=' + 'x'.repeat(100_000), ...Array.from({ length: 60 }, () => 'K=$A')].join('\n');
    expect(tfError(() => layered(text)).message).toMatch(/^\.env:\d+: the env files define more than 4 Mi characters of variables by this line$/);
  });

  it('refuses a whole environment larger than exec takes (ARG_MAX), counting the shell and overwrites once', () => {
    const big = 'x'.repeat(120_000);
    const lines = Array.from({ length: 20 }, (_, i) => `K${i}=${big}`);
    expect(tfError(() => layered(lines.join('\n'))).message).toBe('.env:17: with this line the environment passes 1920 KiB, more than a process can be given');
    const sameKey = Array.from({ length: 20 }, () => `K=${big}`);
    expect(valueOf(layered(sameKey.join('\n')), 'K')).toHaveLength(120_000);
    const fatShell = shellEnvironment({ FAT: 'y'.repeat(1_900_000) });
    expect(tfError(() => layered(`A=${'z'.repeat(70_000)}`, fatShell)).message).toBe('.env:1: with this line the environment passes 1920 KiB, more than a process can be given');
  });

  it('refuses ${...} nested deeper than it reads', () => {
    const deep = `X=${'${NOPE:-'.repeat(40)}x${'}'.repeat(40)}`;
    expect(tfError(() => layered(deep)).message).toBe('.env:1: the value of X nests ${...} more than 32 deep');
    const fine = `X=${'${NOPE:-'.repeat(30)}x${'}'.repeat(30)}`;
    expect(valueOf(layered(fine), 'X')).toBe('x');
  });
});

describe('withVariables and plainEnvironment', () => {
  it('overrides with the given source, and flattens to plain strings', () => {
    const env = withVariables(layered('PORT=1'), { PORT: '5000', PS: 'web.1' }, 'tf');
    expect([env.get('PORT'), env.get('PS')]).toEqual([
      { value: '5000', source: 'tf' },
      { value: 'web.1', source: 'tf' },
    ]);
    expect(plainEnvironment(env)).toEqual({ HOME: '/home/ada', PATH: '/usr/bin:/bin', EMPTY: '', PORT: '5000', PS: 'web.1' });
  });
});
