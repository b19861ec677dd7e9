import type { Document, LineCounter, YAMLError } from 'yaml';
import { TfError, location } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { yaml } from '../util/yaml.js';
import { readDuration } from './duration.js';
import { readSize } from './size.js';
import { nulByteError, nulByteLine } from './text-checks.js';
import { parseSignal } from './signals.js';
import { DEFAULT_KEYS, parseDefault, type Fail } from './settings-defaults.js';
import {
  DEFAULT_RESTART_LIMIT,
  DEFAULT_RESTART_WINDOW_MS,
  emptySettings,
  type ReadyCheck,
  type RestartPolicy,
  type Settings,
  type TypeSettings,
} from './settings.js';

type Json = unknown;

/** Parses tf.yml. Every unknown key or bad value is an error naming the file, line and key path. */
export function parseSettings(text: string, path: string): Settings {
  const shown = displayPath(path);
  const nul = nulByteLine(text);
  if (nul !== undefined) throw nulByteError(shown, nul, 'no setting can hold one: remove it; is this a text file?');
  const counter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const [yamlError] = doc.errors;
  if (yamlError) {
    const line = counter.linePos(yamlErrorOffset(doc, text, yamlError)).line;
    throw new TfError(`${location(shown, line)}: invalid YAML: ${yamlError.message.split('\n')[0]}`, 'indent with spaces, and close every quote and bracket');
  }
  const lineOf = (keyPath: string): number | undefined => nodeLine(doc, counter, keyPath);
  // A missing key (restart.policy) has no line of its own: name the line of its nearest parent.
  const nearestLine = (keyPath: string): number | undefined => {
    for (let at = keyPath; at; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
      const line = lineOf(at);
      if (line !== undefined) return line;
    }
    // A document that is not a mapping at all: name where its content starts.
    const start = doc.contents?.range?.[0];
    return start === undefined ? undefined : counter.linePos(start).line;
  };
  const fail: Fail = (keyPath, problem, hint) => {
    throw new TfError(`${location(shown, nearestLine(keyPath))}: ${keyPath}: ${problem}`, hint);
  };
  const settings = emptySettings();
  settings.path = path;
  const root: Json = toPlainData(doc, counter, (line, problem, hint) => {
    throw new TfError(`${location(shown, line ?? nearestLine(''))}: ${problem}`, hint);
  });
  const nulAt = keyPathWithNul(root);
  if (nulAt !== undefined) fail(nulAt, 'holds a NUL byte (written as \\0 or \\x00)', 'no setting can hold one: remove it');
  for (const [key, value] of entriesOf(root, '', fail, 'a mapping of settings')) {
    if (key === 'formation') settings.formation = parseFormationMap(value, fail);
    else if (key === 'processes') settings.types = parseTypes(value, fail);
    else if (key === 'build') settings.build = parseBuildCommand(value, fail);
    else if (!parseDefault(key, value, settings, fail)) fail(key, 'unknown setting', `known settings: build, formation, processes, ${DEFAULT_KEYS.join(', ')}`);
  }
  for (const keyPath of allKeyPaths(root)) {
    const line = lineOf(keyPath);
    if (line !== undefined) settings.lines.set(keyPath, line);
  }
  return settings;
}

function parseFormationMap(value: Json, fail: Fail): Map<string, number> {
  const out = new Map<string, number>();
  for (const [type, count] of entriesOf(value, 'formation', fail, 'a mapping of process type to count, e.g. "web: 2"')) {
    if (!Number.isInteger(count) || (count as number) < 0) {
      fail(`formation.${type}`, `${JSON.stringify(count)} is not a count`, 'use a whole number, 0 or more');
    }
    out.set(type, count as number);
  }
  return out;
}

function parseBuildCommand(value: Json, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') {
    return fail('build', `${JSON.stringify(value)} is not a command`, 'write the shell command to run, e.g. build: npm ci && npm run build');
  }
  return value;
}

const TYPE_KEYS = ['stop_signal', 'drain', 'restart', 'ready', 'ready_timeout', 'depends_on', 'watch', 'tty', 'interactive', 'memory_limit'];

