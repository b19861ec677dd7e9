// Logs: the merged stream or one process's (or type's), live, colours rendered, a regex search that
// filters and highlights, pause/resume, jump to newest, download. Rendering is virtualised: only the
// rows in view exist in the DOM, so a flood of lines costs a buffer append and a few dozen rows.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Line, Segment } from '../ansi';
import { getJson, query } from '../api';
import { LogBuffer } from '../log-buffer';
import { logs, onLogText, onTailLost, setLogCapacity, store } from '../store';

/** Must match `.log-row`'s height in style.css. */
const ROW = 18;
const OVERSCAN = 20;

export function LogsPage() {
  const [target, setTarget] = useState('');
  const [search, setSearch] = useState('');
  const [paused, setPaused] = useState<readonly Line[] | null>(null);
  const buffer = useTargetBuffer(target);
  const pattern = useMemo(() => compile(search), [search]);
  const live = buffer.all();
  const lines = paused ?? live;
  const shown = useMemo(
    () => (pattern.regex ? lines.filter((line) => pattern.regex!.test(line.plain)) : lines),
    // The buffer's version changes with every append; the array itself is mutated in place.
    [lines, buffer.version, paused, pattern],
  );
  const names = targetNames();
  return (
    <section class="logs-page" aria-label="Logs">
      <div class="toolbar">
        <label>
          <span class="sr-only">Show logs of</span>
          <select value={target} onChange={(e) => (setPaused(null), setTarget((e.target as HTMLSelectElement).value))} aria-label="Show logs of">
            <option value="">All processes</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          class={pattern.error ? 'invalid' : ''}
          placeholder="Search (regex)"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          aria-label="Search logs (regular expression)"
          aria-invalid={pattern.error ? 'true' : 'false'}
          title={pattern.error ?? ''}
        />
        <button type="button" aria-pressed={paused !== null} onClick={() => setPaused(paused ? null : [...live])}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => download(shown, target)}>
          Download
        </button>
        <Capacity />
        <span class="muted count" aria-live="polite">
          {shown.length === lines.length ? `${lines.length} lines` : `${shown.length} of ${lines.length} lines`}
          {paused ? ' · paused' : ''}
        </span>
      </div>
      <LogView lines={shown} highlight={pattern.highlight} />
    </section>
  );
}

/** The merged buffer, or a buffer of one process's lines fetched and then fed from the stream. */
function useTargetBuffer(target: string): LogBuffer {
  const own = useMemo(() => (target ? new LogBuffer(logs.capacity) : null), [target]);
  useEffect(() => {
    if (!own) return;
    const accept = (line: Line) => line.source === target || line.source.startsWith(`${target}.`);
    const fetchTail = () =>
      void getJson<{ text: string }>(`/api/logs${query({ targets: target, lines: logs.capacity })}`)
        .then(({ text }) => own.reset(text))
        .catch((error: Error) => (store.error = error.message));
    fetchTail();
    const offText = onLogText((text) => own.append(text, accept));
    const offLost = onTailLost(fetchTail);
    return () => {
      offText();
      offLost();
    };
  }, [own]);
  if (own && own.capacity !== logs.capacity) own.setCapacity(logs.capacity);
  return own ?? logs;
}

function targetNames(): string[] {
  const state = store.state;
  if (!state) return [];
  const names: string[] = [];
  for (const type of state.types) {
    const rows = state.processes.filter((p) => p.type === type.type);
    if (rows.length !== 1 || rows[0].name !== type.type) names.push(type.type);
    for (const row of rows) names.push(row.name);
  }
  return names;
}

function Capacity() {
  return (
    <label class="capacity">
      Keep
      <select value={String(logs.capacity)} onChange={(e) => setLogCapacity(Number((e.target as HTMLSelectElement).value))}>
        {[1000, 5000, 20000, 50000].map((n) => (
          <option key={n} value={String(n)}>
            {n.toLocaleString()}
          </option>
        ))}
      </select>
      lines
    </label>
  );
}

interface Pattern {
  regex: RegExp | null;
  highlight: RegExp | null;
  error: string | null;
}

function compile(search: string): Pattern {
  if (!search) return { regex: null, highlight: null, error: null };
  try {
    // Case-insensitive unless the search has a capital letter (as in less and vim's smartcase).
    const flags = /[A-Z]/.test(search) ? '' : 'i';
    return { regex: new RegExp(search, flags), highlight: new RegExp(search, `${flags}g`), error: null };
  } catch (error) {
    return { regex: null, highlight: null, error: (error as Error).message };
  }
}

function LogView({ lines, highlight }: { lines: readonly Line[]; highlight: RegExp | null }) {
  const view = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [following, setFollowing] = useState(true);

  useEffect(() => {
    const element = view.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = view.current;
    if (element && following) element.scrollTop = element.scrollHeight;
  });

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const rows: preact.JSX.Element[] = [];
  for (let i = first; i < last; i++) rows.push(<LogRow key={lines[i].seq} line={lines[i]} highlight={highlight} />);

  const onScroll = () => {
    const element = view.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    setFollowing(element.scrollTop + element.clientHeight >= element.scrollHeight - ROW * 2);
  };

  return (
    <div class="log-wrap">
      <div class="log-view" ref={view} onScroll={onScroll} tabIndex={0} role="log" aria-label="Log lines">
        <div class="log-inner" style={{ height: `${lines.length * ROW}px` }}>
          <div class="log-rows" style={{ transform: `translateY(${first * ROW}px)` }}>
            {rows}
          </div>
        </div>
      </div>
      {!following && (
        <button
          type="button"
          class="jump"
          onClick={() => {
            setFollowing(true);
            view.current?.scrollTo({ top: view.current.scrollHeight });
          }}
        >
          Jump to newest ↓
        </button>
      )}
    </div>
  );
}

function LogRow({ line, highlight }: { line: Line; highlight: RegExp | null }) {
  const marks = highlight ? matches(line.plain, highlight) : [];
  const parts: preact.JSX.Element[] = [];
  let at = 0;
  line.segments.forEach((segment, index) => {
    parts.push(<SegmentView key={index} segment={segment} start={at} marks={marks} />);
    at += segment.text.length;
  });
  return <div class="log-row">{parts.length ? parts : ' '}</div>;
}

/** The [start, end) ranges the search matches in a line. */
function matches(text: string, regex: RegExp): [number, number][] {
  const ranges: [number, number][] = [];
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match; match = regex.exec(text)) {
    if (match[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}

function SegmentView({ segment, start, marks }: { segment: Segment; start: number; marks: [number, number][] }) {
  const style = segment.color || segment.background ? { color: segment.color, backgroundColor: segment.background } : undefined;
  const end = start + segment.text.length;
  const pieces: (string | preact.JSX.Element)[] = [];
  let at = start;
  for (const [from, to] of marks) {
    if (to <= at || from >= end) continue;
    if (from > at) pieces.push(segment.text.slice(at - start, from - start));
    const stop = Math.min(to, end);
    pieces.push(<mark key={from}>{segment.text.slice(Math.max(from, at) - start, stop - start)}</mark>);
    at = stop;
  }
  if (at < end) pieces.push(segment.text.slice(at - start));
  if (!segment.cls && !style) return <>{pieces}</>;
  return (
    <span class={segment.cls || undefined} style={style}>
      {pieces}
    </span>
  );
}

function download(lines: readonly Line[], target: string): void {
  const blob = new Blob([lines.map((line) => line.plain).join('\n') + '\n'], { type: 'text/plain' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${store.state?.app.name ?? 'tf'}-${target || 'all'}.log`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
