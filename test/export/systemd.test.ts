import { describe, expect, it } from 'vitest';
import { environmentFile, execArgument, systemd, timespan, unitText } from '../../src/export/systemd.js';
import { exportType, fileOf, sampleInput } from './input.js';

describe('systemd generator', () => {
  it.each([
    ['a plain command', 'node server.js', '"node server.js"'],
    ['% specifiers (foreman #668)', 'echo 100%i', '"echo 100%%i"'],
    ['$ variables, left to the shell', 'node x.js --port $PORT ${HOST}', '"node x.js --port $$PORT $${HOST}"'],
    ['quotes and backslashes', `echo "a" 'b' c\\d`, `"echo \\"a\\" 'b' c\\\\d"`],
  ])('quotes %s for ExecStart', (_, command, quoted) => {
    expect(execArgument(command)).toBe(quoted);
  });

  it.each([
    ['plain', 'hello', 'K="hello"'],
    ['* and commas (foreman #231 #519)', 'a*b,c', 'K="a*b,c"'],
    ['quotes, $ and backticks', `"x" 'y' $HOME \`z\``, `K="\\"x\\" 'y' \\$HOME \\\`z\\\`"`],
    ['a backslash', 'c:\\dir', 'K="c:\\\\dir"'],
    ['% (not a specifier in an EnvironmentFile)', '100%', 'K="100%"'],
    ['a line break', 'a\nb', 'K="a\nb"'],
    ['nothing', '', 'K=""'],
  ])('writes an EnvironmentFile value with %s', (_, value, line) => {
    expect(environmentFile([['K', value]]).split('\n').slice(1).join('\n')).toBe(`${line}\n`);
  });

  it.each([[5000, '5s'], [1500, '1500ms'], [120_000, '2min'], [0, '0s']])('writes %d ms as the time span %s', (ms, span) => {
    expect(timespan(ms)).toBe(span);
  });

  it('doubles % in unit text', () => expect(unitText('/srv/100%')).toBe('/srv/100%%'));

  it.each([
    ['an app root with a line break', { root: '/srv/x\nExecStartPre=/bin/evil' }, 'the app root "/srv/x\\nExecStartPre=/bin/evil" holds a control character ("\\n")'],
    ['an app root with a carriage return', { root: '/srv/x\r' }, 'the app root "/srv/x\\r" holds a control character ("\\r")'],
    ['a user with a line break', { user: 'shop\nUser=root' }, '--user "shop\\nUser=root" holds a control character ("\\n")'],
    ['an export folder with an escape', { outdir: '/etc/\u001b[2Jtf' }, 'the export folder "/etc/\\u001b[2Jtf/shop.env" holds a control character ("\\u001b")'],
    ['a command with a NUL', { types: [exportType({ command: 'node a.js\u0000' })] }, 'the command of web "exec node a.js\\u0000" holds a control character ("\\u0000")'],
  ])('refuses %s: every value of a unit is one line', (_case, overrides, what) => {
    expect(() => systemd(sampleInput(overrides))).toThrow(`systemd: ${what}, which would end or bend a line of the unit`);
  });

  it('lets a tab through: systemd reads it as space', () => {
    expect(fileOf(systemd(sampleInput({ root: '/srv/a\tb' })), 'shop-web@.service').content).toContain('WorkingDirectory=/srv/a\tb\n');
  });

  it('writes a target, an env file, a template unit per type and a drop-in per instance', () => {
    const result = systemd(sampleInput({ user: 'shop' }));
    expect(result.files.map((f) => [f.path, f.mode])).toEqual([
      ['shop.target', 0o644], ['shop.env', 0o600],
      ['shop-web@.service', 0o644], ['shop-web@1.service.d/tf-instance.conf', 0o644], ['shop-web@2.service.d/tf-instance.conf', 0o644],
      ['shop-worker@.service', 0o644], ['shop-worker@1.service.d/tf-instance.conf', 0o644],
    ]);
    expect(fileOf(result, 'shop-web@2.service.d/tf-instance.conf').content).toBe('[Service]\nEnvironment=PORT=5001 PS=web.2 DYNO=web.2\n');
    expect(fileOf(result, 'shop.target').content).toMatch(/^Wants=shop-web@1.service shop-web@2.service shop-worker@1.service$/m);
    const unit = fileOf(result, 'shop-web@.service').content;
    for (const line of ['PartOf=shop.target', 'User=shop', 'WorkingDirectory=/srv/shop', 'EnvironmentFile=/etc/tf/shop.env', 'ExecStart=/bin/sh -c "exec node server.js"', 'KillMode=mixed', 'KillSignal=SIGTERM', 'TimeoutStopSec=5s', 'Restart=no']) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(fileOf(result, 'shop.env').content).toMatch(/^GREETING="hello"\nPATH="\/usr\/bin:\/bin"\n$/m);
  });

  it.each([
    ['restart', { kind: 'restart', limit: 3, windowMs: 60_000 } as const, ['Restart=always', 'RestartSec=1s', 'StartLimitIntervalSec=1min', 'StartLimitBurst=3'], false],
    ['ignore', { kind: 'ignore' } as const, ['Restart=no'], false],
    ['stop', { kind: 'stop' } as const, ['Restart=no'], true],
  ])('maps restart: %s', (_, restart, lines, bound) => {
    const result = systemd(sampleInput({ types: [exportType({ restart, stopSignal: 'SIGINT', drainMs: 0 })] }));
    const unit = fileOf(result, 'shop-web@.service').content.split('\n');
    for (const line of [...lines, 'KillSignal=SIGINT', 'TimeoutStopSec=1ms']) expect(unit).toContain(line);
    expect(fileOf(result, 'shop.target').content.includes('BindsTo=shop-web@1.service shop-web@2.service')).toBe(bound);
  });

  it('rejects an app name systemd cannot use', () => {
    expect(() => systemd(sampleInput({ app: 'my/shop' }))).toThrow(/^systemd: app name "my\/shop" is not a valid name: letters, digits/);
  });
});
