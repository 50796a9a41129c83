import { useState } from 'preact/hooks';
import type { BackendStats, ModelInfo, Placement } from '../backends/types';
import type { ModelSummary } from '../metrics';
import type { DownloadJob } from '../models/downloads';
import { bytes, send } from './api';

/** What `/admin/api/models` answers. */
export interface ModelsState {
  models: Array<ModelInfo & { stats: BackendStats; summary: ModelSummary; local: { origin: string; placement: Placement } | null }>;
  weights: Array<{ name: string; size: number; sha256: string | null; loaded: boolean }>;
  registry: Array<{ name: string; roles: string[]; nCtx: number; downloaded: boolean }>;
  downloads: DownloadJob[];
  failures: Record<string, string>;
  compute: string | null;
  gpus: string[];
  vram: { total: number; used: number; free: number } | null;
}

type Row = ModelsState['models'][number];

function roles(m: ModelInfo): string {
  return [m.completion && 'completion', m.chat && 'chat', m.embedding && 'embedding'].filter(Boolean).join(', ');
}

function device(m: Row, compute: string | null): string {
  if (!m.local) return 'upstream';
  const p = m.local.placement;
  if (p.gpuLayers === 0 || compute === 'cpu' || compute === null) return `CPU (${bytes(p.sizeBytes)})`;
  return `${compute.toUpperCase()} ${p.gpuLayers}/${p.totalLayers} layers (${bytes(p.sizeBytes)})`;
}

/** The placement choices a load offers; GPU ones only when node-llama-cpp found a GPU. */
const PLACEMENTS: Array<[string, string]> = [['auto', 'GPU, fit to free memory'], ['max', 'GPU, all layers'], ['0', 'CPU']];

function LoadForm({ state, onChange }: { state: ModelsState; onChange: () => void }) {
  const choices = state.weights.filter((w) => !w.loaded);
  const [name, setName] = useState('');
  const [placement, setPlacement] = useState(state.compute === 'cpu' ? '0' : 'auto');
  const [embedding, setEmbedding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const chosen = name || choices[0]?.name || '';
  const load = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await send('POST', '/admin/api/models', { name: chosen, gpuLayers: placement === 'auto' || placement === 'max' ? placement : Number(placement), embedding });
    setBusy(false);
    setError(r.error);
    onChange();
  };
  if (choices.length === 0) return <p>Every GGUF in the perm dir is loaded; download or import one to load more.</p>;
  return (
    <form onSubmit={load} class="row">
      <select aria-label="weights to load" value={chosen} onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
        {choices.map((w) => <option key={w.name} value={w.name}>{w.name} ({bytes(w.size)})</option>)}
      </select>{' '}
      <select aria-label="device" value={placement} onChange={(e) => setPlacement((e.target as HTMLSelectElement).value)}>
        {PLACEMENTS.filter(([v]) => state.compute !== 'cpu' || v === '0').map(([v, label]) => <option key={v} value={v}>{label}</option>)}
      </select>{' '}
      <label><input type="checkbox" checked={embedding} onChange={(e) => setEmbedding((e.target as HTMLInputElement).checked)} /> embedding</label>{' '}
      <button type="submit" disabled={busy}>{busy ? 'Loading…' : 'Load'}</button> <span class="bad">{error}</span>
    </form>
  );
}

function Registry({ state, onChange }: { state: ModelsState; onChange: () => void }) {
  const [error, setError] = useState('');
  const jobs = new Map(state.downloads.map((d) => [d.name, d]));
  const download = async (name: string) => {
    setError((await send('POST', '/admin/api/downloads', { name })).error);
    onChange();
  };
  return (
    <details>
      <summary>Registry ({state.registry.length} known models)</summary>
      <table>
        <thead><tr><th>model</th><th>roles</th><th>n_ctx</th><th>weights</th></tr></thead>
        <tbody>
          {state.registry.map((r) => {
            const job = jobs.get(r.name);
            return (
              <tr key={r.name}>
                <td>{r.name}</td><td>{r.roles.join(', ')}</td><td>{r.nCtx}</td>
                <td>{r.downloaded ? 'downloaded' : job?.state === 'running' ? job.line : <button onClick={() => download(r.name)}>Download</button>}
                  {job?.state === 'failed' && <span class="bad"> {job.line}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <span class="bad">{error}</span>
    </details>
  );
}

function ImportForm({ onChange }: { onChange: () => void }) {
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [message, setMessage] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await send<{ path: string }>('POST', '/admin/api/imports', { name, path });
    setMessage(r.data ? `imported as ${r.data.path}` : r.error);
    onChange();
  };
  return (
    <form onSubmit={submit} class="row">
      Import a GGUF on this machine: <input aria-label="import name" placeholder="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />{' '}
      <input aria-label="import path" placeholder="/path/to/model.gguf" size={40} value={path} onInput={(e) => setPath((e.target as HTMLInputElement).value)} />{' '}
      <button type="submit">Import</button> <span>{message}</span>
    </form>
  );
}

/** Models with their device and live numbers; load, unload, download and import. */
export function ModelsPanel({ state, onChange }: { state: ModelsState; onChange: () => void }) {
  const [error, setError] = useState('');
  const unload = async (name: string) => {
    setError((await send('POST', '/admin/api/models/unload', { name })).error);
    onChange();
  };
  return (
    <section>
      <h2>Models</h2>
      <p>
        Compute: <b>{state.compute ?? 'none loaded'}</b>
        {state.gpus.length > 0 && <> · GPUs: {state.gpus.join(', ')}</>}
        {state.vram && <> · VRAM {bytes(state.vram.used)} used of {bytes(state.vram.total)}</>}
      </p>
      <table>
        <thead><tr><th>model</th><th>roles</th><th>device</th><th>n_ctx</th><th>running</th><th>queued</th><th>requests</th><th>errors</th><th>tokens in/out</th><th>tok/s</th><th>TTFT avg</th><th></th></tr></thead>
        <tbody>
          {state.models.map((m) => (
            <tr key={m.name}>
              <td>{m.name}</td><td>{roles(m)}</td><td>{device(m, state.compute)}</td><td>{m.nCtx}</td>
              <td>{m.stats.active}</td><td>{m.stats.queued}</td><td>{m.summary.requests}</td><td>{m.summary.errors}</td>
              <td>{m.summary.promptTokens}/{m.summary.generatedTokens}</td><td>{m.summary.tokensPerSecond.toFixed(1)}</td>
              <td>{m.summary.ttftAvgMs === null ? '–' : `${m.summary.ttftAvgMs.toFixed(0)} ms`}</td>
              <td>{m.local && <button onClick={() => unload(m.name)}>Unload</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.entries(state.failures).map(([name, why]) => <p key={name} class="bad">{name} did not load: {why}</p>)}
      <span class="bad">{error}</span>
      <LoadForm state={state} onChange={onChange} />
      <ImportForm onChange={onChange} />
      <Registry state={state} onChange={onChange} />
    </section>
  );
}
