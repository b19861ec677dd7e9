// tf ui: the dashboard of a running `tf start`. Preact (4 kB) keeps the page small and quick to load;
// everything else is this folder. Pages are hash routes so a reload or a bookmark keeps the page.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { GraphPage } from './pages/graph';
import { LogsPage } from './pages/logs';
import { ProcessesPage } from './pages/processes';
import { ReleasesPage } from './pages/releases';
import { start, store, subscribe } from './store';

const PAGES = ['processes', 'logs', 'releases', 'graph'] as const;
type Page = (typeof PAGES)[number];
const TITLES: Record<Page, string> = { processes: 'Processes', logs: 'Logs', releases: 'Releases', graph: 'Graph' };

function currentPage(): Page {
  const name = location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'processes';
}

function App() {
  const [page, setPage] = useState(currentPage());
  const [, setVersion] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => subscribe(() => setVersion((v) => v + 1)), []);
  useEffect(() => {
    const onHash = () => setPage(currentPage());
    window.addEventListener('hashchange', onHash);
    // The hash may have changed between the first render and this listener.
    onHash();
    // Uptimes and sparklines move on every second.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      window.removeEventListener('hashchange', onHash);
      clearInterval(tick);
    };
  }, []);
  const state = store.state;
  useEffect(() => {
    document.title = state ? `${TITLES[page]} · ${state.app.name} · tf` : 'tf';
  }, [page, state?.app.name]);
  return (
    <>
      <header>
        <h1>
          tf <span class="app">{state?.app.name ?? ''}</span>
        </h1>
        <nav aria-label="Pages">
          {PAGES.map((name) => (
            <a key={name} href={`#/${name}`} class={name === page ? 'tab active' : 'tab'} aria-current={name === page ? 'page' : undefined}>
              {TITLES[name]}
            </a>
          ))}
        </nav>
        <span class={`connection ${store.connection}`} role="status">
          {store.connection === 'live' ? 'live' : store.connection === 'lost' ? 'tf is not answering' : 'connecting…'}
        </span>
      </header>
      {store.error && (
        <p class="error" role="alert">
          {store.error}
          <button type="button" class="dismiss" onClick={() => ((store.error = null), setVersion((v) => v + 1))} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
      <main>
        {page === 'processes' && <ProcessesPage now={now} />}
        {page === 'logs' && <LogsPage />}
        {page === 'releases' && <ReleasesPage />}
        {page === 'graph' && <GraphPage now={now} />}
      </main>
    </>
  );
}

start();
render(<App />, document.getElementById('app')!);
