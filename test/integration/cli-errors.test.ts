import { chmodSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTf, type TfResult } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';

// Bad input through the built binary. The contract for every one: a non-zero exit (1 for user
// errors, 2 for usage errors), exactly one stderr line "tf: ...", naming file:line where there is
// one and ending with the fix in parentheses, no stack trace, and nothing on stdout.

/** If tf wrongly started these, they would print READY and the empty-stdout check would fail. */
const PROCFILE = `web: ${fixture('exit', '0')}\nworker: ${fixture('exit', '0')}\n`;

function expectOneLineError(result: TfResult, message: RegExp, code = 1): void {
  const context = `exit ${result.code}, stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.stderr, context).not.toMatch(/^\s+at /m);
  expect(result.stderr, context).toMatch(/^tf: [^\n]+\n$/);
  expect(result.stderr, context).toMatch(/ \(.*\S.*\)\n$/);
  expect(result.stderr.trimEnd(), context).toMatch(message);
  expect(result.stdout, context).toBe('');
  expect(result.signal, context).toBeNull();
  expect(result.code, context).toBe(code);
}

async function tf(args: string[], files: Record<string, string>, env?: Record<string, string>): Promise<TfResult> {
  return runTf(args, { cwd: tmpApp(files), env });
}

describe('Procfile', () => {
  it('is missing from the current folder', async () => {
    expectOneLineError(await tf(['start'], {}), /^tf: no Procfile in \/\S+ or any folder above it \(create one .*or name it with -f\)$/);
  });

  it('is missing where -f points', async () => {
    expectOneLineError(await tf(['check', '-f', 'Procfile.dev'], { Procfile: PROCFILE }), /^tf: Procfile\.dev: Procfile not found \(/);
  });

  it('is missing from the -d root', async () => {
    expectOneLineError(await tf(['start', '-d', 'app'], { Procfile: PROCFILE, 'app/.env': 'A=1\n' }), /^tf: app\/Procfile: Procfile not found \(/);
  });

  it('is a directory', async () => {
    expectOneLineError(await tf(['check', '-f', 'conf'], { 'conf/x': '' }), /^tf: conf: Procfile is a directory, not a file \(/);
  });

  it.each([
    ['a line without a colon', 'web: node a.js\n\nthis is not a process\n', /^tf: Procfile:3: "this is not a process" is not a process line \(write it as "name: command"/],
    ['a line that starts with a colon', 'web: node a.js\n: node b.js\n', /^tf: Procfile:2: ": node b.js" is not a process line \(/],
    ['a type name with a space', 'web: node a.js\nmy worker: node b.js\n', /^tf: Procfile:2: "my worker" is not a valid process type name \(use only letters, digits, "_" and "-"\)$/],
    ['a type name with a dot', 'web.1: node a.js\n', /^tf: Procfile:1: "web\.1" is not a valid process type name \(/],
    ['a type without a command', 'web: node a.js\nworker:   \n', /^tf: Procfile:2: process type "worker" has no command \(write it as "worker: command"\)$/],
    ['a duplicate type', 'web: node a.js\nworker: node b.js\nweb: node c.js\n', /^tf: Procfile:3: duplicate process type "web" \(first defined on line 1\) \(rename or remove one of them\)$/],
    ['only comments and blank lines', '# web: node a.js\n\n   # nothing here\n', /^tf: Procfile: no process types defined \(add a line like "web: node server\.js"\)$/],
    ['nothing at all', '', /^tf: Procfile: no process types defined \(/],
  ])('has %s', async (_, procfile, message) => {
    expectOneLineError(await tf(['start'], { Procfile: procfile }), message);
  });

  it('names the line counted with CRLF line ends', async () => {
    expectOneLineError(await tf(['check'], { Procfile: 'web: node a.js\r\nworker: node b.js\r\nbad line\r\n' }), /^tf: Procfile:3: "bad line" is not a process line/);
  });
});

describe('formation', () => {
  it.each([
    ['an unknown type', ['start', 'nope'], /^tf: "nope": unknown process type "nope" \(known types: web, worker\)$/],
    ['an unknown type in a -m list', ['start', '-m', 'web=1,wrker=2'], /^tf: "wrker=2": unknown process type "wrker" \(known types: web, worker\)$/],
    ['a negative count', ['start', 'web=-1'], /^tf: "web=-1": "-1" is not a process count \(use a whole number, 0 or more/],
    ['a fractional count', ['start', 'web=1.5'], /^tf: "web=1\.5": "1\.5" is not a process count \(/],
    ['a count that is not a number', ['start', 'web=x'], /^tf: "web=x": "x" is not a process count \(/],
    ['an empty count', ['check', 'worker='], /^tf: "worker=": "" is not a process count \(/],
    ['the release phase', ['start', 'release'], /^tf: "release": "release" is the release phase, which tf start never runs \(run it with tf run release\)$/],
    ['the release phase with a count', ['check', 'release=1'], /^tf: "release=1": "release" is the release phase/],
    ['every type at 0', ['start', 'web=0'], /^tf: nothing to start: every process type is scaled to 0 \(name a type, e\.g\. tf start web=1\)$/],
    ['--restart of an unknown type', ['start', '-r', 'web,nope'], /^tf: --restart: unknown process type "nope" \(known types: web, worker\)$/],
    ['an unknown process for tf env', ['env', 'nope'], /^tf: nope: unknown process type "nope" \(known types: web, worker\)$/],
    ['an instance number of 0 for tf env', ['env', 'web.0'], /^tf: no process named "web\.0" \(use a name like web\.1 or run\.1\)$/],
  ])('rejects %s', async (_, args, message) => {
    expectOneLineError(await tf(args, { Procfile: `${PROCFILE}release: echo migrate\n` }), message);
  });
});

describe('flags', () => {
  it.each([
    [['start', '-t', 'abc'], /^tf: -t\/--timeout: "abc" is not a number of seconds \(use e\.g\. -t 10 or -t 500ms\)$/],
    [['start', '-t', '-5'], /^tf: -t\/--timeout: "-5" is not a number of seconds \(/],
    [['start', '-p', '0'], /^tf: -p\/--port: "0" is not a port \(use a number from 1 to 65535/],
    [['start', '-p', '70000'], /^tf: -p\/--port: "70000" is not a port \(/],
    [['start', '-p', 'abc'], /^tf: -p\/--port: "abc" is not a port \(/],
    [['check', '-p', '50.5'], /^tf: -p\/--port: "50\.5" is not a port \(/],
    [['run', '-p', 'abc', 'true'], /^tf: -p\/--port: "abc" is not a port \(/],
    // web.1 fits, but worker.1's block of 100 would not.
    [['start', '-p', '65500'], /^tf: worker\.1 would get port 65600, above 65535 \(choose a lower base port with -p\)$/],
  ])('tf %j is rejected', async (args, message) => {
    expectOneLineError(await tf(args, { Procfile: PROCFILE }), message);
  });

  it('rejects a PORT from .env as the base port, naming where it came from', async () => {
    expectOneLineError(await tf(['start'], { Procfile: PROCFILE, '.env': 'A=1\nPORT=abc\n' }), /^tf: PORT \(from \.env:2\): "abc" is not a port \(/);
  });

  it('rejects a PORT from the shell as the base port', async () => {
    expectOneLineError(await tf(['check'], { Procfile: PROCFILE }, { PORT: '99999' }), /^tf: PORT \(from shell\): "99999" is not a port \(/);
  });

  it('lets -p override a bad PORT in .env (the error above comes from PORT, not from everywhere)', async () => {
    const result = await tf(['check', '-p', '6000'], { Procfile: PROCFILE, '.env': 'PORT=abc\n' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}web\.1 +port 6000 /m);
    expect(result.stdout).toMatch(/^ {2}worker\.1 +port 6100 /m);
  });
});

describe('env files', () => {
  it('is missing where -e points', async () => {
    expectOneLineError(await tf(['start', '-e', '.env.local'], { Procfile: PROCFILE }), /^tf: \.env\.local: env file not found \(check the path given to -e\/--env-file\)$/);
  });

  it('is missing from a comma list', async () => {
    expectOneLineError(await tf(['check', '-e', '.env,.env.missing'], { Procfile: PROCFILE, '.env': 'A=1\n' }), /^tf: \.env\.missing: env file not found \(/);
  });

  it.skipIf(process.getuid?.() === 0)('is unreadable (root reads anything, so this runs only as a normal user)', async () => {
    const app = tmpApp({ Procfile: PROCFILE, 'secret.env': 'A=1\n' });
    chmodSync(join(app, 'secret.env'), 0o000);
    expectOneLineError(await runTf(['check', '-e', 'secret.env'], { cwd: app }), /^tf: secret\.env: env file is not readable \(permission denied\) \(check the file mode\)$/);
  });

  it.each([
    ['"', 'A=1\n# comment\nB="never closed\nC=2\nD=3\n', 3],
    ["'", "A='one'\nB='two\n", 2],
    ['"', 'A=1\nexport LONG="line one\nline two\n', 2],
  ])('has an unterminated %s quote: the error names the line that opens it', async (quote, text, line) => {
    const message = new RegExp(`^tf: \\.env:${line}: the value of \\w+ opens a ${quote} quote that is never closed \\(close it with ${quote}`);
    expectOneLineError(await tf(['start'], { Procfile: PROCFILE, '.env': text }), message);
  });

  it('counts lines inside a closed multi-line value before a later bad line', async () => {
    const text = 'A="one\ntwo\nthree"\nB=ok\nnot an=assignment\n';
    expectOneLineError(await tf(['check'], { Procfile: PROCFILE, '.env': text }), /^tf: \.env:5: not a KEY=VALUE line: the name before "=" may hold only /);
  });

  it('has a line that is not KEY=VALUE', async () => {
    expectOneLineError(await tf(['start', '-e', 'dev.env'], { Procfile: PROCFILE, 'dev.env': 'A=1\n\njust some=words\n' }), /^tf: dev\.env:3: not a KEY=VALUE line: the name before "=" may hold only letters, digits, "_", "\." and "-" \(write it as KEY=value, or comment it out with #\)$/);
  });

  it('has text after a closing quote', async () => {
    expectOneLineError(await tf(['check'], { Procfile: PROCFILE, '.env': 'A="x" y\n' }), /^tf: \.env:1: unexpected text after the closing quote of A \(/);
  });
});

describe('tf.yml', () => {
  it.each([
    ['a tab in the indentation', 'formation:\n\tweb: 2\n', /^tf: tf\.yml:2: invalid YAML: /],
    ['a quote that is never closed (named where it opens)', 'processes:\n  web:\n    drain: "10s\n  worker:\n    drain: 1s\n', /^tf: tf\.yml:3: invalid YAML: Missing closing "quote \(/],
    ['a bracket that is never closed (named on a line the file has)', 'formation:\n  web: 2\n  worker: [1\n', /^tf: tf\.yml:3: invalid YAML: /],
    ['a duplicate key', 'formation:\n  web: 1\n  web: 2\n', /^tf: tf\.yml:3: invalid YAML: Map keys must be unique \(/],
    ['an unknown top-level key', 'formation:\n  web: 1\nprocess:\n  web: {}\n', /^tf: tf\.yml:3: process: unknown setting \(known settings: build, formation, processes, port, env_files, timeout\)$/],
    ['an unknown process key', 'processes:\n  web:\n    drain: 1s\n    colour: red\n', /^tf: tf\.yml:4: processes\.web\.colour: unknown setting \(known settings: stop_signal, drain, restart, ready, ready_timeout, depends_on, watch, tty, interactive\)$/],
    ['a bad drain duration', 'processes:\n  web:\n    drain: forever\n', /^tf: tf\.yml:3: processes\.web\.drain: "forever" is not a duration \(write e\.g\. 10s, 500ms or 1m\)$/],
    ['a negative drain duration', 'processes:\n  worker:\n    drain: -5\n', /^tf: tf\.yml:3: processes\.worker\.drain: -5 is not a duration \(/],
    ['a bad stop_signal', 'processes:\n  web:\n    stop_signal: SIGFOO\n', /^tf: tf\.yml:3: processes\.web\.stop_signal: "SIGFOO" is not a signal \(use a name like SIGTERM/],
    ['a bad restart policy', 'processes:\n  web:\n    restart: sometimes\n', /^tf: tf\.yml:3: processes\.web\.restart: "sometimes" is not a restart policy \(use one of stop, restart, ignore\)$/],
    ['a restart mapping without a policy (named on its parent line)', 'processes:\n  web:\n    restart:\n      limit: 3\n', /^tf: tf\.yml:3: processes\.web\.restart\.policy: missing \(use one of stop, restart, ignore\)$/],
    ['a restart limit of 0', 'processes:\n  web:\n    restart:\n      policy: restart\n      limit: 0\n', /^tf: tf\.yml:5: processes\.web\.restart\.limit: 0 is not a crash count \(/],
    ['a bad ready check', 'processes:\n  web:\n    ready: line /(/\n', /^tf: tf\.yml:3: processes\.web\.ready: bad regular expression: .* \(use "port"/],
    ['an unknown type in formation', 'formation:\n  web: 1\n  wokrer: 2\n', /^tf: tf\.yml:3: formation\.wokrer: unknown process type "wokrer" \(known types: web, worker\)$/],
    ['an unknown type in processes', 'processes:\n  web:\n    drain: 1s\n  nope:\n    drain: 2s\n', /^tf: tf\.yml:4: processes\.nope: unknown process type "nope" \(known types: web, worker\)$/],
    ['a negative count in formation', 'formation:\n  web: -1\n', /^tf: tf\.yml:2: formation\.web: -1 is not a count \(use a whole number, 0 or more\)$/],
    ['release in formation', 'formation:\n  release: 1\n', /^tf: tf\.yml:2: formation\.release: "release" is the release phase/],
  ])('has %s', async (_, yml, message) => {
    expectOneLineError(await tf(['start'], { Procfile: PROCFILE, 'tf.yml': yml }), message);
  });

  it('is checked for unknown types even when the command line names the formation', async () => {
    const yml = 'processes:\n  web:\n    drain: 1s\n  nope:\n    drain: 2s\n';
    expectOneLineError(await tf(['start', 'web=1'], { Procfile: PROCFILE, 'tf.yml': yml }), /^tf: tf\.yml:4: processes\.nope: unknown process type "nope" \(/);
    expectOneLineError(await tf(['check', 'worker'], { Procfile: PROCFILE, 'tf.yml': yml }), /^tf: tf\.yml:4: processes\.nope: unknown process type "nope" \(/);
  });

  it('lives in the -d root', async () => {
    const result = await tf(['check', '-d', 'app', '-f', 'app/Procfile'], { 'app/Procfile': PROCFILE, 'app/tf.yml': 'formation:\n  web: many\n' });
    expectOneLineError(result, /^tf: app\/tf\.yml:2: formation\.web: "many" is not a count \(/);
  });
});

describe('tf run', () => {
  it('needs a command (usage error)', async () => {
    expectOneLineError(await tf(['run'], { Procfile: PROCFILE }), /^tf: missing required argument 'command' \(see tf help run\)$/, 2);
    expectOneLineError(await tf(['run', '--'], { Procfile: PROCFILE }), /^tf: missing required argument 'command' \(/, 2);
  });

  it('reports a command that does not exist, run as an argv, with 127', async () => {
    const result = await tf(['run', 'nonexistent-cmd-xyz', 'arg'], { Procfile: PROCFILE });
    expectOneLineError(result, /^tf: command not found: nonexistent-cmd-xyz \(check the spelling and PATH\)$/, 127);
  });

  it('leaves a command line that does not exist to the shell, which says so once and exits 127', async () => {
    const result = await tf(['run', 'nonexistent-cmd-xyz'], { Procfile: PROCFILE });
    expect(result.code, result.stderr).toBe(127);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^[^\n]*nonexistent-cmd-xyz[^\n]*not found\n$/);
  });

  it('does run a command that exists, in the one-off environment (the 127s above are not everything failing)', async () => {
    const result = await tf(['run', process.execPath, '-e', 'console.log(process.env.PS, process.env.PORT); process.exit(3)'], { Procfile: PROCFILE });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('run.1 undefined\n');
    expect(result.code).toBe(3);
  });
});

describe('usage errors from the command line parser', () => {
  it.each([
    [['start', '--bogus'], /^tf: unknown option '--bogus' \(see tf help start\)$/],
    // Not 'bogus': commander would rightly suggest 'logs' for it.
    [['xyzzy'], /^tf: unknown command 'xyzzy' \(see tf --help\)$/],
    [['-x'], /^tf: unknown option '-x' \(see tf --help\)$/],
    // commander puts its suggestion on a second line; tf keeps it on the one line.
    [['start', '--jsno'], /^tf: unknown option '--jsno' \(did you mean --json\?\)$/],
    [['strat'], /^tf: unknown command 'strat' \(did you mean start\?\)$/],
    [['start', '-p'], /^tf: option '-p, --port <port>' argument missing \(see tf help start\)$/],
    [['env', 'web', 'worker'], /^tf: too many arguments for 'env'\. .* \(see tf help env\)$/],
  ])('tf %j exits 2', async (args, message) => {
    expectOneLineError(await tf(args, { Procfile: PROCFILE }), message, 2);
  });
});

describe('the good path, which keeps the error contract honest', () => {
  it('tf check prints the formation with ports and mentions the release phase', async () => {
    const result = await tf(['check'], { Procfile: `web: node web.js\nrelease: node migrate.js\nworker: node worker.js\nclock: node clock.js\n` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Procfile {2}Procfile \(4 entries\)$/m);
    expect(result.stdout).toMatch(/^ {2}web\.1 +port 5000 +SIGTERM then 5s +on exit: stop +node web\.js$/m);
    expect(result.stdout).toMatch(/^ {2}worker\.1 +port 5100 .* node worker\.js$/m);
    expect(result.stdout).toMatch(/^ {2}clock\.1 +port 5200 .* node clock\.js$/m);
    expect(result.stdout).not.toMatch(/release\.1/);
    expect(result.stdout).toMatch(/^release phase: "node migrate\.js" is never started by tf start; run it with tf run release$/m);
  });

  it('tf check with a formation, a base port and tf.yml settings', async () => {
    const yml = 'processes:\n  worker:\n    stop_signal: INT\n    drain: 500ms\n    restart: restart\n';
    const result = await tf(['check', 'web=2', 'worker', '-p', '3000'], { Procfile: PROCFILE, 'tf.yml': yml });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}web\.1 +port 3000 /m);
    expect(result.stdout).toMatch(/^ {2}web\.2 +port 3001 /m);
    expect(result.stdout).toMatch(/^ {2}worker\.1 +port 3100 +SIGINT then 500ms +on exit: restart /m);
    expect(result.stdout).not.toMatch(/release phase/);
  });

  it('tf env --json shows where each variable came from', async () => {
    const result = await tf(['env', '--json'], { Procfile: PROCFILE, '.env': '# settings\nGREETING=hello\nPORT=7000\n' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const env = JSON.parse(result.stdout) as Record<string, { value: string; source: string }>;
    expect(env.GREETING).toEqual({ value: 'hello', source: '.env:2' });
    // run.1 (what tf run gets) has no PORT from tf: the env file's passes through.
    expect(env.PORT).toEqual({ value: '7000', source: '.env:3' });
    expect(env.PS).toEqual({ value: 'run.1', source: 'tf' });
  });

  it('tf env --json for a process gives it its own port and name', async () => {
    const result = await tf(['env', 'worker.2', '--json'], { Procfile: PROCFILE });
    expect(result.code, result.stderr).toBe(0);
    const env = JSON.parse(result.stdout) as Record<string, { value: string; source: string }>;
    expect(env.PORT).toEqual({ value: '5101', source: 'tf' });
    expect(env.PS).toEqual({ value: 'worker.2', source: 'tf' });
  });

  it('tf --version prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const result = await tf(['--version'], {});
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('declares only the command being run, yet help and -v see what they always saw', async () => {
    const all = await tf(['--help'], {});
    const listed = [...all.stdout.matchAll(/^  (\w+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(['start', 'run', 'check', 'env', 'export', 'release', 'build', 'config', 'ps', 'scale', 'restart', 'stop', 'quit', 'kill', 'attach', 'logs', 'ui', 'completion', 'man', 'help']);
    expect((await tf(['-v'], {})).stdout).toBe((await tf(['--version'], {})).stdout);
    const release = await tf(['release', '--help'], {});
    expect([...release.stdout.split('Examples:')[0]!.matchAll(/^  (\w+) /gm)].map((m) => m[1])).toEqual(['create', 'list', 'show', 'diff', 'rollback', 'verify', 'prune', 'destroy']);
    expect((await tf(['run', '--help'], {})).stdout).toMatch(/^Usage: tf run \[options\] <command\.\.\.>/);
  });

  it('tf help start shows the flags', async () => {
    const result = await tf(['help', 'start'], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: tf start \[options\] \[formation\.\.\.\]/);
    for (const flag of ['-f, --procfile <file>', '-d, --root <dir>', '-e, --env-file <file>', '-p, --port <port>', '-m, --formation <items>', '-t, --timeout <seconds>', '-r, --restart <types>', '--no-timestamps', '--json']) {
      expect(result.stdout).toContain(flag);
    }
  });
});
