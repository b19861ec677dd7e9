import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Which of the built yaml loader's candidates Node actually loaded, as paths under the root. */
function yamlModulesLoadedByDist(): string[] {
  const script = `require(${JSON.stringify(resolve(ROOT, 'dist/util/yaml.js'))}).yaml().parse('a: 1');
    console.log(Object.keys(require.cache).filter((p) => /yaml/.test(p)).join('\\n'))`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((path) => path.slice(ROOT.length + 1));
}

describe('start-up', () => {
  it('the built CLI loads yaml from its one-file bundle, not the 72 modules of the package', () => {
    const loaded = yamlModulesLoadedByDist();
    expect(loaded).toContain('dist/vendor/yaml.js');
    expect(loaded.filter((path) => path.startsWith('node_modules/'))).toEqual([]);
  });
});
