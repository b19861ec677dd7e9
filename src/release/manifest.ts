import { parse, stringify } from 'yaml';
import { TfError } from '../util/errors.js';
import { seqOf } from './ids.js';

export type ReleaseStatus = 'ok' | 'failed';
export type ReleaseKind = 'build' | 'rollback' | 'config';

/** release.yml: everything known about a release, written once before it is renamed into place. */
export interface Manifest {
  id: string;
  seq: number;
  createdAt: string;
  status: ReleaseStatus;
  kind: ReleaseKind;
  description: string;
  /** The release this one was derived from (rollback target, config base); null for a build. */
  from: string | null;
  /** Set when the app root was a git checkout. */
  source: { commit: string | null; dirty: boolean } | null;
  build: { command: string | null; digest: string; files: number };
  env: { digest: string; keys: number };
  procfile: { digest: string };
  releasePhase: { command: string; status: number } | null;
  storeFormat: number;
}

export function serializeManifest(manifest: Manifest): string {
  return stringify(manifest, { lineWidth: 0 });
}

const DIGEST = /^[0-9a-f]{64}$/;

/** Parses and checks a release.yml; anything malformed is named, never half-trusted. */
export function parseManifest(text: string, where: string): Manifest {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw damaged(where, `invalid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const m = raw as Partial<Manifest> | null;
  if (!m || typeof m !== 'object') throw damaged(where, 'not a mapping');
  const problem =
    typeof m.id !== 'string' || seqOf(m.id) === undefined ? 'id' :
    m.seq !== seqOf(m.id) ? 'seq' :
    typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt)) ? 'createdAt' :
    m.status !== 'ok' && m.status !== 'failed' ? 'status' :
    m.kind !== 'build' && m.kind !== 'rollback' && m.kind !== 'config' ? 'kind' :
    typeof m.description !== 'string' ? 'description' :
    m.from !== null && (typeof m.from !== 'string' || seqOf(m.from) === undefined) ? 'from' :
    !m.build || typeof m.build.digest !== 'string' || !DIGEST.test(m.build.digest) ? 'build.digest' :
    !m.env || typeof m.env.digest !== 'string' || !DIGEST.test(m.env.digest) ? 'env.digest' :
    !m.procfile || typeof m.procfile.digest !== 'string' ? 'procfile.digest' :
    undefined;
  if (problem) throw damaged(where, `missing or bad "${problem}"`);
  return m as Manifest;
}

function damaged(where: string, problem: string): TfError {
  return new TfError(`${where}: ${problem}`, 'this release was changed after tf wrote it; tf release verify says more');
}
