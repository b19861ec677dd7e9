import { execFileSync } from 'node:child_process';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compose, splitEnv } from '../../src/export/compose.js';
import { kubernetes } from '../../src/export/kubernetes.js';
import { runit } from '../../src/export/runit.js';
import { s6 } from '../../src/export/s6.js';
import { iniShellWord, supervisord } from '../../src/export/supervisord.js';
import { shellEnvFile } from '../../src/export/quote.js';
import { exportType, fileOf, sampleInput } from './input.js';

const NASTY = `a * b, c ; d # e %i $HOME \${X} "q" 'q' back\\slash\nline two`;

describe('sh env files (supervisord, runit, s6)', () => {
  it('read back exactly by sh, whatever the value', () => {
    const file = shellEnvFile([['NASTY', NASTY], ['EMPTY', '']], 'test');
    const out = execFileSync('/bin/sh', ['-c', `${file}\nprintf '%s|%s' "$NASTY" "$EMPTY"`], { encoding: 'utf8', env: { HOME: '/nowhere' } });
    expect(out).toBe(`${NASTY}|`);
  });

  it.each([
    ['supervisord', supervisord, 'shop.env', 'shop.env'],
    ['runit', runit, 'shop-web-1/env', './env'],
    ['s6', s6, 'shop-web-1/env', './env'],
  ] as const)('%s leaves out, with a note, the names sh cannot set; sh reads the rest', (name, generate, path, reader) => {
    const result = generate(sampleInput({ env: [['GOOD_1', 'a'], ['my-key', 'b'], ['a.b', 'c'], ['_ok', 'd']] }));
    expect(result.notes[0]).toBe(`${name}: my-key, a.b are not exported: ${reader} is read by sh, which cannot set a variable whose name holds anything but letters, digits and "_" (rename them in the env file)`);
    const file = fileOf(result, path).content;
    const out = execFileSync('/bin/sh', ['-c', `${file}\nprintf '%s|%s' "$GOOD_1" "$_ok"`], { encoding: 'utf8', env: { HOME: '/nowhere' } });
    expect(out).toBe('a|d');
  });
});

describe('supervisord generator', () => {
  it('writes a program per type with numprocs, process names, group signals and the drain', () => {
    const result = supervisord(sampleInput({ user: 'shop', types: [exportType({ drainMs: 1500, stopSignal: 'SIGINT', restart: { kind: 'restart', limit: 4, windowMs: 1000 } })] }));
    const conf = fileOf(result, 'shop.conf').content.split('\n');
    for (const line of ['[group:shop]', 'programs=shop-web', '[program:shop-web]', 'numprocs=2', 'numprocs_start=1', 'process_name=%(program_name)s.%(process_num)s', 'stopsignal=INT', 'stopwaitsecs=2', 'stopasgroup=true', 'killasgroup=true', 'autorestart=true', 'startretries=4', 'user=shop', 'directory=/srv/shop']) {
      expect(conf).toContain(line);
    }
    expect(fileOf(result, 'shop.env').mode).toBe(0o600);
  });

  it.each([
    ['a plain command', 'exec node x.js', "'exec node x.js'"],
    ['% (supervisord expands %(name)s)', 'exec echo 100%', "'exec echo 100%%'"],
    ['" ;" and " #", which its ini parser takes for comments', 'a ; b # c', "'a '\\;' b '\\#' c'"],
    ["a '", "echo it's", "'echo it'\\''s'"],
  ])('quotes %s in command=', (_, script, word) => {
    expect(iniShellWord(script, false)).toBe(word);
  });

  it('computes each instance PORT from process_num in the shell, after reading the env file', () => {
    const conf = fileOf(supervisord(sampleInput()), 'shop.conf').content;
    expect(conf).toContain("command=/bin/sh -c '. /etc/tf/shop.env || exit 1'\\;' export PORT=$((4999 + %(process_num)d)) PS=web.%(process_num)d DYNO=web.%(process_num)d'\\;' ''exec node server.js'");
  });

  it('rejects a root that its ini parser would cut', () => {
    expect(() => supervisord(sampleInput({ root: '/srv/a ;b' }))).toThrow(/supervisord: the app root "\/srv\/a ;b" cannot be written/);
  });
});

describe.each([['runit', runit], ['s6', s6]] as const)('%s generator', (name, generate) => {
  it('writes a service directory per instance with its own PORT', () => {
    const result = generate(sampleInput({ user: 'shop' }));
    const dirs = [...new Set(result.files.map((f) => f.path.split('/')[0]))];
    expect(dirs).toEqual(['shop-web-1', 'shop-web-2', 'shop-worker-1']);
    const run = fileOf(result, 'shop-web-2/run');
    expect(run.mode).toBe(0o755);
    expect(run.content).toContain(name === 'runit' ? "exec chpst -P -u shop /bin/sh -c 'exec node server.js'" : "exec s6-setuidgid shop /bin/sh -c 'exec node server.js'");
    const env = fileOf(result, 'shop-web-2/env');
    expect(env.mode).toBe(0o600);
    expect(env.content).toContain("export PORT=5001\nexport PS=web.2\nexport DYNO=web.2\n");
  });

  it.each([['restart', false], ['ignore', true], ['stop', true]] as const)('with restart: %s writes a finish script that keeps it down: %s', (kind, finish) => {
    const restart = kind === 'restart' ? { kind, limit: 1, windowMs: 1 } : { kind };
    const result = generate(sampleInput({ types: [exportType({ restart })] }));
    expect(result.files.some((f) => f.path === 'shop-web-1/finish')).toBe(finish);
  });
});

