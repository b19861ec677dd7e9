import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';
import { gitListing, type GitSource } from './git.js';
import { ignoredWithParents, parseIgnoreRules, type IgnoreRules } from './ignore-rules.js';

/** Never source outside git: version control, dependencies installed in place, the store. */
const SKIPPED_NAMES = new Set(['.git', 'node_modules']);

/** The app's own list of what never goes into a build, in gitignore syntax. */
export const TFIGNORE = '.tfignore';

/** `.env`, `.env.production`, ...: secrets belong in the env snapshot, never in a build's files. */
export function isEnvFileName(name: string): boolean {
  return name === '.env' || name.startsWith('.env.');
}

export interface SourceListing {
  /** Paths relative to the root, `/`-separated, sorted. */
  files: string[];
  /** Set when the root is a git checkout. */
  git?: GitSource;
}

/**
 * What a release is built from. In a git checkout: tracked and untracked-but-not-ignored files.
 * Elsewhere: the whole tree except `.git`, `node_modules` and the store. Either way the store, the
 * env files tf read, every file named like an env file, and what `.tfignore` lists are left out
 * (env values live in the env snapshot, not in the build).
 */
export async function listSource(root: string, storeDir: string, envFiles: string[]): Promise<SourceListing> {
  const excluded = [storeDir, ...envFiles].map((p) => relative(root, p)).filter((p) => p !== '' && !p.startsWith('..'));
  const rules = readIgnoreRules(root);
  const named = (path: string) => excluded.some((ex) => path === ex || path.startsWith(`${ex}/`));
  const git = await gitListing(root, storeDir);
  if (git) {
    const keep = (path: string) => !named(path) && !isEnvFileName(basename(path)) && !ignoredWithParents(rules, path);
    return { files: git.files.filter(keep).sort(), git: git.source };
  }
  const files: string[] = [];
  walk(root, '', (path, isDir) => !named(path) && (isDir || !isEnvFileName(basename(path))) && !rules.ignores(path, isDir), files);
  return { files: files.sort() };
}

function readIgnoreRules(root: string): IgnoreRules {
  try {
    return parseIgnoreRules(readFileSync(join(root, TFIGNORE), 'utf8'));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return parseIgnoreRules('');
    throw new TfError(`${TFIGNORE}: cannot read it (${errnoCode(error) ?? (error as Error).message})`, 'fix its permissions');
  }
}

function walk(root: string, dir: string, keep: (path: string, isDir: boolean) => boolean, out: string[]): void {
  for (const entry of readFolder(root, dir)) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (!keep(path, entry.isDirectory())) continue;
    if (entry.isDirectory()) {
      if (!SKIPPED_NAMES.has(entry.name)) walk(root, path, keep, out);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(path);
    }
  }
}

function readFolder(root: string, dir: string) {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    throw new TfError(`${dir || '.'}/: cannot read this folder (${code})`, `give yourself access (chmod u+rx), or leave it out of releases in ${TFIGNORE}`);
  }
}
