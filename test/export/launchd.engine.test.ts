import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchd, plist } from '../../src/export/launchd.js';
import { breakFile, DEMO_DEPENDS, demoApp, exportDemo, QUOTED, requireBinary, run, skipWithout, TRICKY } from './engine.js';
import { exportType, sampleInput } from './input.js';

type Plist = string | number | boolean | Plist[] | { [key: string]: Plist };

/**
 * The launchd.plist(5) keys tf writes, with their types. A key outside this list, or of another
 * type, would be ignored by launchd (or make it refuse the job): the check fails on either.
 */
const LAUNCHD_KEYS: Record<string, 'string' | 'array' | 'dict' | 'boolean' | 'integer'> = {
  Label: 'string',
  ProgramArguments: 'array',
  WorkingDirectory: 'string',
  EnvironmentVariables: 'dict',
  UserName: 'string',
  RunAtLoad: 'boolean',
  KeepAlive: 'boolean',
  ExitTimeOut: 'integer',
  StandardOutPath: 'string',
  StandardErrorPath: 'string',
};

function typeOf(value: Plist): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'integer';
  return typeof value === 'object' ? 'dict' : typeof value;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' ? `0${e.slice(1)}` : e.slice(1))) : ENTITIES[e]!));
}

/** Reads plistutil's own XML (one element per line, the subset launchd jobs use) into a value. */
function readXmlPlist(xml: string): Plist {
  // A leaf with its text, or an opening, closing or empty tag: [close, tag, empty, text].
  const tokens = [...xml.matchAll(/<(key|string|integer)>([^<]*)<\/\1>|<(\/?)(dict|array|true|false|string)(\/?)>/g)].map((m) => (m[1] ? ['', m[1], '', m[2]] : [m[3], m[4], m[5], undefined]) as [string, string, string, string | undefined]);
  let at = 0;
  const value = (): Plist => {
    const [close, tag, empty, text] = tokens[at++]!;
    if (close) throw new Error(`unexpected </${tag}>`);
    if (tag === 'true' || tag === 'false') return tag === 'true';
    if (tag === 'string') return empty ? '' : unescape(text ?? '');
    if (tag === 'integer') return Number(text);
    if (tag === 'array') {
      const items: Plist[] = [];
      while (!tokens[at]![0]) items.push(value());
      at++;
      return items;
    }
    if (tag === 'dict') {
      const entries: Record<string, Plist> = {};
      while (!tokens[at]![0]) {
        const key = tokens[at++]!;
        if (key[1] !== 'key') throw new Error(`a dict holds a <${key[1]}> where a key belongs`);
        entries[unescape(key[3] ?? '')] = value();
      }
      at++;
      return entries;
    }
    throw new Error(`<${tag}> outside a dict`);
  };
  return value();
}

/**
 * The check: Debian's plistutil parses the file (into the binary format, which it then writes
 * back as XML), and that XML holds only launchd.plist keys of the right types. plistutil exits 0
 * even when it cannot parse a file: its stderr and output tell.
 */
function checkPlist(path: string): Record<string, Plist> {
  const plistutil = requireBinary('plistutil');
  const bin = join(mkdtempSync(join(tmpdir(), 'tf-plist-')), 'job.bin');
  const parsed = run(plistutil, ['-i', path, '-f', 'bin', '-o', bin]);
  if (parsed.stderr !== '' || parsed.code !== 0) throw new Error(`plistutil: exit ${parsed.code}: ${parsed.stderr}${parsed.stdout}`);
  const back = run(plistutil, ['-i', bin, '-f', 'xml', '-o', '-']);
  if (back.stderr !== '' || back.code !== 0) throw new Error(`plistutil: exit ${back.code}: ${back.stderr}`);
  const job = readXmlPlist(back.stdout);
  if (typeOf(job) !== 'dict') throw new Error('plist: the top level is not a dict');
  for (const [key, value] of Object.entries(job as Record<string, Plist>)) {
    if (!(key in LAUNCHD_KEYS)) throw new Error(`plist: ${key} is not a launchd.plist key tf uses`);
    if (typeOf(value) !== LAUNCHD_KEYS[key]) throw new Error(`plist: ${key} is a ${typeOf(value)}, launchd wants a ${LAUNCHD_KEYS[key]}`);
  }
  return job as Record<string, Plist>;
}

