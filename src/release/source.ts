import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gitListing, type GitSource } from './git.js';

/** Never source outside git: version control, dependencies installed in place, the store. */
const SKIPPED_NAMES = new Set(['.git', 'node_modules']);

export interface SourceListing {
  /** Paths relative to the root, `/`-separated, sorted. */
  files: string[];
  /** Set when the root is a git checkout. */
  git?: GitSource;
}

/**
 * What a release is built from. In a git checkout: tracked and untracked-but-not-ignored files.
 * Elsewhere: the whole tree except `.git`, `node_modules` and the store. Either way the store and
 * the env files tf read are left out (their values live in the env snapshot, not in the build).
 */
export async function listSource(root: string, storeDir: string, envFiles: string[]): Promise<SourceListing> {
  const excluded = [storeDir, ...envFiles].map((p) => relative(root, p)).filter((p) => p !== '' && !p.startsWith('..'));
  const keep = (path: string) => !excluded.some((ex) => path === ex || path.startsWith(`${ex}/`));
  const git = await gitListing(root, storeDir);
  if (git) return { files: git.files.filter(keep).sort(), git: git.source };
  const files: string[] = [];
  walk(root, '', keep, files);
  return { files: files.sort() };
}

function walk(root: string, dir: string, keep: (path: string) => boolean, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (!keep(path)) continue;
    if (entry.isDirectory()) {
      if (!SKIPPED_NAMES.has(entry.name)) walk(root, path, keep, out);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(path);
    }
  }
}
