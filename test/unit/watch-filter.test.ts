import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WatchFilter } from '../../src/control/watch-filter.js';
import { tmpApp } from '../helpers/tmp-app.js';

describe('what --watch counts as an edit', () => {
  it('follows git: nested .gitignore files, negation, folders, info/exclude', () => {
    const root = tmpApp({
      '.git/info/exclude': 'secret.txt\n',
      '.gitignore': '*.log\n!keep.log\nbuild/\n/tmp\n',
      'sub/.gitignore': '/local.js\n!important.log\n',
      'src/a.js': '',
    });
    const filter = new WatchFilter({ root, ignore: [], ownOutputs: [] });
    const edit = (path: string) => filter.isEdit(join(root, path));
    expect(edit('src/a.js')).toBe(true);
    expect(edit('app.log')).toBe(false);
    expect(edit('deep/er/app.log')).toBe(false);
    expect(edit('keep.log')).toBe(true);
    expect(edit('build/out.js')).toBe(false);
    expect(edit('src/build/out.js')).toBe(false);
    expect(edit('tmp/x')).toBe(false);
    expect(edit('src/tmp/x')).toBe(true);
    expect(edit('sub/local.js')).toBe(false);
    expect(edit('local.js')).toBe(true);
    expect(edit('sub/important.log')).toBe(true);
    expect(edit('secret.txt')).toBe(false);
    expect(edit('node_modules/x/index.js')).toBe(false);
    expect(edit('.tf/control.sock')).toBe(false);
  });

  it.each(['4913', '.a.js.swp', '.a.js.swx', 'a.js~', '#a.js#', '.#a.js'])('ignores the editor temp file %s', (name) => {
    const root = tmpApp({});
    expect(new WatchFilter({ root, ignore: [], ownOutputs: [] }).isEdit(join(root, 'src', name))).toBe(false);
  });

  it("ignores tf's own output file, export output and the given places", () => {
    const root = tmpApp({ 'dev.log': '', 'deploy/.tf-export-app.json': '{}', 'deploy/units/web.service': '', 'store/x': '', 'other.txt': '' });
    const fd = openSync(join(root, 'dev.log'), 'a');
    try {
      const filter = new WatchFilter({ root, ignore: [join(root, 'store')], ownOutputs: [fd] });
      expect(filter.isEdit(join(root, 'dev.log'))).toBe(false);
      expect(filter.isEdit(join(root, 'deploy/units/web.service'))).toBe(false);
      expect(filter.isEdit(join(root, 'deploy/.tf-export-app.stage-x/web.service'))).toBe(false);
      expect(filter.isEdit(join(root, 'store/x'))).toBe(false);
      expect(filter.isEdit(join(root, 'other.txt'))).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
});
