import { chmodSync, closeSync, constants, copyFileSync, existsSync, linkSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../util/errors.js';
import { loadOnce } from '../util/load-once.js';

// node:crypto costs ~5 ms to load; a rollback reuses recorded digests and never needs it.
const crypto = loadOnce(() => require('node:crypto') as typeof import('node:crypto'));

/** Files up to this size are read whole: one read, hashed and (if new) written from one buffer. */
const SMALL_FILE = 8 * 1024 * 1024;

export function sha256(data: string | Buffer): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

export function hashFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const hash = crypto().createHash('sha256');
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** An object's file name in the store: its hash, marked when the file is executable. */
export function objectName(hash: string, exec: boolean): string {
  return exec ? `${hash}-x` : hash;
}

/**
 * The content-addressed object store: one file a distinct content and mode, named by its SHA-256
 * (`-x` for executables, since hard links share the mode). Builds are hard links to these, so ten
 * releases of an unchanged app cost one copy. An object's content always matches its name: it is
 * written from the very bytes that were hashed, or hashed after it was copied, never before.
 */
export class ObjectStore {
  private temps = 0;
  /** Names this instance put into the store (content it did not find there): a failed create's to remove. */
  readonly added: string[] = [];

  constructor(
    readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  path(hash: string, exec: boolean): string {
    return join(this.dir, objectName(hash, exec));
  }

  has(hash: string, exec: boolean): boolean {
    return existsSync(this.path(hash, exec));
  }

  /** Copies a file tf does not own (the user's source) into the store; returns its hash. */
  ingestCopy(source: string, exec: boolean, size: number): string {
    const temp = this.tempPath();
    if (size <= SMALL_FILE) {
      const data = readFileSync(source);
      const hash = sha256(data);
      if (!this.has(hash, exec)) {
        // Written under a temporary name first: a crash must never leave a short object under a
        // real name. If another tf stored the same content meanwhile, the rename replaces it with
        // identical bytes.
        writeFileSync(temp, data, { mode: modeOf(exec), flag: 'wx' });
        this.place(temp, hash, exec);
      }
      return hash;
    }
    // Big files: let the kernel copy (or reflink) them, then hash the copy itself, so a source
    // changing under us cannot give an object a name that does not match its content.
    copyFileSync(source, temp, constants.COPYFILE_FICLONE);
    const hash = hashFile(temp);
    if (this.has(hash, exec)) unlinkSync(temp);
    else {
      chmodSync(temp, modeOf(exec));
      this.place(temp, hash, exec);
    }
    return hash;
  }

  private place(temp: string, hash: string, exec: boolean): void {
    renameSync(temp, this.path(hash, exec));
    this.added.push(objectName(hash, exec));
  }

  /**
   * Moves a file tf owns (a private copy a build command wrote) into the store by hard-linking it;
   * the caller removes its own name afterwards. Returns its hash.
   */
  ingestOwned(path: string, exec: boolean): string {
    const hash = hashFile(path);
    if (!this.has(hash, exec)) {
      chmodSync(path, modeOf(exec));
      this.adopt(path, hash, exec);
    }
    return hash;
  }

  private adopt(path: string, hash: string, exec: boolean): void {
    try {
      linkSync(path, this.path(hash, exec));
      this.added.push(objectName(hash, exec));
    } catch (error) {
      // Another tf stored the same content a moment ago: same bytes, keep theirs.
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }

  private tempPath(): string {
    // Not in `dir`: sweeping leftovers must not mean listing every object.
    return join(this.tmpDir, `${process.pid}-object-${this.temps++}`);
  }
}

function modeOf(exec: boolean): number {
  return exec ? 0o555 : 0o444;
}
