import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleId, cachePath, defaultCacheDir, loadBundle } from '../../src/cli/bundle-loader.js';
import { tmpApp } from '../helpers/tmp-app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT_LOADER = join(ROOT, 'dist/cli/bundle-loader.js');
const ID = '0123456789abcdef';

/** Loads BUNDLE in a fresh Node, as bin/tf.js does, and returns what it printed. */
function loadInNode(bundle: string, cacheDir?: string): { cacheUsed: boolean; answer: unknown } {
  const script = `const b = require(${JSON.stringify(BUILT_LOADER)}).loadBundle(${JSON.stringify(bundle)}, { cacheDir: ${JSON.stringify(cacheDir)} });
    console.log(JSON.stringify({ cacheUsed: b.cacheUsed, answer: b.exports.answer() }))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { cacheUsed: boolean; answer: unknown };
}

function writeBundle(dir: string, id: string | undefined, body = 'module.exports = { answer: () => 42, where: __dirname };'): string {
  const path = join(dir, 'tf.js');
  writeFileSync(path, `${id === undefined ? '' : `// tf bundle ${id}\n`}${body}\n`);
  return path;
}

describe('the built CLI', () => {
  it('runs from its bundle: no module of dist/ or node_modules/ is loaded one by one', () => {
    const dir = tmpApp({ 'Procfile': 'web: true\n', 'tf.yml': 'processes:\n  web: {restart: ignore}\n' });
    const preload = join(dir, 'list-modules.cjs');
    writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(join(dir, 'modules.json'))}, JSON.stringify(Object.keys(require.cache))));\n`);
    execFileSync(process.execPath, ['--require', preload, join(ROOT, 'bin/tf.js'), 'check'], { cwd: dir });
    const loaded = (JSON.parse(readFileSync(join(dir, 'modules.json'), 'utf8')) as string[]).filter((path) => path.startsWith(ROOT)).map((path) => path.slice(ROOT.length + 1));
    expect(loaded.sort()).toEqual(['bin/tf.js', 'dist/cli/bundle-loader.js']);
  });

  it('says in one line that it is not built, rather than a stack trace', () => {
    const copy = tmpApp();
    mkdirSync(join(copy, 'bin'));
    copyFileSync(join(ROOT, 'bin/tf.js'), join(copy, 'bin/tf.js'));
    const run = spawnSync(process.execPath, [join(copy, 'bin/tf.js'), '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(70);
    expect(run.stderr).toBe(`tf: ${join(copy, 'dist')} is not built (run npm run build)\n`);
  });

  it('ships no code cache: the first run records one for the Node it runs on, and later runs take it', () => {
    expect(readdirSync(join(ROOT, 'dist')).filter((name) => name.endsWith('.cache'))).toEqual([]);
    const cacheDir = join(tmpApp(), 'cache');
    const tf = (): string => execFileSync(process.execPath, [join(ROOT, 'bin/tf.js'), '--version'], { encoding: 'utf8', env: { ...process.env, TF_CACHE_DIR: cacheDir } });
    tf();
    const id = bundleId(readFileSync(join(ROOT, 'dist/tf.js'), 'utf8'));
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(readdirSync(cacheDir)).toEqual([`tf-${id}-node${process.version.slice(1)}-${process.arch}.cache`]);
    const script = `const b = require(${JSON.stringify(BUILT_LOADER)}).loadBundle(${JSON.stringify(join(ROOT, 'dist/tf.js'))}, { cacheDir: ${JSON.stringify(cacheDir)} });
      console.log(b.cacheUsed, typeof b.exports.main)`;
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()).toBe('true function');
  });

  it('runs as well where the cache folder cannot be written', () => {
    const blocked = join(tmpApp({ 'file': '' }), 'file', 'cache');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/tf.js'), '--version'], { encoding: 'utf8', env: { ...process.env, TF_CACHE_DIR: blocked } });
    expect(run).toMatchObject({ status: 0, stderr: '' });
  });
});

