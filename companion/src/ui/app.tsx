import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { BackendStats, ModelInfo } from '../backends/types';

/** The admin page: models with their device and load, upstream replicas and health, stats and log. */

/** What `/admin/api/state` lists per model: its description plus live numbers. */
type ModelState = ModelInfo & { stats: BackendStats };

interface State {
  models: ModelState[];
  caps_version: number;
  api_auth: string;
  about: Record<string, unknown>;
  log: string[];
}

function roles(m: ModelState): string {
  return [m.completion && 'completion', m.chat && 'chat', m.embedding && 'embedding'].filter(Boolean).join(', ');
}

function Login({ onDone }: { onDone: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await fetch('/admin/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    if (r.ok) onDone();
    else setError('Wrong admin token.');
  };
  return (
    <section>
      <h2>Admin token</h2>
      <form onSubmit={submit}>
        <input type="password" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />{' '}
        <button type="submit">Sign in</button> <span class="bad">{error}</span>
      </form>
    </section>
  );
}

function Models({ models }: { models: ModelState[] }) {
  return (
    <section>
      <h2>Models</h2>
      <table>
        <thead><tr><th>model</th><th>backend</th><th>roles</th><th>n_ctx</th><th>running</th><th>queued</th><th>capacity</th></tr></thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.name}>
              <td>{m.name}</td><td>{m.backend}</td><td>{roles(m)}</td><td>{m.nCtx}</td>
              <td>{m.stats.active}</td><td>{m.stats.queued}</td><td>{m.stats.capacity}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Upstreams({ models }: { models: ModelState[] }) {
  const rows = models.flatMap((m) => m.stats.replicas.map((r) => ({ model: m.name, ...r })));
  if (rows.length === 0) return null;
  return (
    <section>
      <h2>Upstreams</h2>
      <table>
        <thead><tr><th>model</th><th>replica</th><th>health</th><th>in flight</th><th>last error</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.model + r.url}>
              <td>{r.model}</td><td>{r.url}</td><td class={r.healthy ? 'ok' : 'bad'}>{r.healthy ? 'healthy' : 'down'}</td><td>{r.inFlight}</td><td>{r.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function App() {
  const [state, setState] = useState<State | null>(null);
  const [needLogin, setNeedLogin] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stop = false;
    fetch('/admin/api/state').then(async (r) => {
      if (stop) return;
      if (r.status === 401) setNeedLogin(true);
      else if (r.ok) setState((await r.json()) as State);
    }).catch(() => {});
    const t = setTimeout(() => setTick(tick + 1), 2000);
    return () => { stop = true; clearTimeout(t); };
  }, [tick]);
  if (needLogin) return <Login onDone={() => { setNeedLogin(false); setTick(tick + 1); }} />;
  if (!state) return <section>Loading…</section>;
  return (
    <>
      <Models models={state.models} />
      <Upstreams models={state.models} />
      <section>
        <h2>Server</h2>
        <table><tbody>
          <tr><td>API auth</td><td>{state.api_auth}</td></tr>
          <tr><td>caps version</td><td>{state.caps_version}</td></tr>
          {Object.entries(state.about).map(([k, v]) => <tr key={k}><td>{k}</td><td>{typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>)}
        </tbody></table>
      </section>
      <section>
        <h2>Server log</h2>
        <pre>{state.log.join('\n')}</pre>
      </section>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
