import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { ExportedFile } from './types.js';

/**
 * Exports hold the app's variables, secrets included (env files, a kubernetes Secret), and the
 * README's own example writes them into the app's root: where that is a git work tree,
 * `git add -A` would commit them. In a folder tf export made, tf writes its own .gitignore; in
 * any other, it says which files git does not ignore and how to fix that.
 */

export const GITIGNORE = '.gitignore';

/** The top of the git work tree that holds DIR, if any: the nearest folder with a `.git`. */
export function gitWorkTree(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** A .gitignore for OUTDIR naming the export's secret files, for a folder that is tf's own. */
export function gitignoreFile(secrets: string[], mode: number): ExportedFile {
  const lines = secrets.map((path) => `/${path}\n`).join('');
  return { path: GITIGNORE, content: `# Written by tf export: these files hold the app's variables, secrets included.\n${lines}`, mode };
}

/** The note for secret files in a git work tree that git does not ignore; none when all are ignored. */
export function unignoredNote(target: string, tree: string, outdir: string, secrets: string[]): string[] {
  const paths = secrets.map((path) => join(outdir, path));
  const ignored = ignoredBy(tree, paths);
  const open = ignored === undefined ? paths : paths.filter((path) => !ignored.has(path));
  if (open.length === 0) return [];
  const shown = open.slice(0, 3).map((path) => `/${relative(tree, path)}`);
  const list = `${shown.join(', ')}${open.length > 3 ? ` and ${open.length - 3} more` : ''}`;
  const many = open.length > 1;
  const state = ignored === undefined ? 'make sure git ignores them (git check-ignore could not tell)' : `git does not ignore ${many ? 'them' : 'it'}`;
  return [`${target}: ${list} ${many ? 'hold' : 'holds'} the app's variables, secrets included, inside the git work tree ${tree}; ${state}: add ${many ? 'them' : 'it'} to ${join(tree, GITIGNORE)}, or export elsewhere`];
}

/** The PATHS git ignores, or undefined when git cannot say (not installed, a repo it refuses). */
function ignoredBy(tree: string, paths: string[]): Set<string> | undefined {
  const run = spawnSync('git', ['-C', tree, 'check-ignore', '--', ...paths], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // 0: some are ignored (listed), 1: none is; anything else is git failing.
  if (run.error || (run.status !== 0 && run.status !== 1)) return undefined;
  return new Set(run.stdout.split('\n').filter(Boolean).map((line) => join(tree, relative(tree, line.startsWith('/') ? line : join(tree, line)))));
}
