import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleId, cachePath, loadBundle } from '../../src/cli/bundle-loader.js';
import { tmpApp } from '../helpers/tmp-app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT_LOADER = join(ROOT, 'dist/cli/bundle-loader.js');
const ID = '0123456789abcdef';

/** Loads BUNDLE in a fresh Node, as bin/tf.js does, and returns what it printed. */
function loadInNode(bundle: string, recordCache = false): { cacheUsed: boolean; answer: unknown } {
  const script = `const b = require(${JSON.stringify(BUILT_LOADER)}).loadBundle(${JSON.stringify(bundle)}, { recordCache: ${recordCache} });
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

  it('takes the code V8 recorded for its bundle at build time', () => {
    const source = readFileSync(join(ROOT, 'dist/tf.js'), 'utf8');
    const id = bundleId(source);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(existsSync(cachePath(join(ROOT, 'dist/tf.js'), id!))).toBe(true);
    const script = `const b = require(${JSON.stringify(BUILT_LOADER)}).loadBundle(${JSON.stringify(join(ROOT, 'dist/tf.js'))});
      console.log(b.cacheUsed, typeof b.exports.main)`;
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()).toBe('true function');
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

  it('records compiled code when asked, and the next start takes it', () => {
    const dir = tmpApp();
    const bundle = writeBundle(dir, ID);
    expect(loadInNode(bundle, true)).toEqual({ cacheUsed: false, answer: 42 });
    expect(existsSync(cachePath(bundle, ID))).toBe(true);
    expect(loadInNode(bundle)).toEqual({ cacheUsed: true, answer: 42 });
  });

  it('never takes code recorded for another bundle', () => {
    const dir = tmpApp();
    loadInNode(writeBundle(dir, ID), true);
    const other = writeBundle(dir, 'fedcba9876543210', 'module.exports = { answer: () => 43 };');
    expect(loadInNode(other)).toEqual({ cacheUsed: false, answer: 43 });
  });

  it('compiles afresh when the recorded code is damaged', () => {
    const dir = tmpApp();
    const bundle = writeBundle(dir, ID);
    writeFileSync(cachePath(bundle, ID), Buffer.alloc(4096, 7));
    expect(loadInNode(bundle)).toEqual({ cacheUsed: false, answer: 42 });
  });

  it('records nothing for a file without a bundle id', () => {
    const dir = tmpApp();
    const bundle = writeBundle(dir, undefined);
    expect(loadInNode(bundle, true)).toEqual({ cacheUsed: false, answer: 42 });
    expect(readdirSync(dir).filter((name) => name.endsWith('.cache'))).toEqual([]);
  });
});
