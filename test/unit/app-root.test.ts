import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../src/config/app-root.js';
import { tmpApp } from '../helpers/tmp-app.js';

describe('appRoot', () => {
  it('walks up from the current folder to the nearest Procfile, as git finds .git', () => {
    const app = tmpApp({ Procfile: 'web: true\n', 'lib/deep/x.txt': '', 'nested/Procfile': 'worker: true\n' });
    expect(appRoot({}, app)).toBe(app);
    expect(appRoot({}, join(app, 'lib', 'deep'))).toBe(app);
    // The nearest one wins: a Procfile in a subfolder is its own app.
    expect(appRoot({}, join(app, 'nested'))).toBe(join(app, 'nested'));
  });

  it('is the current folder when no folder above has a Procfile (the error then names ./Procfile)', () => {
    const dir = join(tmpApp(), 'empty');
    mkdirSync(dir);
    expect(appRoot({}, dir)).toBe(dir);
  });

  it('takes -d, else the folder of -f, without walking', () => {
    const app = tmpApp({ Procfile: 'web: true\n', 'sub/Procfile.dev': 'web: true\n' });
    const sub = join(app, 'sub');
    expect(appRoot({ root: '.' }, sub)).toBe(sub);
    expect(appRoot({ procfile: 'Procfile.dev' }, sub)).toBe(sub);
    expect(appRoot({ root: '..', procfile: 'Procfile.dev' }, sub)).toBe(app);
  });
});
