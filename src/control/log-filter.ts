import { TfError } from '../util/errors.js';

/**
 * `tf logs web worker.2`: which of tf's output lines come from the named processes or types. It
 * reads the lines as the multiplexer wrote them, text (`12:00:01 web.1  | ...`, the label maybe
 * coloured) or NDJSON (`{"time":...,"process":"web.1",...}`), so the log tail keeps no second copy.
 */
export interface LogFilter {
  /** The lines of `text` (whole lines) that pass. */
  keep(text: string): string;
  /** The last `count` lines of `text` that pass. */
  last(text: string, count: number): string;
}

// The label: optional time, optional colour codes, the name padded with spaces, then " |".
const TEXT_LABEL = /^(?:\d\d:\d\d:\d\d )?(?:\x1b\[[\d;]*m)*(\S+?) *\|/;
const JSON_PROCESS = /^\{"time":"[^"]*","process":("(?:[^"\\]|\\.)*")/;

/** The process (or "system") a line of tf's output is from; undefined for a line of no source. */
export function sourceOf(line: string): string | undefined {
  const json = JSON_PROCESS.exec(line);
  if (json) return JSON.parse(json[1]!) as string;
  return TEXT_LABEL.exec(line)?.[1];
}

/** A process matches its own name (web.2) and its type (web). */
export function matchesTarget(source: string, targets: readonly string[]): boolean {
  const type = source.replace(/\.\d+$/, '');
  return targets.includes(source) || targets.includes(type);
}

/** Colour codes (SGR): a line is matched as it reads, not as it is painted. */
export const SGR = /\x1b\[[\d;]*m/g;

/** No targets and no pattern: every line passes. `grep` is matched against the line without colour. */
export function logFilter(targets: readonly string[], grep?: RegExp): LogFilter {
  const passes = (line: string): boolean => {
    // Without its newline, so that `ERROR$` means the end of the line.
    if (grep !== undefined && !grep.test(line.replace(SGR, '').replace(/\r?\n$/, ''))) return false;
    if (targets.length === 0) return true;
    const source = sourceOf(line);
    return source !== undefined && matchesTarget(source, targets);
  };
  const all = targets.length === 0 && grep === undefined;
  const lines = (text: string): string[] => text.split(/(?<=\n)/);
  return {
    keep: (text) => (all ? text : lines(text).filter(passes).join('')),
    last(text, count) {
      if (count === 0) return '';
      return (all ? lines(text) : lines(text).filter(passes)).slice(-count).join('');
    },
  };
}

/** A --grep pattern as a RegExp, or a one-line error naming it. */
export function grepPattern(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new TfError(`--grep: "${source}" is not a regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`, 'e.g. --grep "ERROR|WARN"');
  }
}
