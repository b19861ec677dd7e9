import { describe, expect, it } from 'vitest';
import { pageFile, staticFile } from '../../src/ui/static.js';
import { tmpApp } from '../helpers/tmp-app.js';

describe('the dashboard page files', () => {
  it('serves index.html and assets/NAME only, with their types', async () => {
    const dir = tmpApp({ 'index.html': '<!doctype html>', 'assets/app-1.js': 'x()', 'assets/app.css': 'a{}', 'assets/.secret.js': 's', 'assets/run.sh': 'rm', 'secret.txt': 'no' });
    expect(await staticFile(dir, '/')).toEqual({ body: Buffer.from('<!doctype html>'), type: 'text/html; charset=utf-8' });
    expect((await staticFile(dir, '/assets/app-1.js'))?.type).toBe('text/javascript; charset=utf-8');
    expect((await staticFile(dir, '/assets/app.css'))?.type).toBe('text/css; charset=utf-8');
    for (const path of ['/secret.txt', '/assets/.secret.js', '/assets/run.sh', '/assets/', '/assets', '/assets/../secret.txt', '/assets/..%2fsecret.txt', '/assets/sub/app.js', '/assets/missing.js', '//etc/passwd']) {
      expect(await staticFile(dir, path), path).toBeUndefined();
    }
    expect(pageFile('/index.html')).toBe('index.html');
    expect(pageFile('/assets/..')).toBeUndefined();
  });
});