function parseTypes(value: Json, fail: Fail): Map<string, TypeSettings> {
  const out = new Map<string, TypeSettings>();
  for (const [type, body] of entriesOf(value, 'processes', fail, 'a mapping of process type to its settings')) {
    const base = `processes.${type}`;
    const settings: TypeSettings = {};
    for (const [key, raw] of entriesOf(body, base, fail, `a mapping with keys ${TYPE_KEYS.join(', ')}`)) {
      const at = `${base}.${key}`;
      if (key === 'stop_signal') settings.stopSignal = parseSignalValue(raw, at, fail);
      else if (key === 'drain') settings.drainMs = parseDurationValue(raw, at, fail);
      else if (key === 'ready_timeout') settings.readyTimeoutMs = parseDurationValue(raw, at, fail);
      else if (key === 'restart') settings.restart = parseRestart(raw, at, fail);
      else if (key === 'ready') settings.ready = parseReady(raw, at, fail);
      else if (key === 'depends_on') settings.dependsOn = parseStrings(raw, at, fail, 'a list of process types, e.g. depends_on: [web]');
      else if (key === 'watch') settings.watch = raw === false ? [] : parseStrings(raw, at, fail, "a list of globs, e.g. watch: ['src/**/*.js'], or false");
      else if (key === 'tty') settings.tty = typeof raw === 'boolean' ? raw : fail(at, `${JSON.stringify(raw)} is not true or false`, 'write tty: true to run each of its processes on a terminal');
      else if (key === 'interactive') settings.interactive = typeof raw === 'boolean' ? raw : fail(at, `${JSON.stringify(raw)} is not true or false`, "write interactive: true to give it tf start's keyboard");
      else if (key === 'memory_limit') settings.memoryLimit = parseSizeValue(raw, at, fail);
      else fail(at, 'unknown setting', `known settings: ${TYPE_KEYS.join(', ')}`);
    }
    out.set(type, settings);
  }
  checkCycles(out, fail);
  const interactive = [...out].filter(([, settings]) => settings.interactive).map(([type]) => type);
  if (interactive.length > 1) fail(`processes.${interactive[1]}.interactive`, `${interactive.join(' and ')} are both interactive`, "tf start has one keyboard: set interactive: true for one type only");
  return out;
}

/** A string or a list of non-empty strings. */
function parseStrings(raw: Json, at: string, fail: Fail, hint: string): string[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return fail(at, `${JSON.stringify(raw)} is not a list of names`, `write ${hint}`);
  }
  return list.map((item: string) => item.trim());
}

/** depends_on must not loop back: a type in a cycle could never start. */
function checkCycles(types: Map<string, TypeSettings>, fail: Fail): void {
  const done = new Set<string>();
  const visit = (type: string, path: string[]): void => {
    if (path.includes(type)) {
      const cycle = [...path.slice(path.indexOf(type)), type];
      fail(`processes.${cycle[0]}.depends_on`, `a cycle: ${cycle.join(' -> ')}`, 'a type cannot wait for itself; remove one of these dependencies');
    }
    if (done.has(type)) return;
    for (const dep of types.get(type)?.dependsOn ?? []) visit(dep, [...path, type]);
    done.add(type);
  };
  for (const type of types.keys()) visit(type, []);
}

function parseSignalValue(raw: Json, at: string, fail: Fail): NodeJS.Signals {
  const signal = typeof raw === 'string' ? parseSignal(raw) : undefined;
  return signal ?? fail(at, `${JSON.stringify(raw)} is not a signal`, 'use a name like SIGTERM, SIGINT or SIGQUIT');
}

function parseDurationValue(raw: Json, at: string, fail: Fail): number {
  const reading = readDuration(raw);
  return reading.ok ? reading.ms : fail(at, reading.problem, reading.hint);
}

function parseSizeValue(raw: Json, at: string, fail: Fail): number {
  const reading = readSize(raw);
  return reading.ok ? reading.bytes : fail(at, reading.problem, reading.hint);
}

const POLICIES = ['stop', 'restart', 'ignore'];