describe('defaultCacheDir', () => {
  it.each([
    [{ TF_CACHE_DIR: '/x/tf' }, 'linux', '/home/u', '/x/tf'],
    [{ TF_CACHE_DIR: '' }, 'linux', '/home/u', undefined],
    [{}, 'linux', '/home/u', '/home/u/.cache/tf'],
    [{ XDG_CACHE_HOME: '/c' }, 'linux', '/home/u', '/c/tf'],
    [{ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u', '/home/u/.cache/tf'],
    [{}, 'darwin', '/Users/u', '/Users/u/Library/Caches/tf'],
    [{}, 'linux', '', undefined],
  ] as const)('%o on %s with home %o: %o', (env, platform, home, expected) => {
    expect(defaultCacheDir(env, platform, home)).toBe(expected);
  });
});

describe('loadBundle', () => {
  it('runs a bundle as a CommonJS file in its own folder', () => {
    const dir = tmpApp();
    const loaded = loadBundle<{ answer(): number; where: string }>(writeBundle(dir, ID));
    expect(loaded.exports.answer()).toBe(42);
    expect(loaded.exports.where).toBe(dir);
    expect(loaded.cacheUsed).toBe(false);
  });

  it('records compiled code on a first run without a cache, and the next start takes it', () => {
    const dir = tmpApp();
    const bundle = writeBundle(dir, ID);
    const cacheDir = join(dir, 'cache');
    expect(loadInNode(bundle, cacheDir)).toEqual({ cacheUsed: false, answer: 42 });
    expect(existsSync(cachePath(cacheDir, ID))).toBe(true);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(loadInNode(bundle, cacheDir)).toEqual({ cacheUsed: true, answer: 42 });
  });

  it('never takes code recorded for another bundle', () => {
    const dir = tmpApp();
    const cacheDir = join(dir, 'cache');
    loadInNode(writeBundle(dir, ID), cacheDir);
    const other = writeBundle(dir, 'fedcba9876543210', 'module.exports = { answer: () => 43 };');
    expect(loadInNode(other, cacheDir)).toEqual({ cacheUsed: false, answer: 43 });
    expect(loadInNode(other, cacheDir)).toEqual({ cacheUsed: true, answer: 43 });
  });

  it('compiles afresh when the recorded code is damaged, and records it anew', () => {
    const dir = tmpApp();
    const bundle = writeBundle(dir, ID);
    const cacheDir = join(dir, 'cache');
    mkdirSync(cacheDir);
    writeFileSync(cachePath(cacheDir, ID), Buffer.alloc(4096, 7));
    expect(loadInNode(bundle, cacheDir)).toEqual({ cacheUsed: false, answer: 42 });
    expect(loadInNode(bundle, cacheDir)).toEqual({ cacheUsed: true, answer: 42 });
  });

  it('deletes an older bundle\'s cache nobody recorded for a month, and keeps a recent one', () => {
    const dir = tmpApp();
    const cacheDir = join(dir, 'cache');
    mkdirSync(cacheDir);
    const old = cachePath(cacheDir, 'aaaaaaaaaaaaaaaa');
    const recent = cachePath(cacheDir, 'bbbbbbbbbbbbbbbb');
    writeFileSync(old, 'x');
    writeFileSync(recent, 'x');
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    utimesSync(old, monthAgo, monthAgo);
    loadInNode(writeBundle(dir, ID), cacheDir);
    expect(readdirSync(cacheDir).sort()).toEqual([cachePath(cacheDir, 'bbbbbbbbbbbbbbbb'), cachePath(cacheDir, ID)].map((p) => p.slice(cacheDir.length + 1)).sort());
  });

  it('records nothing without a cache folder, or for a file without a bundle id', () => {
    const dir = tmpApp();
    expect(loadInNode(writeBundle(dir, ID))).toEqual({ cacheUsed: false, answer: 42 });
    const cacheDir = join(dir, 'cache');
    expect(loadInNode(writeBundle(dir, undefined), cacheDir)).toEqual({ cacheUsed: false, answer: 42 });
    expect(existsSync(cacheDir)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.cache'))).toEqual([]);
  });
});
