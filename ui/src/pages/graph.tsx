// Graph: the depends_on graph of the process types with each process's live state, and the start
// timeline (when each process started and when it became ready), both as SVG.
import { store } from '../store';
import type { AppState, TimelineEntry } from '../types';

const NODE_W = 150;
const NODE_H = 54;
const GAP_X = 70;
const GAP_Y = 24;

export function GraphPage({ now }: { now: number }) {
  const state = store.state;
  if (!state) return <p class="empty">Loading…</p>;
  return (
    <section aria-label="Graph">
      <h2>Dependencies</h2>
      <DependencyGraph state={state} />
      <h2>Start timeline</h2>
      <Timeline entries={state.timeline} now={now} />
    </section>
  );
}

/** Columns by depth: a type sits one column right of the deepest type it depends on. */
function layers(state: AppState): Map<string, number> {
  const deps = new Map(state.types.map((t) => [t.type, t.dependsOn.filter((d) => state.types.some((x) => x.type === d))]));
  const depth = new Map<string, number>();
  const visit = (type: string, seen: Set<string>): number => {
    const known = depth.get(type);
    if (known !== undefined) return known;
    if (seen.has(type)) return 0; // tf refuses cycles; this only keeps a bad reply from looping
    seen.add(type);
    const d = Math.max(-1, ...(deps.get(type) ?? []).map((dep) => visit(dep, seen))) + 1;
    depth.set(type, d);
    return d;
  };
  for (const type of deps.keys()) visit(type, new Set());
  return depth;
}

function DependencyGraph({ state }: { state: AppState }) {
  const depth = layers(state);
  const columns: string[][] = [];
  for (const type of state.types) (columns[depth.get(type.type) ?? 0] ??= []).push(type.type);
  const position = new Map<string, { x: number; y: number }>();
  columns.forEach((column, c) => column.forEach((type, r) => position.set(type, { x: 10 + c * (NODE_W + GAP_X), y: 10 + r * (NODE_H + GAP_Y) })));
  const width = 20 + columns.length * (NODE_W + GAP_X) - GAP_X;
  const height = 20 + Math.max(1, ...columns.map((c) => c.length)) * (NODE_H + GAP_Y) - GAP_Y;
  return (
    <div class="scroll">
      <svg class="graph" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="depends_on graph of the process types">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
          </marker>
        </defs>
        {state.types.flatMap((type) =>
          type.dependsOn.map((dep) => {
            const a = position.get(dep);
            const b = position.get(type.type);
            if (!a || !b) return null;
            return <line key={`${dep}->${type.type}`} class="edge" x1={a.x + NODE_W} y1={a.y + NODE_H / 2} x2={b.x} y2={b.y + NODE_H / 2} marker-end="url(#arrow)" />;
          }),
        )}
        {state.types.map((type) => {
          const at = position.get(type.type)!;
          const rows = state.processes.filter((p) => p.type === type.type);
          return (
            <g key={type.type} class="node" data-type={type.type} transform={`translate(${at.x},${at.y})`}>
              <rect width={NODE_W} height={NODE_H} rx="6" />
              <text x="10" y="20" class="node-title">
                {type.type} × {rows.length}
              </text>
              {rows.slice(0, 12).map((row, i) => (
                <circle key={row.name} cx={14 + i * 11} cy="38" r="4.5" class={`dot st-${row.state}`}>
                  <title>
                    {row.name}: {row.state}
                  </title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function Timeline({ entries, now }: { entries: TimelineEntry[]; now: number }) {
  if (entries.length === 0) return <p class="empty">Nothing has started yet.</p>;
  const start = Math.min(...entries.map((e) => e.startedAt));
  const end = Math.max(...entries.map((e) => e.readyAt ?? Math.min(now, e.startedAt + 60_000)), start + 1);
  const width = 640;
  const labelW = 110;
  const rowH = 22;
  const height = entries.length * rowH + 24;
  const x = (t: number) => labelW + ((t - start) / (end - start)) * (width - labelW - 70);
  return (
    <div class="scroll">
      <svg class="timeline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Start timeline">
        {entries.map((entry, i) => {
          const y = i * rowH + 4;
          const ready = entry.readyAt;
          const barEnd = ready ?? end;
          return (
            <g key={entry.name} class={ready === null ? 'pending' : 'ready'}>
              <text x="0" y={y + 13} class="label">
                {entry.name}
              </text>
              <rect x={x(entry.startedAt)} y={y + 2} width={Math.max(2, x(barEnd) - x(entry.startedAt))} height={rowH - 8} rx="3" />
              <text x={x(barEnd) + 6} y={y + 13} class="label muted">
                {ready === null ? 'not ready' : span(ready - entry.startedAt)}
              </text>
            </g>
          );
        })}
        <text x={labelW} y={height - 4} class="label muted">
          0 s
        </text>
        <text x={width - 70} y={height - 4} class="label muted" text-anchor="end">
          {span(end - start)}
        </text>
      </svg>
    </div>
  );
}

function span(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
