import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { loadOnce } from '../util/load-once.js';

const ignoreLib = loadOnce(() => require('ignore') as (options?: object) => Ignore);

/**
 * What git ignores under an app root, as `git status` would: the .gitignore of each folder from
 * the repository's top down to the file, .git/info/exclude, and the user's global excludes file.
 * Read without running git for each path (a watch storm would run it thousands of times); each
 * folder's .gitignore is read once, again after it changes. Outside a repository the app's
 * .gitignore files still count: they say what the app's author considers not source.
 */
export class GitIgnore {
  private readonly top: string;
  private readonly base: Ignore;
  private readonly perFolder = new Map<string, Ignore | null>();

  constructor(root: string) {
    root = resolve(root);
    this.top = repositoryTop(root) ?? root;
    this.base = ignoreLib()().add(readRules(globalExcludesFile(this.top))).add(readRules(join(this.top, '.git', 'info', 'exclude')));
  }

  /** ABS (a file or, with isFolder, a folder) is ignored by git's rules. */
  ignores(abs: string, isFolder = false): boolean {
    const rel = relative(this.top, abs);
    if (rel === '' || rel.startsWith('..')) return false;
    const slash = isFolder ? '/' : '';
    let ignored = this.base.ignores(toPosix(rel) + slash);
    // Deeper files override shallower ones, as in git: a later `!keep.log` un-ignores.
    for (let folder = this.top, parts = rel.split(sep), i = 0; i < parts.length; folder = join(folder, parts[i]!), i++) {
      const rules = this.rulesOf(folder);
      if (!rules) continue;
      const result = rules.test(toPosix(relative(folder, abs)) + slash);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }

  /** A .gitignore changed: read it again at its next use. */
  forget(gitignore: string): void {
    this.perFolder.delete(dirname(resolve(gitignore)));
  }

  private rulesOf(folder: string): Ignore | null {
    let rules = this.perFolder.get(folder);
    if (rules === undefined) {
      const text = readRules(join(folder, '.gitignore'));
      rules = text ? ignoreLib()().add(text) : null;
      this.perFolder.set(folder, rules);
    }
    return rules;
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function readRules(path: string | undefined): string {
  if (!path) return '';
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The folder holding .git (a folder, or a file in a worktree) at or above ROOT. */
function repositoryTop(root: string): string | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** core.excludesFile, else git's default $XDG_CONFIG_HOME/git/ignore. Read once, at watch start. */
function globalExcludesFile(cwd: string): string | undefined {
  const configured = spawnSync('git', ['config', '--path', '--get', 'core.excludesFile'], { cwd, encoding: 'utf8' });
  const path = configured.status === 0 ? configured.stdout.trim() : '';
  if (path) return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  const fallback = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'git', 'ignore');
  return isFile(fallback) ? fallback : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