describe('s6 and runit stop settings', () => {
  it('s6: down-signal is the stop signal, timeout-kill the drain in ms', () => {
    const result = s6(sampleInput({ types: [exportType({ stopSignal: 'SIGQUIT', drainMs: 2500 })] }));
    expect(fileOf(result, 'shop-web-1/down-signal').content).toBe('SIGQUIT\n');
    expect(fileOf(result, 'shop-web-1/timeout-kill').content).toBe('2500\n');
  });

  it('runit: control/d signals the process group and kills it after the drain', () => {
    const d = fileOf(runit(sampleInput({ types: [exportType({ stopSignal: 'SIGINT', drainMs: 2500 })] })), 'shop-web-1/control/d').content;
    expect(d).toContain('kill -s INT -- -"$pid"');
    expect(d).toContain('[ "$i" -lt 25 ]');
  });
});

describe('kubernetes generator', () => {
  const input = sampleInput({ image: 'shop:1', env: [['GREETING', 'hi'], ['API_TOKEN', 't0k'], ['DATABASE_URL', 'postgres://u:pw@db/shop']], release: 'node migrate.js' });
  const docs = () => parseAllDocuments(fileOf(kubernetes(input), 'shop.yaml').content).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: object; stringData?: object });

  it('puts secret-looking variables in a Secret and the rest in a ConfigMap', () => {
    expect(docs().find((d) => d.kind === 'ConfigMap')!.data).toEqual({ GREETING: 'hi' });
    expect(docs().find((d) => d.kind === 'Secret')!.stringData).toEqual({ API_TOKEN: 't0k', DATABASE_URL: 'postgres://u:pw@db/shop' });
    expect(fileOf(kubernetes(input), 'shop.yaml').mode).toBe(0o600);
  });

  it('writes Deployments, a Service for web and a release Job', () => {
    expect(docs().map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ConfigMap/shop-config', 'Secret/shop-secret', 'Deployment/shop-web', 'Service/shop-web', 'Deployment/shop-worker', 'Job/shop-release']);
  });

  it('sends another stop signal from a preStop hook', () => {
    const text = fileOf(kubernetes({ ...input, types: [exportType({ stopSignal: 'SIGINT' })] }), 'shop.yaml').content;
    expect(text).toContain('kill -s INT 1; while kill -s 0 1');
  });

  it.each([
    ['no image', { image: undefined }, /^kubernetes: no image to run$/],
    ['a user name', { user: 'shop' }, /--user "shop" is not a numeric user id/],
    ['an uppercase app name', { app: 'Shop' }, /^kubernetes: app name "Shop" is not a valid name: lowercase letters, digits and "-"/],
    ['a type with "_"', { types: [exportType({ name: 'bg_worker' })] }, /^kubernetes: object name for process type bg_worker "shop-bg_worker" is not a valid name/],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => kubernetes({ ...input, ...overrides })).toThrow(message);
  });
});

describe('compose generator', () => {
  it('keeps in the env file only values every Compose reads alike', () => {
    expect(splitEnv([['A', 'plain, * # x'], ['B', "it's"], ['C', 'a$b'], ['D', 'back\\slash'], ['E', 'two\nlines']])).toEqual([[['A', 'plain, * # x']], [['B', "it's"], ['C', 'a$b'], ['D', 'back\\slash'], ['E', 'two\nlines']]]);
  });

  it('writes a service per type with replicas, stop settings, ports for web, and $ escaped', () => {
    const result = compose(sampleInput({ env: [['A', 'plain'], ['B', 'a$b']], types: [exportType({ command: 'node x.js $PORT', drainMs: 1500, stopSignal: 'SIGINT', restart: { kind: 'restart', limit: 1, windowMs: 1 } })] }));
    const web = (parse(fileOf(result, 'shop.compose.yml').content) as { services: Record<string, Record<string, unknown>> }).services.web!;
    expect(web).toEqual({
      build: '../../srv/shop',
      command: ['/bin/sh', '-c', 'exec node x.js $$PORT'],
      env_file: ['shop.env'],
      environment: { B: 'a$$b', PORT: '5000', PS: 'web', DYNO: 'web' },
      ports: ['5000-5001:5000'],
      restart: 'unless-stopped',
      stop_signal: 'SIGINT',
      stop_grace_period: '1500ms',
      deploy: { replicas: 2 },
    });
    expect(fileOf(result, 'shop.env').content).toContain("A='plain'\n");
    expect(fileOf(result, 'shop.compose.yml').content).toContain('restart: unless-stopped');
  });

  it('quotes restart "no" so YAML 1.1 readers do not see false', () => {
    expect(fileOf(compose(sampleInput()), 'shop.compose.yml').content).toContain('restart: "no"');
  });
});
