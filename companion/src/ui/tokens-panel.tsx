import { useState } from 'preact/hooks';
import type { TokenView } from '../tokens/token-store';
import { limitOf, send } from './api';

function CreateToken({ onChange }: { onChange: () => void }) {
  const [name, setName] = useState('');
  const [rate, setRate] = useState('');
  const [daily, setDaily] = useState('');
  const [monthly, setMonthly] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await send<{ secret: string }>('POST', '/admin/api/tokens', { name, rateLimitPerMinute: limitOf(rate), dailyTokenQuota: limitOf(daily), monthlyTokenQuota: limitOf(monthly) });
    setError(r.error);
    if (r.data) {
      setSecret(r.data.secret);
      setName('');
      onChange();
    }
  };
  const field = (label: string, value: string, set: (v: string) => void) => (
    <label>
      {label} <input aria-label={label} type="number" min="0" value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </label>
  );
  return (
    <form onSubmit={submit} class="row">
      <label>
        token name <input aria-label="token name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>{' '}
      {field('requests/min', rate, setRate)} {field('tokens/day', daily, setDaily)} {field('tokens/month', monthly, setMonthly)}
      <button type="submit">Create token</button> <span class="bad">{error}</span>
      {secret && (
        <p>
          New token (shown once): <code class="secret">{secret}</code>
        </p>
      )}
    </form>
  );
}

const LIMITS = [
  ['rateLimitPerMinute', 'requests per minute'],
  ['dailyTokenQuota', 'daily quota'],
  ['monthlyTokenQuota', 'monthly quota'],
] as const;

function TokenRow({ t, onChange }: { t: TokenView; onChange: () => void }) {
  const [limits, setLimits] = useState(() => Object.fromEntries(LIMITS.map(([k]) => [k, t[k] === null ? '' : String(t[k])])) as Record<(typeof LIMITS)[number][0], string>);
  const [error, setError] = useState('');
  const save = async () => {
    const r = await send('PATCH', `/admin/api/tokens/${t.id}`, Object.fromEntries(LIMITS.map(([k]) => [k, limitOf(limits[k])])));
    setError(r.error);
    onChange();
  };
  const revoke = async () => {
    const r = await send('DELETE', `/admin/api/tokens/${t.id}`);
    setError(r.error);
    onChange();
  };
  return (
    <tr>
      <td>{t.name}</td><td><code>{t.hint}…</code></td>
      {LIMITS.map(([k, label]) => (
        <td key={k}>
          <input aria-label={`${label} of ${t.name}`} type="number" min="0" placeholder="none" value={limits[k]} onInput={(e) => setLimits({ ...limits, [k]: (e.target as HTMLInputElement).value })} />
        </td>
      ))}
      <td>{t.usage.dayTokens}</td><td>{t.usage.monthTokens}</td><td>{t.usage.requests}</td><td>{t.usage.lastUsed ?? 'never'}</td>
      <td><button onClick={save}>Save</button> <button onClick={revoke}>Revoke</button> <span class="bad">{error}</span></td>
    </tr>
  );
}

/** API tokens: create (secret shown once), daily quota, revoke; usage per token. */
export function TokensPanel({ tokens, apiAuth, onChange }: { tokens: TokenView[]; apiAuth: string; onChange: () => void }) {
  return (
    <section>
      <h2>API tokens</h2>
      <p>API access: <b>{apiAuth}</b>{apiAuth === 'open' ? ' (anyone who can reach this server may use it; creating a token turns bearer tokens on)' : ''}</p>
      <table>
        <thead><tr><th>name</th><th>token</th><th>req/min</th><th>tokens/day</th><th>tokens/month</th><th>used today</th><th>used this month</th><th>requests</th><th>last used</th><th></th></tr></thead>
        <tbody>{tokens.map((t) => <TokenRow key={t.id} t={t} onChange={onChange} />)}</tbody>
      </table>
      <CreateToken onChange={onChange} />
    </section>
  );
}
