import { diffReleases } from '../release/diff.js';
import { mask } from '../release/env-snapshot.js';
import type { Manifest } from '../release/manifest.js';
import { storeUsers } from '../release/in-use.js';
import { readCurrent } from '../release/pointer.js';
import { readAll, readEnvSnapshot, readManifest, resolveRelease } from '../release/releases.js';
import type { StoreFlags } from './options.js';
import { envLines, openFor } from './release-common.js';
import { alignColumns } from './table.js';

export interface ListFlags extends StoreFlags {
  json?: boolean;
}

/** `tf release list`: oldest first, `*` marks the current release. */
export async function list(flags: ListFlags): Promise<number> {
  const store = openFor(flags);
  const current = readCurrent(store);
  const releases = readAll(store);
  const users = storeUsers(store);
  const usersOf = (id: string): Array<{ pid: number; follows: boolean }> => users.filter((u) => u.ids.includes(id)).map((u) => ({ pid: u.pid, follows: u.follows }));
  if (flags.json) {
    const rows = releases.map((m) => ({ id: m.id, seq: m.seq, createdAt: m.createdAt, current: m.id === current, status: m.status, description: m.description, kind: m.kind, from: m.from, source: m.source, build: m.build, envDigest: m.env.digest, inUse: usersOf(m.id) }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (releases.length === 0) {
    process.stdout.write('no releases yet (tf release create makes one)\n');
    return 0;
  }
  // The IN USE column only when a tf runs a release: otherwise the table stays as it was.
  const inUse = users.length > 0 ? (id: string): string[] => [usersOf(id).map((u) => `tf ${u.pid} (${u.follows ? 'follows' : 'pinned'})`).join(', ') || '-'] : (): string[] => [];
  const rows = releases.map((m) => [m.id === current ? '*' : ' ', m.id, localTime(m.createdAt), m.status, sourceText(m), ...inUse(m.id), m.description]);
  const header = [' ', 'ID', 'CREATED', 'STATUS', 'SOURCE', ...(users.length > 0 ? ['IN USE'] : []), 'DESCRIPTION'];
  process.stdout.write(table([header, ...rows]));
  return 0;
}

export interface ShowFlags extends StoreFlags {
  reveal?: boolean;
  json?: boolean;
}

/** `tf release show [ID]`: the manifest, and the env with values masked unless --reveal. */
export async function show(id: string | undefined, flags: ShowFlags): Promise<number> {
  const store = openFor(flags);
  const resolved = resolveRelease(store, id);
  const m = readManifest(store, resolved);
  const env = readEnvSnapshot(store, resolved);
  const shown = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, flags.reveal ? v : mask(v)]));
  const current = readCurrent(store) === m.id;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...m, current, env: { ...m.env, values: shown } }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    ['release', `${m.id}${current ? ' (current)' : ''}`],
    ['created', `${localTime(m.createdAt)} (${m.createdAt})`],
    ['status', m.status],
    ['kind', m.from ? `${m.kind}, from ${m.from}` : m.kind],
    ['description', m.description || '-'],
    ['source', m.source ? sourceText(m) : 'not a git checkout'],
    ['build', `${m.build.digest} (${m.build.files} files)`],
    ['build command', m.build.command ?? '- (the source files as they are)'],
    ['release phase', m.releasePhase ? `${m.releasePhase.command} (exit status ${m.releasePhase.status})` : '- (no release: line in the Procfile)'],
    ['env', `${m.env.keys} variables, digest ${m.env.digest.slice(0, 12)}${flags.reveal ? '' : ' (values masked; --reveal shows them)'}`],
  ];
  process.stdout.write(table(lines) + envLines(shown));
  return 0;
}

/** `tf release diff A B`. */
export async function diff(a: string, b: string, flags: StoreFlags): Promise<number> {
  const store = openFor(flags);
  const [ra, rb] = [a, b].map((text) => resolveRelease(store, text)) as [string, string];
  const d = diffReleases(store, ra, rb);
  const out: string[] = [];
  const section = (title: string, added: string[], removed: string[], changed: string[]) => {
    if (added.length + removed.length + changed.length === 0) return;
    out.push(title, ...added.map((x) => `  + ${x}`), ...removed.map((x) => `  - ${x}`), ...changed.map((x) => `  ~ ${x}`));
  };
  section(`env (${ra} -> ${rb}; values not shown)`, d.env.added, d.env.removed, d.env.changed);
  section(`files (${ra} -> ${rb})`, d.files.added, d.files.removed, d.files.changed);
  if (d.procfileChanged) out.push('Procfile changed');
  if (d.buildCommand) out.push(`build command: ${d.buildCommand.from ?? '(none)'} -> ${d.buildCommand.to ?? '(none)'}`);
  process.stdout.write(out.length ? `${out.join('\n')}\n` : `${ra} and ${rb} have the same files, Procfile and env\n`);
  return 0;
}

function sourceText(m: Manifest): string {
  if (!m.source) return '-';
  return `${m.source.commit ? m.source.commit.slice(0, 10) : '(no commit)'}${m.source.dirty ? ' +dirty' : ''}`;
}

/** YYYY-MM-DD HH:MM:SS in local time. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function table(rows: string[][]): string {
  return alignColumns(rows).map((line) => `${line}\n`).join('');
}
