import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../src/release/lock.js';
import { reserveStaging } from '../../src/release/staging.js';
import { StatCache } from '../../src/release/stat-cache.js';
import { createStore, storeDir } from '../../src/release/store.js';
import { tmpApp } from '../helpers/tmp-app.js';

describe('store location', () => {
  it('is ROOT/releases, unless --releases-dir or TF_RELEASES_DIR says otherwise', () => {
    expect(storeDir({ root: '/app' }, {})).toBe('/app/releases');
    expect(storeDir({ root: '/app' }, { TF_RELEASES_DIR: '/var/tf' })).toBe('/var/tf');
    expect(storeDir({ root: '/app', releasesDir: '/srv/r' }, { TF_RELEASES_DIR: '/var/tf' })).toBe('/srv/r');
  });
});

describe('the lock', () => {
  it('lets one holder in at a time, and a waiter in once it is released', async () => {
    const store = createStore(join(tmpApp(), 'releases'));
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withLock(store, async () => {
      order.push('first in');
      await held;
      order.push('first out');
    });
    const second = withLock(store, () => order.push('second in'));
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
    expect(existsSync(store.lockFile)).toBe(false);
  });

  it('removes a lock whose holder is dead, and gives up on a live one after waiting', async () => {
    const store = createStore(join(tmpApp(), 'releases'));
    writeFileSync(store.lockFile, `${2 ** 22 + 4321}\n`);
    expect(await withLock(store, () => 'got it')).toBe('got it');
    writeFileSync(store.lockFile, `${process.ppid}\n`);
    await expect(withLock(store, () => 'never', 100)).rejects.toThrow(`the release store is locked by pid ${process.ppid}`);
    expect(readFileSync(store.lockFile, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('reserves distinct, increasing IDs past releases and live reservations', async () => {
    const store = createStore(join(tmpApp(), 'releases'));
    mkdirSync(join(store.dir, 'v3'));
    const [a, b] = await Promise.all([reserveStaging(store), reserveStaging(store)]);
    expect([a.id, b.id].sort()).toEqual(['v4', 'v5']);
    expect(existsSync(a.dir) && existsSync(b.dir)).toBe(true);
  });
});

describe('the stat cache', () => {
  it('trusts a file only while its size, times, inode and kind are unchanged', () => {
    const root = tmpApp({ 'a.txt': 'one' });
    const store = createStore(join(root, 'releases'));
    const path = join(root, 'a.txt');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const cache = StatCache.load(store, root);
    // utimes moved the ctime to now: record as if the scan had started a second later.
    cache.record('a.txt', statSync(path), 'file', 'h1', Date.now() + 1000);
    cache.save();
    const again = StatCache.load(store, root);
    expect(again.lookup('a.txt', statSync(path), 'file')).toBe('h1');
    expect(again.lookup('a.txt', statSync(path), 'exec')).toBeUndefined();
    expect(StatCache.load(store, '/another/root').lookup('a.txt', statSync(path), 'file')).toBeUndefined();
    writeFileSync(path, 'two');
    utimesSync(path, old, old);
    // Same size and mtime, but the ctime moved: hashed again.
    expect(again.lookup('a.txt', statSync(path), 'file')).toBeUndefined();
  });

  it('does not cache a file changed in the last moments before the scan (racy)', () => {
    const root = tmpApp({ 'a.txt': 'one' });
    const store = createStore(join(root, 'releases'));
    const cache = StatCache.load(store, root);
    cache.record('a.txt', statSync(join(root, 'a.txt')), 'file', 'h1', Date.now());
    cache.save();
    expect(StatCache.load(store, root).lookup('a.txt', statSync(join(root, 'a.txt')), 'file')).toBeUndefined();
  });
});
