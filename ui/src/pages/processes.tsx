// Processes: every process with its state, pid, port, uptime, restarts, last exit, CPU and memory
// (with ten-minute sparklines), grouped by type with totals; restart, stop, start and scale.
import { useState } from 'preact/hooks';
import { runAction } from '../actions';
import { bytes, duration, percent } from '../format';
import { Sparkline } from '../sparkline';
import { store } from '../store';
import type { ProcessInfo, TypeInfo } from '../types';

const RUNNING = new Set(['starting', 'ready', 'running', 'draining']);

export function ProcessesPage({ now }: { now: number }) {
  const state = store.state;
  if (!state) return <p class="empty">Loading…</p>;
  const byType = new Map<string, ProcessInfo[]>();
  for (const type of state.types) byType.set(type.type, []);
  for (const row of state.processes) {
    if (!byType.has(row.type)) byType.set(row.type, []);
    byType.get(row.type)!.push(row);
  }
  const types = new Map(state.types.map((t) => [t.type, t]));
  return (
    <section aria-label="Processes">
      <div class="toolbar">
        <button type="button" onClick={() => restart([], 'every process')}>
          Restart all
        </button>
      </div>
      <div class="scroll">
        <table class="processes">
          <thead>
            <tr>
              <th>Process</th>
              <th>State</th>
              <th>PID</th>
              <th>Port</th>
              <th>Release</th>
              <th>Uptime</th>
              <th>Restarts</th>
              <th>Last exit</th>
              <th>CPU</th>
              <th>Memory</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          {[...byType].map(([type, rows]) => (
            <TypeGroup key={type} type={types.get(type) ?? { type, count: rows.length, dependsOn: [], web: false }} rows={rows} now={now} />
          ))}
        </table>
      </div>
    </section>
  );
}

function TypeGroup({ type, rows, now }: { type: TypeInfo; rows: ProcessInfo[]; now: number }) {
  const cpu = total(rows.map((r) => r.cpuPercent));
  const rss = total(rows.map((r) => r.rssBytes));
  return (
    <tbody data-type={type.type}>
      <tr class="type-row">
        <th scope="rowgroup" colSpan={8}>
          <span class="type-name">{type.type}</span>
          <span class="muted"> × {rows.length}</span>
          {type.dependsOn.length > 0 && <span class="muted"> · after {type.dependsOn.join(', ')}</span>}
        </th>
        <td class="num" data-label="CPU">{percent(cpu)}</td>
        <td class="num" data-label="Memory">{bytes(rss)}</td>
        <td class="cell-actions">
<div class="actions">
          <Scale type={type.type} count={rows.length} />
          <button type="button" onClick={() => restart([type.type], `every ${type.type} process`)} aria-label={`Restart ${type.type}`}>
            Restart
          </button>
        </div>
</td>
      </tr>
      {rows.map((row) => (
        <ProcessRow key={row.name} row={row} web={type.web} now={now} />
      ))}
    </tbody>
  );
}

function ProcessRow({ row, web, now }: { row: ProcessInfo; web: boolean; now: number }) {
  const samples = store.metrics.get(row.name);
  const uptime = row.uptimeMs === null ? null : row.uptimeMs + (now - store.receivedAt);
  const running = RUNNING.has(row.state);
  return (
    <tr class="process" data-name={row.name}>
      <td class="name">{row.name}</td>
      <td data-label="State">
        <span class={`state st-${row.state}`}>{row.state}</span>
      </td>
      <td class="num pid" data-label="PID">{row.pid ?? '–'}</td>
      <td class="num" data-label="Port">
        {web && row.port ? (
          <a href={`http://localhost:${row.port}`} target="_blank" rel="noopener noreferrer">
            {row.port}
          </a>
        ) : (
          row.port || '–'
        )}
      </td>
      <td data-label="Release">{row.release ?? <span class="muted">working tree</span>}</td>
      <td class="num" data-label="Uptime">{running ? duration(uptime) : '–'}</td>
      <td class="num" data-label="Restarts">{row.restarts}</td>
      <td data-label="Last exit">{lastExit(row)}</td>
      <td class="metric" data-label="CPU">
        <span class="num cpu">{percent(row.cpuPercent)}</span>
        <Sparkline samples={samples} field={1} now={now} label={`CPU of ${row.name}, last 10 minutes`} />
      </td>
      <td class="metric" data-label="Memory">
        <span class="num mem">{bytes(row.rssBytes)}</span>
        <Sparkline samples={samples} field={2} now={now} label={`Memory of ${row.name}, last 10 minutes`} />
      </td>
      <td class="cell-actions">
<div class="actions">
        <button type="button" onClick={() => restart([row.name], row.name)} aria-label={`Restart ${row.name}`}>
          Restart
        </button>
        {running ? (
          <button type="button" onClick={() => stop(row.name)} aria-label={`Stop ${row.name}`}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => startProcess(row.name)} aria-label={`Start ${row.name}`}>
            Start
          </button>
        )}
      </div>
</td>
    </tr>
  );
}

function Scale({ type, count }: { type: string; count: number }) {
  const [value, setValue] = useState('');
  const scale = (to: number) => {
    if (!Number.isInteger(to) || to < 0) return;
    void runAction({
      title: `Scale ${type} to ${to}?`,
      detail: `${type} runs ${count} now.`,
      label: `Scale to ${to}`,
      danger: to < count,
      path: '/api/scale',
      body: { formation: { [type]: to } },
    }).then(() => setValue(''));
  };
  return (
    <form
      class="scale"
      onSubmit={(event) => {
        event.preventDefault();
        if (value !== '') scale(Number(value));
      }}
    >
      <button type="button" onClick={() => scale(count - 1)} disabled={count === 0} aria-label={`Scale ${type} down`}>
        −
      </button>
      <input
        type="number"
        min={0}
        inputMode="numeric"
        placeholder={String(count)}
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        aria-label={`How many ${type} processes`}
      />
      <button type="button" onClick={() => scale(count + 1)} aria-label={`Scale ${type} up`}>
        +
      </button>
    </form>
  );
}

function lastExit(row: ProcessInfo): string {
  if (row.lastExit === null) return '–';
  const why = [row.lastExitReason, row.lastExitSignal].filter(Boolean).join(', ');
  return why ? `${row.lastExit} (${why})` : String(row.lastExit);
}

function total(values: (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

function restart(targets: string[], what: string): void {
  void runAction({
    title: `Restart ${what}?`,
    detail: 'tf restarts them as `tf restart` does: web types one at a time, in depends_on order.',
    label: 'Restart',
    path: '/api/restart',
    body: { targets },
  });
}

function stop(name: string): void {
  void runAction({ title: `Stop ${name}?`, detail: 'It stays stopped until you start it again.', label: 'Stop', danger: true, path: '/api/stop', body: { targets: [name] } });
}

function startProcess(name: string): void {
  void runAction({ title: `Start ${name}?`, label: 'Start', path: '/api/start', body: { targets: [name] } });
}
