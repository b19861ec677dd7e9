import type { Ignore } from 'ignore';
import { loadOnce } from '../util/load-once.js';

const ignoreLib = loadOnce(() => require('ignore') as (options?: object) => Ignore);

/**
 * `.tfignore`: gitignore patterns, read from the app root only. Matching is the `ignore` package's
 * (the same one --watch uses for .gitignore), so one implementation of git's rules serves both. As
 * in git, nothing inside an ignored folder can be re-included (callers never look inside one).
 */
export interface IgnoreRules {
  ignores(path: string, isDir: boolean): boolean;
}

export function parseIgnoreRules(text: string): IgnoreRules {
  const rules = ignoreLib()().add(text);
  return { ignores: (path, isDir) => rules.ignores(isDir ? `${path}/` : path) };
}

/** A path is left out when it, or a folder it is in, is ignored. `path` is `/`-separated. */
export function ignoredWithParents(rules: IgnoreRules, path: string): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) if (rules.ignores(parts.slice(0, i).join('/'), true)) return true;
  return rules.ignores(path, false);
}
