import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cleanEnv, runTf, TF_BIN, type TfResult } from '../helpers/tf.js';
import { removeAll, tmpApp } from '../helpers/tmp-app.js';

/** A small app: a Procfile with a release phase, a .env, a few files. */
export function releaseApp(extra: Record<string, string> = {}): string {
  return tmpApp({
    Procfile: 'worker: node server.js\nrelease: echo "release phase: GREETING=$GREETING TF_RELEASE=$TF_RELEASE PS=$PS"\n',
    '.env': 'GREETING=hello\nSECRET=hunter2\nURL=http://${HOSTNAME_FOR_TEST:-localhost}/x\n',
    'server.js': 'console.log("READY", process.env.GREETING, process.env.TF_RELEASE, process.cwd()); setInterval(() => {}, 1000);\n',
    'lib/util.js': 'module.exports = 1;\n',
    ...extra,
  });
}

/** Runs tf in `cwd`; tests that expect success call ok(). */
export function tf(cwd: string, args: string[], env?: Record<string, string>): Promise<TfResult> {
  return runTf(args, { cwd, env });
}

export function ok(result: TfResult): TfResult {
  expect(result.code, `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
  return result;
}

export interface Listed {
  id: string;
  createdAt: string;
  current: boolean;
  status: 'ok' | 'failed';
  description: string;
  from: string | null;
  kind: string;
  source: { commit: string | null; dirty: boolean } | null;
  build: { command: string | null; digest: string; files: number };
}

export async function list(cwd: string): Promise<Listed[]> {
  return JSON.parse(ok(await tf(cwd, ['release', 'list', '--json'])).stdout) as Listed[];
}

export function store(root: string): string {
  return join(root, 'releases');
}

/** Names in the store that are neither releases nor tf's own bookkeeping: leftovers of a create. */
export function leftovers(root: string): string[] {
  const dir = store(root);
  if (!existsSync(dir)) return [];
  const inside = (sub: string, keep: (name: string) => boolean) => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).filter(keep).map((n) => `${sub}/${n}`) : []);
  return [...readdirSync(dir).filter((n) => n.startsWith('.staging-') || n.includes('.tmp-')), ...inside('.tmp', () => true), ...inside('.builds', (n) => n.includes('.tmp-'))];
}

export function envOf(root: string, id: string): Record<string, string> {
  return JSON.parse(readFileSync(join(store(root), id, 'env.json'), 'utf8')) as Record<string, string>;
}

export function modeOf(path: string): number {
  return lstatSync(path).mode & 0o777;
}

export const IS_ROOT = process.getuid?.() === 0;

/**
 * Runs a shell script with a tiny tmpfs mounted at $DISK, in a private mount namespace the user
 * makes (an unprivileged user namespace keeping its own uid): a real full disk, without root.
 * $TF runs the built tf. Everything the test checks on that disk must be printed by the script:
 * the mount is gone with it. Returns the script's stdout and exit status.
 */
export function onTinyDisk(script: string, options: { cwd: string; size?: string }): { status: number | null; stdout: string; stderr: string } {
  const disk = join(tmpApp(), 'disk');
  mkdirSync(disk);
  const result = spawnSync('unshare', ['-Um', '--map-current-user', '--keep-caps', 'sh', '-c', `mount -t tmpfs -o size=${options.size ?? '512k'} tmpfs "$DISK" && ${script}`], {
    cwd: options.cwd,
    env: cleanEnv({ DISK: disk, TF: `${process.execPath} ${TF_BIN}` }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Fills the rest of $DISK: a shell fragment for onTinyDisk. */
export const FILL_DISK = '{ cat /dev/zero > "$DISK/fill" 2>/dev/null || true; }';

/** Removes one of a store's folders (read-only ones included). */
export function removeStoreFolder(root: string, name: string): void {
  removeAll(join(store(root), name));
}