describe.skipIf(skipWithout('plistutil'))('launchd, against plistutil and the launchd.plist keys', () => {
  it('writes one private plist per instance that plistutil reads back exactly', async () => {
    const app = demoApp('AMP="a < b & c > d"\n');
    const outdir = await exportDemo('launchd', app, [], /note: launchd: web, stubborn have no restart: in tf\.yml, so the export restarts them when they exit \(KeepAlive/);
    const plists = readdirSync(outdir).filter((f) => f.endsWith('.plist')).sort();
    expect(plists).toEqual(['demo.stubborn.1.plist', 'demo.web.1.plist', 'demo.web.2.plist']);
    const ports: Record<string, string> = { 'web.1': '5000', 'web.2': '5001', 'stubborn.1': '5100' };
    for (const file of plists) {
      const name = file.replace(/^demo\.|\.plist$/g, '');
      expect(statSync(join(outdir, file)).mode & 0o777).toBe(0o600);
      const job = checkPlist(join(outdir, file));
      const log = join(homedir(), 'Library/Logs', `demo.${name}.log`);
      expect(job).toMatchObject({ Label: `demo.${name}`, WorkingDirectory: app, RunAtLoad: true, KeepAlive: true, StandardOutPath: log, StandardErrorPath: log });
      expect(job.ExitTimeOut).toBe(name.startsWith('web') ? 5 : 1);
      expect((job.ProgramArguments as string[]).slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(job.EnvironmentVariables).toMatchObject({ GREETING: TRICKY, QUOTED, AMP: 'a < b & c > d', PORT: ports[name], PS: name, DYNO: name });
      expect(job.EnvironmentVariables).not.toHaveProperty('TF_EXPORT_SHELL_ONLY');
    }
  });

  it('says what launchd cannot keep: depends_on, a restart limit, restart: stop, another stop signal', async () => {
    const app = demoApp();
    writeFileSync(join(app, 'tf.yml'), `${DEMO_DEPENDS}    restart: stop\n    stop_signal: SIGINT\n`);
    const outdir = await exportDemo('launchd', app, [], /note: launchd: depends_on is not exported \(stubborn on web\)/);
    const job = checkPlist(join(outdir, 'demo.stubborn.1.plist'));
    expect(job.KeepAlive).toBe(false);
  });

  it('keeps a carriage return and XML markup in a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-plist-'));
    writeFileSync(join(dir, 'x.plist'), plist({ Label: 'a\rb <c> & "d"', EnvironmentVariables: { K: 'x\r\ny' } }));
    expect(checkPlist(join(dir, 'x.plist'))).toEqual({ Label: 'a\rb <c> & "d"', EnvironmentVariables: { K: 'x\r\ny' } });
  });

  it.each([
    ['a bad key', '<key>RunAtLoad</key>', '<key>RunAtLode</key>', /RunAtLode is not a launchd.plist key/],
    ['a bad type', '<integer>1</integer>', '<string>1</string>', /ExitTimeOut is a string, launchd wants a integer/],
    ['broken XML', '<key>Label</key>', '<key>Label</ke>', /plistutil: exit 1/],
  ])('fails the check on an export with %s', async (_, from, to, message) => {
    const outdir = await exportDemo('launchd', demoApp());
    breakFile(join(outdir, 'demo.stubborn.1.plist'), from, to);
    expect(() => checkPlist(join(outdir, 'demo.stubborn.1.plist'))).toThrow(message);
  });
});

describe('launchd generator', () => {
  it('refuses a control character a plist cannot hold, naming the variable, never its value', () => {
    expect(() => launchd(sampleInput({ env: [['TOKEN', 'se\x01cret']] }))).toThrow(/^launchd: TOKEN holds a control character \("\\u0001"\), which a property list cannot hold$/);
  });

  it('writes UserName for --user, and KeepAlive false for restart: ignore', () => {
    const result = launchd(sampleInput({ user: 'shop', types: [exportType({ restart: { kind: 'ignore' } })] }));
    expect(result.notes).toContain('launchd: UserName (--user) is honoured only for a daemon: a plist in /Library/LaunchDaemons, loaded by root; a LaunchAgent runs as the user who loads it');
    const content = result.files.find((f) => f.path === 'shop.web.1.plist')!.content;
    expect(content).toContain('\t<key>UserName</key>\n\t<string>shop</string>');
    expect(content).toContain('\t<key>KeepAlive</key>\n\t<false/>');
  });
});