function parseRestart(raw: Json, at: string, fail: Fail): RestartPolicy {
  if (typeof raw === 'string') return policyOf(raw, at, fail, DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW_MS);
  let policy: Json;
  let limit = DEFAULT_RESTART_LIMIT;
  let windowMs = DEFAULT_RESTART_WINDOW_MS;
  for (const [key, value] of entriesOf(raw, at, fail, 'stop, restart, ignore, or a mapping with policy, limit, window')) {
    if (key === 'policy') policy = value;
    else if (key === 'window') windowMs = parseDurationValue(value, `${at}.window`, fail);
    else if (key === 'limit') {
      if (!Number.isInteger(value) || (value as number) < 1) fail(`${at}.limit`, `${JSON.stringify(value)} is not a crash count`, 'use a whole number, 1 or more');
      limit = value as number;
    } else fail(`${at}.${key}`, 'unknown setting', 'known settings: policy, limit, window');
  }
  if (typeof policy !== 'string') return fail(`${at}.policy`, 'missing', `use one of ${POLICIES.join(', ')}`);
  return policyOf(policy, `${at}.policy`, fail, limit, windowMs);
}

function policyOf(name: string, at: string, fail: Fail, limit: number, windowMs: number): RestartPolicy {
  if (name === 'restart') return { kind: 'restart', limit, windowMs };
  if (name === 'stop' || name === 'ignore') return { kind: name };
  return fail(at, `"${name}" is not a restart policy`, `use one of ${POLICIES.join(', ')}`);
}

function parseReady(raw: Json, at: string, fail: Fail): ReadyCheck {
  const hint = 'use "port", "line /regex/" or "cmd COMMAND"';
  if (raw === 'port') return { kind: 'port' };
  if (typeof raw !== 'string') return fail(at, `${JSON.stringify(raw)} is not a ready check`, hint);
  const line = /^line\s+\/(.*)\/([a-z]*)$/.exec(raw);
  if (line) {
    try {
      return { kind: 'line', pattern: new RegExp(line[1]!, line[2]) };
    } catch (error) {
      return fail(at, `bad regular expression: ${(error as Error).message}`, hint);
    }
  }
  const cmd = /^cmd\s+(\S.*)$/.exec(raw);
  if (cmd) return { kind: 'cmd', command: cmd[1]! };
  return fail(at, `"${raw}" is not a ready check`, hint);
}

/**
 * The document as plain data. yaml refuses to expand more than 100 aliases (a "billion laughs"
 * document of nested aliases would fill memory) by throwing a plain ReferenceError, which must
 * reach the user as their error, not as a bug in tf.
 */
function toPlainData(doc: Document, counter: LineCounter, fail: (line: number | undefined, problem: string, hint: string) => never): Json {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let first: number | undefined;
    yaml().visit(doc, {
      Alias(_, node) {
        first ??= node.range?.[0];
      },
    });
    const line = first === undefined ? undefined : counter.linePos(first).line;
    return fail(line, `aliases (*name) expand to more than ${MAX_ALIASES} copies`, 'write the values out, or use fewer aliases');
  }
}

const MAX_ALIASES = 100;

/** The key path of the first key or string value with a NUL byte (`"\0"` in YAML), if any. */
function keyPathWithNul(value: Json, prefix = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? prefix || '(top level)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const path = Array.isArray(value) ? prefix : prefix ? `${prefix}.${key}` : key;
    if (key.includes('\0')) return path || '(top level)';
    const found = keyPathWithNul(child, path);
    if (found !== undefined) return found;
  }
  return undefined;
}

function entriesOf(value: Json, at: string, fail: Fail, expected: string): [string, Json][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(at || '(top level)', `expected ${expected}`);
  }
  return Object.entries(value);
}

function allKeyPaths(value: Json, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...allKeyPaths(child, path)];
  });
}

/**
 * Where a syntax error really is. yaml reports an unclosed quote or bracket at the end of the file
 * it swallowed; the user needs the line where the quote was opened, or at least a line that exists.
 */
function yamlErrorOffset(doc: Document, text: string, error: YAMLError): number {
  let offset = error.pos[0];
  if (error.code === 'MISSING_CHAR') {
    yaml().visit(doc, {
      Scalar(_, node) {
        if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === error.pos[0]) offset = node.range[0];
      },
    });
  }
  return Math.max(0, Math.min(offset, text.trimEnd().length - 1));
}

function nodeLine(doc: Document, counter: LineCounter, keyPath: string): number | undefined {
  const parts = keyPath.split('.');
  const parent = parts.length > 1 ? doc.getIn(parts.slice(0, -1), true) : doc.contents;
  if (!yaml().isMap(parent)) return undefined;
  const pair = parent.items.find((item) => String((item.key as { value?: unknown })?.value ?? item.key) === parts.at(-1));
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}
