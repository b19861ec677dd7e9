import { describe, expect, it } from 'vitest';
import { buildDigest, compareEntries, makeIndex, type IndexEntry } from '../../src/release/build-index.js';
import { compareEnv, envDigest, mask, parseAssignment, sortedEnv } from '../../src/release/env-snapshot.js';
import { previousRelease, rollbackTarget } from '../../src/release/history.js';
import { parseReleaseId, releaseId, seqOf } from '../../src/release/ids.js';
import { parseManifest, serializeManifest, type Manifest } from '../../src/release/manifest.js';
import { releasesToRemove } from '../../src/release/prune.js';
import { parseSettings } from '../../src/config/settings-file.js';
import { tfError } from '../unit/tf-error.js';

const D = (c: string) => c.repeat(64);

function manifest(seq: number, status: 'ok' | 'failed' = 'ok', extra: Partial<Manifest> = {}): Manifest {
  return {
    id: releaseId(seq), seq, createdAt: '2026-01-02T03:04:05.000Z', status, kind: 'build', description: `release ${seq}`, from: null,
    source: { commit: 'abc123', dirty: false }, build: { command: null, digest: D('a'), files: 3 }, env: { digest: D('b'), keys: 1 },
    procfile: { digest: D('c') }, releasePhase: null, storeFormat: 1, ...extra,
  };
}

describe('release IDs', () => {
  it.each([['v1', 'v1'], ['v42', 'v42'], ['7', 'v7']])('accepts %s as %s', (text, id) => expect(parseReleaseId(text)).toBe(id));
  it.each(['../x', '/etc/passwd', 'v0', 'v01', 'v1/..', 'current/..', '', 'V1', 'v-1', 'v1 ', 'v9999999999', '.staging-v1-1'])('refuses %j, never a path', (text) => {
    expect(tfError(() => parseReleaseId(text)).message).toBe(`"${text}" is not a release ID`);
  });
  it('orders by sequence number', () => {
    expect(['v10', 'v9', 'v1', 'current', '.builds'].map(seqOf)).toEqual([10, 9, 1, undefined, undefined]);
  });
});

describe('manifest', () => {
  it('round-trips through release.yml, strings with quotes and newlines included', () => {
    const m = manifest(3, 'failed', { description: 'say "hi"\nand: bye', from: 'v1', releasePhase: { command: 'rake db:migrate', status: 3 } });
    expect(parseManifest(serializeManifest(m), 'v3/release.yml')).toEqual(m);
  });
  it('is YAML with one key a line', () => {
    expect(serializeManifest(manifest(1))).toMatch(/^id: "v1"\nseq: 1\n[\s\S]*\nbuild:\n {2}command: null\n {2}digest: "a{64}"\n/);
  });
  it.each([
    ['a missing field', (t: string) => t.replace(/^status: .*\n/m, ''), /missing or bad "status"/],
    ['a seq that does not match the id', (t: string) => t.replace('seq: 2', 'seq: 5'), /"seq"/],
    ['an unknown status', (t: string) => t.replace('"ok"', '"great"'), /"status"/],
    ['a line tf does not write', (t: string) => `${t}- item\n`, /is not "key: value"/],
    ['a value that is not JSON', (t: string) => t.replace('seq: 2', 'seq: two'), /not a value tf writes/],
  ])('names the damage: %s', (_, edit, message) => {
    const error = tfError(() => parseManifest(edit(serializeManifest(manifest(2))), 'v2/release.yml'));
    expect(error.message).toMatch(/^v2\/release\.yml: /);
    expect(error.message).toMatch(message);
  });
});

describe('rollback choice', () => {
  const history = [manifest(1), manifest(2), manifest(3, 'failed'), manifest(4), manifest(5, 'failed')];
  it('is the newest ok release before the current one, by sequence', () => {
    expect(previousRelease(history, 'v4')?.id).toBe('v2');
    expect(previousRelease(history, 'v2')?.id).toBe('v1');
    expect(previousRelease(history, 'v1')).toBeUndefined();
  });
  it('does not care about the order the list comes in', () => {
    expect(previousRelease([...history].reverse(), 'v4')?.id).toBe('v2');
  });
  it('takes an explicit ok ID, even a newer one', () => {
    expect(rollbackTarget(history, 'v2', 'v4').id).toBe('v4');
  });
  it.each([
    [[manifest(1)], 'v1', undefined, /nothing to roll back to: v1 is the only release/],
    [history, 'v1', undefined, /nothing to roll back to/],
    [history, 'v4', 'v3', /v3 failed its release phase/],
    [history, 'v4', 'v9', /no release v9/],
    [history, undefined, undefined, /no release is current/],
  ] as const)('refuses: %#', (list, current, requested, message) => {
    expect(tfError(() => rollbackTarget(list, current, requested)).message).toMatch(message);
  });
});

