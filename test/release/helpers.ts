import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runTf, type TfResult } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';

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
  const tmp = join(dir, '.tmp');
  return [...readdirSync(dir).filter((n) => n.startsWith('.staging-') || n.includes('.tmp-')), ...(existsSync(tmp) ? readdirSync(tmp).map((n) => `.tmp/${n}`) : [])];
}

export function envOf(root: string, id: string): Record<string, string> {
  return JSON.parse(readFileSync(join(store(root), id, 'env.json'), 'utf8')) as Record<string, string>;
}

export function modeOf(path: string): number {
  return lstatSync(path).mode & 0o777;
}
