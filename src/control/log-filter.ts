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

/** No targets: every line passes. */
export function logFilter(targets: readonly string[]): LogFilter {
  const passes = (line: string): boolean => {
    const source = sourceOf(line);
    return source !== undefined && matchesTarget(source, targets);
  };
  const lines = (text: string): string[] => text.split(/(?<=\n)/);
  return {
    keep: (text) => (targets.length === 0 ? text : lines(text).filter(passes).join('')),
    last(text, count) {
      if (count === 0) return '';
      const kept = targets.length === 0 ? lines(text) : lines(text).filter(passes);
      return kept.slice(-count).join('');
    },
  };
}
