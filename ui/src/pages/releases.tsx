// Releases: the timeline, the env diff and files changed between any two releases (values masked;
// a click fetches one value), rollback with confirmation.
import { useEffect, useState } from 'preact/hooks';
import { runAction } from '../actions';
import { getJson, query } from '../api';
import { dateTime } from '../format';
import { store } from '../store';
import type { Release, ReleaseDiff } from '../types';

export function ReleasesPage() {
  const [releases, setReleases] = useState<Release[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const load = () =>
    getJson<{ releases: Release[] }>('/api/releases')
      .then(({ releases: list }) => {
        setReleases(list);
        setTo((current) => current || list[0]?.id || '');
        setFrom((current) => current || list[1]?.id || list[0]?.id || '');
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [store.state?.release]);

  if (error) return <p class="error">{error}</p>;
  if (!releases) return <p class="empty">Loading…</p>;
  if (releases.length === 0) {
    return (
      <p class="empty">
        No releases yet. <code>tf release create</code> builds one; <code>tf start --release</code> runs it.
      </p>
    );
  }
  const rollback = (id: string) =>
    void runAction({
      title: `Roll back to ${id}?`,
      detail: 'tf points current at it and restarts the processes that run a release, as `tf release rollback` does.',
      label: `Roll back to ${id}`,
      danger: true,
      path: '/api/rollback',
      body: { release: id },
    }).then((done) => done && void load());
  return (
    <section aria-label="Releases">
      <div class="scroll">
        <table class="releases">
          <thead>
            <tr>
              <th>Release</th>
              <th>Created</th>
              <th>Kind</th>
              <th>Description</th>
              <th>Status</th>
              <th>
                <abbr title="Compare from">From</abbr>
              </th>
              <th>
                <abbr title="Compare to">To</abbr>
              </th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {releases.map((release) => (
              <tr key={release.id} data-release={release.id} class={release.current ? 'current' : ''}>
                <td class="name">
                  {release.id}
                  {release.current && <span class="tag">current</span>}
                  {release.inUse && <span class="tag in-use">in use</span>}
                </td>
                <td>{dateTime(release.createdAt)}</td>
                <td>{release.kind}</td>
                <td>{release.description}</td>
                <td>
                  <span class={`status s-${release.status}`}>{release.status}</span>
                </td>
                <td>
                  <input type="radio" name="from" checked={from === release.id} onChange={() => setFrom(release.id)} aria-label={`Compare from ${release.id}`} />
                </td>
                <td>
                  <input type="radio" name="to" checked={to === release.id} onChange={() => setTo(release.id)} aria-label={`Compare to ${release.id}`} />
                </td>
                <td>
<div class="actions">
                  {!release.current && release.status === 'ok' && (
                    <button type="button" onClick={() => rollback(release.id)}>
                      Roll back
                    </button>
                  )}
                </div>
</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {from && to && <Diff key={`${from}..${to}`} from={from} to={to} />}
    </section>
  );
}

function Diff({ from, to }: { from: string; to: string }) {
  const [diff, setDiff] = useState<ReleaseDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showSame, setShowSame] = useState(false);
  useEffect(() => {
    getJson<ReleaseDiff>(`/api/releases/diff${query({ from, to })}`)
      .then(setDiff)
      .catch((e: Error) => setError(e.message));
  }, [from, to]);
  if (error) return <p class="error">{error}</p>;
  if (!diff) return <p class="empty">Loading the diff…</p>;
  const env = showSame ? diff.env : diff.env.filter((entry) => entry.change !== 'same');
  return (
    <div class="diff">
      <h2>
        Environment: {from} → {to}
      </h2>
      <label class="inline">
        <input type="checkbox" checked={showSame} onChange={() => setShowSame(!showSame)} /> Show unchanged keys
      </label>
      {env.length === 0 ? (
        <p class="empty">No environment changes.</p>
      ) : (
        <div class="scroll">
          <table class="env-diff">
            <thead>
              <tr>
                <th>Key</th>
                <th>Change</th>
                <th>{from}</th>
                <th>{to}</th>
              </tr>
            </thead>
            <tbody>
              {env.map((entry) => (
                <tr key={entry.key} data-key={entry.key} class={`c-${entry.change}`}>
                  <td class="name">{entry.key}</td>
                  <td>{entry.change}</td>
                  <td>{entry.change !== 'added' && <Secret release={from} name={entry.key} />}</td>
                  <td>{entry.change !== 'removed' && <Secret release={to} name={entry.key} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Files</h2>
      {diff.files.length === 0 ? (
        <p class="empty">No files changed.</p>
      ) : (
        <ul class="files">
          {diff.files.map((file) => (
            <li key={file.path} class={`c-${file.change}`}>
              <span class="change">{file.change}</span> <code>{file.path}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A masked value: one click fetches and shows it, another hides it again. */
function Secret({ release, name }: { release: string; name: string }) {
  const [value, setValue] = useState<string | null>(null);
  const toggle = () => {
    if (value !== null) return setValue(null);
    getJson<{ value: string }>(`/api/releases/value${query({ release, key: name })}`)
      .then((reply) => setValue(reply.value))
      .catch((e: Error) => setValue(`(${e.message})`));
  };
  return (
    <button type="button" class="secret" onClick={toggle} aria-label={value === null ? `Reveal ${name} in ${release}` : `Hide ${name} in ${release}`}>
      {value === null ? '••••••' : <code>{value}</code>}
    </button>
  );
}
