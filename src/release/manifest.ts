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

/**
 * release.yml is YAML, written in a strict subset: one `key: value` a line, nested maps indented two
 * spaces, every value in JSON notation (which YAML reads as is). Any YAML tool reads it; tf reads it
 * without the yaml package, whose ~45 ms load would be most of a rollback's time.
 */
export function serializeManifest(manifest: Manifest): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(manifest)) {
    if (value !== null && typeof value === 'object') {
      lines.push(`${key}:`);
      for (const [sub, inner] of Object.entries(value as Record<string, unknown>)) lines.push(`  ${sub}: ${JSON.stringify(inner)}`);
    } else {
      lines.push(`${key}: ${JSON.stringify(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const LINE = /^( {2})?([A-Za-z][A-Za-z0-9]*):(?: (.+))?$/;

/** Reads what serializeManifest wrote; anything else is reported as damage, not guessed at. */
function parseSubset(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let parent: Record<string, unknown> | undefined;
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`line ${i + 1} is not "key: value"`);
    const [, indent, key, json] = match as unknown as [string, string | undefined, string, string | undefined];
    if (indent && !parent) throw new Error(`line ${i + 1} is indented outside a mapping`);
    if (!indent && json === undefined) {
      parent = {};
      out[key] = parent;
      continue;
    }
    if (json === undefined) throw new Error(`line ${i + 1} has no value`);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new Error(`line ${i + 1}: ${json} is not a value tf writes`);
    }
    if (indent) parent![key] = value;
    else {
      parent = undefined;
      out[key] = value;
    }
  }
  return out;
}

const DIGEST = /^[0-9a-f]{64}$/;

/** Parses and checks a release.yml; anything malformed is named, never half-trusted. */
export function parseManifest(text: string, where: string): Manifest {
  let raw: unknown;
  try {
    raw = parseSubset(text);
  } catch (error) {
    throw damaged(where, (error as Error).message);
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
