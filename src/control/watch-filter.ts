import { fstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { GitIgnore } from './git-ignore.js';

const IGNORED_NAMES = new Set(['node_modules', '.git', '.tf']);

/**
 * Editors' temporary files: vim's write probe `4913` and hidden swap files (.a.js.swp, .swo,
 * .swx, ...), backups ending in `~`, emacs' autosaves `#name#` and lock links `.#name`. Saving a
 * file makes several.
 */
const EDITOR_TEMP = /^(?:4913|#.*#|\.#.*|.*~|\..+\.sw[a-z])$/;
/** `tf export` marks the folder it writes with this manifest (see export/writer.ts). */
const EXPORT_MANIFEST = /^\.tf-export-.+\.json$/;
const EXPORT_STAGE = /^\.tf-export-/;

export interface WatchFilterOptions {
  root: string;
  /** Paths never to watch, with everything under them: the control socket's folder, the release store. */
  ignore: string[];
  /** Descriptors tf writes to (its stdout and stderr): redirected into a file under the root, not a change. */
  ownOutputs?: number[];
}

/**
 * Which changes under the root are not the user's edits: what git ignores, editor temp files,
 * and what tf writes itself (its redirected output, the control socket, the release store,
 * export output). Without this a watched app restarts itself in a loop.
 */
export class WatchFilter {
  private readonly root: string;
  private readonly ignored: string[];
  private readonly git: GitIgnore;
  private readonly outputs: Set<string>;

  constructor(options: WatchFilterOptions) {
    this.root = resolve(options.root);
    this.ignored = options.ignore.map((path) => resolve(path));
    this.git = new GitIgnore(this.root);
    this.outputs = new Set((options.ownOutputs ?? [1, 2]).flatMap((fd) => fileIdentity(fd) ?? []));
  }

  /** For chokidar: prunes whole folders early (node_modules, gitignored build output). */
  skipWhileWalking = (path: string, stats?: Stats): boolean => {
    const abs = resolve(this.root, path);
    return this.byName(abs) || this.byPlace(abs) || this.git.ignores(abs, stats?.isDirectory() ?? false);
  };

  /** Decided when acting on a batch, not when the event came: export output is marked last. */
  isEdit(abs: string): boolean {
    if (basename(abs) === '.gitignore') this.git.forget(abs);
    if (this.byName(abs) || this.byPlace(abs) || this.git.ignores(abs)) return false;
    if (EDITOR_TEMP.test(basename(abs))) return false;
    return !this.isOwnOutput(abs) && !this.inExportOutput(abs);
  }

  /** A file in a folder `tf export` wrote (its manifest is there), or a few folders below it. */
  private inExportOutput(abs: string): boolean {
    for (let dir = dirname(abs), depth = 0; depth < 4 && (dir === this.root || dir.startsWith(this.root + sep)); dir = dirname(dir), depth++) {
      try {
        if (readdirSync(dir).some((name) => EXPORT_MANIFEST.test(name))) return true;
      } catch {
        // A folder removed meanwhile holds nothing of ours.
      }
    }
    return false;
  }

  private byName(abs: string): boolean {
    return relative(this.root, abs).split(sep).some((part) => IGNORED_NAMES.has(part) || EXPORT_STAGE.test(part));
  }

  private byPlace(abs: string): boolean {
    return this.ignored.some((path) => abs === path || abs.startsWith(path + sep));
  }

  private isOwnOutput(abs: string): boolean {
    if (this.outputs.size === 0) return false;
    try {
      const stats = statSync(abs);
      return this.outputs.has(`${stats.dev}:${stats.ino}`);
    } catch {
      return false;
    }
  }
}

/** dev:inode of the regular file behind a descriptor; nothing for a terminal or a pipe. */
function fileIdentity(fd: number): string | undefined {
  try {
    const stats = fstatSync(fd);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}
