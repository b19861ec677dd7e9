import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';
import { importEsm } from '../util/import-esm.js';

export interface GitSource {
  commit: string | null;
  dirty: boolean;
}

export interface GitListing {
  /** Paths relative to the root, as git prints them. */
  files: string[];
  source: GitSource;
}

/**
 * In a git checkout: the tracked files plus the untracked ones git does not ignore (what
 * `git add -A` would take), the commit, and whether the tree differs from it. undefined when the
 * root is not inside a work tree or git is missing. execa is loaded only here (~100 ms to import).
 */
export async function gitListing(root: string, storeDir: string): Promise<GitListing | undefined> {
  if (!insideGitTree(root)) return undefined;
  const { execa } = await importEsm('execa');
  const git = (args: string[]) => execa('git', args, { cwd: root, reject: false, encoding: 'utf8' });
  const top = await git(['rev-parse', '--show-toplevel']);
  // No git on this machine: the tree is listed as any other folder.
  if (top.failed && errnoCode(top) === 'ENOENT') return undefined;
  if (top.failed) throw refused(top.stderr);
  if (top.stdout === '') return undefined;
  // The store itself is never source, even where nobody told git to ignore it.
  const storeRel = relative(top.stdout, storeDir);
  const notStore = storeRel.startsWith('..') ? [] : [`:(top,exclude)${storeRel}`];
  const [listed, head, status] = await Promise.all([
    // Excluded here too, not only filtered later: listing an unignored store would mean every build file.
    git(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.', ...notStore]),
    git(['rev-parse', '--verify', '--quiet', 'HEAD']),
    git(['status', '--porcelain', '--', '.', ...notStore]),
  ]);
  if (listed.failed) throw refused(listed.stderr);
  const files = [...new Set(listed.stdout.split('\0').filter(Boolean))];
  return { files, source: { commit: head.failed ? null : head.stdout, dirty: status.stdout.trim() !== '' } };
}

/**
 * git would not list this checkout ("detected dubious ownership", a damaged .git, ...). Going on
 * as if it were not one would take files it ignores (.env, logs), so it is an error, with git's
 * own words and its advice (`git config --global --add safe.directory DIR`) as the hint.
 */
function refused(stderr: string): TfError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = (lines[0] ?? 'git failed').replace(/^fatal: /, '');
  const advice = lines.slice(1).find((l) => l.startsWith('git ')) ?? lines.slice(1).join(' ');
  return new TfError(`git refuses this checkout: ${fatal}`, advice || 'see git status');
}

/** A `.git` (dir, or file for worktrees) here or above: cheap, and spares execa and git otherwise. */
function insideGitTree(root: string): boolean {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}
