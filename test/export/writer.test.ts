import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestName, writeExport } from '../../src/export/writer.js';
import { tmpApp } from '../helpers/tmp-app.js';

const file = (path: string, content = `${path}\n`, mode = 0o644) => ({ path, content, mode });

describe('writeExport', () => {
  it('writes every file with its mode, and a manifest; leaves no stage folder', () => {
    const outdir = join(tmpApp(), 'out/deeper');
    const result = writeExport(outdir, 'shop', [file('shop.target'), file('shop.env', 'A=1\n', 0o600), file('shop-web-1/run', '#!/bin/sh\n', 0o755)]);
    expect(result).toEqual({ written: ['shop.target', 'shop.env', 'shop-web-1/run'], removed: [] });
    expect(statSync(join(outdir, 'shop.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(outdir, 'shop-web-1/run')).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(join(outdir, manifestName('shop')), 'utf8'))).toEqual({ app: 'shop', files: result.written });
    expect(readdirSync(outdir).sort()).toEqual(['.tf-export-shop.json', 'shop-web-1', 'shop.env', 'shop.target']);
  });

  it("replaces an earlier export of the app, removes what it no longer has (service dirs whole), and never touches another app's files", () => {
    const outdir = tmpApp();
    writeExport(outdir, 'shop', [file('shop.conf', 'old\n'), file('shop-web-1/run'), file('shop-web-2/run')]);
    writeExport(outdir, 'blog', [file('blog.conf'), file('blog-web-1/run')]);
    mkdirSync(join(outdir, 'shop-web-2/supervise'));
    writeFileSync(join(outdir, 'shop-web-2/supervise/pid'), '123\n');
    const again = writeExport(outdir, 'shop', [file('shop.conf', 'new\n'), file('shop-web-1/run')]);
    expect(again.removed).toEqual(['shop-web-2/run']);
    expect(readFileSync(join(outdir, 'shop.conf'), 'utf8')).toBe('new\n');
    expect(existsSync(join(outdir, 'shop-web-2'))).toBe(false);
    expect(readdirSync(outdir).sort()).toEqual(['.tf-export-blog.json', '.tf-export-shop.json', 'blog-web-1', 'blog.conf', 'shop-web-1', 'shop.conf']);
    expect(readFileSync(join(outdir, 'blog.conf'), 'utf8')).toBe('blog.conf\n');
  });

  it('refuses to overwrite a file it did not write, and changes nothing', () => {
    const outdir = tmpApp({ 'shop.conf': 'hand-written\n' });
    expect(() => writeExport(outdir, 'shop', [file('shop.env'), file('shop.conf')])).toThrow(/shop\.conf exists and was not written by tf export of shop/);
    expect(readdirSync(outdir)).toEqual(['shop.conf']);
    expect(readFileSync(join(outdir, 'shop.conf'), 'utf8')).toBe('hand-written\n');
  });

  it("refuses a manifest that is not this app's", () => {
    const outdir = tmpApp({ '.tf-export-shop.json': '{"app":"shop","files":["../../etc/passwd"]}' });
    expect(() => writeExport(outdir, 'shop', [file('shop.env')])).toThrow(/not a manifest of a tf export of shop/);
  });

  it.each([
    ['a file', (dir: string) => join(dir, 'Procfile'), /export folder is not a directory/],
    ['under a file', (dir: string) => join(dir, 'Procfile/out'), /export folder is not a directory/],
    ['not writable', () => '/sys/tf-export-test', /export folder is not writable \(permission denied\)/],
  ])('refuses an OUTDIR that is %s', (_, outdir, message) => {
    const dir = tmpApp({ Procfile: 'web: x\n' });
    expect(() => writeExport(outdir(dir), 'shop', [file('shop.env')])).toThrow(message);
  });

  describe('never writes through a symbolic link inside OUTDIR', () => {
    it.each([
      ['a service directory linked to a folder outside', 'shop-web-1', 'shop-web-1/run'],
      ['a drop-in folder linked to a folder outside', 'shop-web@1.service.d', 'shop-web@1.service.d/tf-instance.conf'],
    ])('%s is a file in the way', (_case, link, path) => {
      const outside = tmpApp();
      const outdir = tmpApp();
      symlinkSync(outside, join(outdir, link));
      expect(() => writeExport(outdir, 'shop', [file('shop.env'), file(path)])).toThrow(new RegExp(`${link.replace(/[.@]/g, '\\$&')} is a symbolic link in the export folder: tf export never writes through one`));
      expect(readdirSync(outside)).toEqual([]);
      expect(readdirSync(outdir)).toEqual([link]);
    });

    it('refuses a link that replaced a file an earlier export wrote, and one in the way of removing a stale file', () => {
      const outside = tmpApp({ 'run': 'theirs\n', 'env': 'theirs\n' });
      const outdir = tmpApp();
      writeExport(outdir, 'shop', [file('shop.conf'), file('shop-web-1/run'), file('shop-web-2/run')]);
      rmSync(join(outdir, 'shop-web-2'), { recursive: true });
      symlinkSync(outside, join(outdir, 'shop-web-2'));
      expect(() => writeExport(outdir, 'shop', [file('shop.conf'), file('shop-web-1/run')])).toThrow(/shop-web-2 is a symbolic link in the export folder/);
      rmSync(join(outdir, 'shop-web-2'));
      rmSync(join(outdir, 'shop.conf'));
      symlinkSync(join(outside, 'run'), join(outdir, 'shop.conf'));
      expect(() => writeExport(outdir, 'shop', [file('shop.conf')])).toThrow(/shop\.conf is a symbolic link in the export folder/);
      expect(readFileSync(join(outside, 'run'), 'utf8')).toBe('theirs\n');
    });

    it('follows OUTDIR itself when it is a link: the user named it', () => {
      const real = tmpApp();
      const outdir = join(tmpApp(), 'link');
      symlinkSync(real, outdir);
      writeExport(outdir, 'shop', [file('shop.env')]);
      expect(readdirSync(real).sort()).toEqual(['.tf-export-shop.json', 'shop.env']);
    });
  });
});
