import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { BackendStats, ModelInfo } from '../backends/types';
import type { TokenView } from '../tokens/token-store';
import { send } from './api';
import { ModelsPanel, type ModelsState } from './models-panel';
import { TokensPanel } from './tokens-panel';

/** The admin page: models and devices, upstreams and health, API tokens, live stats and the log. */

interface ServerState {
  models: Array<ModelInfo & { stats: BackendStats }>;
  caps_version: number;
  api_auth: string;
  about: Record<string, unknown>;
  log: string[];
}

interface Everything {
  server: ServerState;
  models: ModelsState;
  tokens: TokenView[];
}

function Login({ onDone }: { onDone: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await send('POST', '/admin/login', { token });
    if (r.ok) onDone();
    else setError('Wrong admin token.');
  };
  return (
    <section>
      <h2>Admin token</h2>
      <form onSubmit={submit}>
        <input aria-label="admin token" type="password" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />{' '}
        <button type="submit">Sign in</button> <span class="bad">{error}</span>
      </form>
    </section>
  );
}

function Upstreams({ models }: { models: ServerState['models'] }) {
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

async function fetchAll(): Promise<Everything | 'login'> {
  const [server, models, tokens] = await Promise.all([
    send<ServerState>('GET', '/admin/api/state'),
    send<ModelsState>('GET', '/admin/api/models'),
    send<{ tokens: TokenView[] }>('GET', '/admin/api/tokens'),
  ]);
  if (server.status === 401) return 'login';
  if (!server.data || !models.data || !tokens.data) throw new Error(server.error || models.error || tokens.error);
  return { server: server.data, models: models.data, tokens: tokens.data.tokens };
}

function App() {
  const [state, setState] = useState<Everything | null>(null);
  const [needLogin, setNeedLogin] = useState(false);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  useEffect(() => {
    let stop = false;
    fetchAll().then((s) => {
      if (stop) return;
      if (s === 'login') setNeedLogin(true);
      else setState(s);
    }).catch(() => {});
    const t = setTimeout(refresh, 2000);
    return () => { stop = true; clearTimeout(t); };
  }, [tick]);
  if (needLogin) return <Login onDone={() => { setNeedLogin(false); refresh(); }} />;
  if (!state) return <section>Loading…</section>;
  const { server } = state;
  return (
    <>
      <ModelsPanel state={state.models} onChange={refresh} />
      <Upstreams models={server.models} />
      <TokensPanel tokens={state.tokens} apiAuth={server.api_auth} onChange={refresh} />
      <section>
        <h2>Server</h2>
        <table><tbody>
          <tr><td>caps version</td><td>{server.caps_version}</td></tr>
          {Object.entries(server.about).map(([k, v]) => <tr key={k}><td>{k}</td><td>{typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>)}
        </tbody></table>
      </section>
      <section>
        <h2>Server log</h2>
        <pre>{server.log.join('\n')}</pre>
      </section>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