describe('build index', () => {
  const entries: IndexEntry[] = [
    { path: 'b.js', kind: 'file', ref: D('1') },
    { path: 'a/run', kind: 'exec', ref: D('2') },
    { path: 'link', kind: 'symlink', ref: 'b.js' },
  ];
  it('has a digest independent of listing order', () => {
    expect(buildDigest(entries)).toBe(buildDigest([...entries].reverse()));
    expect(makeIndex(entries).entries.map((e) => e.path)).toEqual(['a/run', 'b.js', 'link']);
  });
  it('changes the digest with any path, mode, content or link target', () => {
    const base = buildDigest(entries);
    const variants = [
      entries.map((e, i) => (i === 0 ? { ...e, path: 'c.js' } : e)),
      entries.map((e, i) => (i === 0 ? { ...e, kind: 'exec' as const } : e)),
      entries.map((e, i) => (i === 0 ? { ...e, ref: D('3') } : e)),
      entries.map((e, i) => (i === 2 ? { ...e, ref: 'a/run' } : e)),
      entries.slice(1),
    ];
    for (const v of variants) expect(buildDigest(v)).not.toBe(base);
  });
  it('cannot be confused by paths with separators in them', () => {
    const one = [{ path: 'a\nfile b', kind: 'file' as const, ref: D('1') }];
    const two = [{ path: 'a', kind: 'file' as const, ref: D('1') }, { path: 'b', kind: 'file' as const, ref: D('1') }];
    expect(buildDigest(one)).not.toBe(buildDigest(two));
  });
  it('compares two builds path by path', () => {
    const after = [{ ...entries[0]!, ref: D('9') }, entries[2]!, { path: 'new', kind: 'file' as const, ref: D('4') }];
    expect(compareEntries(entries, after)).toEqual({ added: ['new'], removed: ['a/run'], changed: ['b.js'] });
  });
});

describe('env snapshot', () => {
  it('parses KEY=VALUE, keeping = in the value', () => {
    expect(parseAssignment('URL=postgres://x?a=b', '--env')).toEqual(['URL', 'postgres://x?a=b']);
    expect(parseAssignment('EMPTY=', '--env')).toEqual(['EMPTY', '']);
  });
  it.each([
    ['NOEQUALS', '--env: an argument without "=" is not KEY=VALUE'],
    ['=value', '--env: an argument starting with "=" is not KEY=VALUE'],
    ['1X=2', '--env: "1X=..." is not KEY=VALUE ("1X" is not a variable name)'],
    ['A B=s3cret', '--env: "A B=..." is not KEY=VALUE ("A B" is not a variable name)'],
    ['../x=1', '--env: "../x=..." is not KEY=VALUE ("../x" is not a variable name)'],
  ])('refuses %j, showing at most the name', (text, message) => {
    expect(tfError(() => parseAssignment(text, '--env')).message).toBe(message);
  });
  it('has a digest independent of key order', () => {
    expect(envDigest({ A: '1', B: '2' })).toBe(envDigest({ B: '2', A: '1' }));
    expect(envDigest({ A: '1' })).not.toBe(envDigest({ A: '2' }));
    expect(Object.keys(sortedEnv({ b: '', a: '', C: '' }))).toEqual(['C', 'a', 'b']);
  });
  it('masks values, saying only whether they are empty', () => {
    expect([mask('hunter2'), mask('')]).toEqual(['*****', '(empty)']);
  });
  it('compares keys, including ones named like Object properties', () => {
    expect(compareEnv({ A: '1', B: '2', toString: 'x' }, { B: '3', C: '4', constructor: 'y' })).toEqual({ added: ['C', 'constructor'], removed: ['A', 'toString'], changed: ['B'] });
  });
});

describe('prune choice', () => {
  const ids = ['v1', 'v2', 'v3', 'v4', 'v5'];
  it('keeps the newest N, the current one and those in use', () => {
    expect(releasesToRemove(ids, 2, new Set(['v2']))).toEqual(['v1', 'v3']);
    expect(releasesToRemove(ids, 0, new Set(['v5']))).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(releasesToRemove(ids, 10, new Set())).toEqual([]);
  });
});

describe('tf.yml build:', () => {
  it('is a shell command', () => {
    expect(parseSettings('build: npm ci && npm run build\n', '/app/tf.yml').build).toBe('npm ci && npm run build');
  });
  it.each([['build:\n', 'null'], ['build: ""\n', '""'], ['build: [a]\n', '["a"]']])('refuses %j', (text, shown) => {
    const error = tfError(() => parseSettings(text, '/app/tf.yml'));
    expect(error.message).toBe(`/app/tf.yml:1: build: ${shown} is not a command`);
    expect(error.hint).toMatch(/build: npm ci/);
  });
});
