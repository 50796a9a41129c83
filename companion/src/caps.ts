import type { LegacyCaps, ScratchpadPatch, SelfHostedCaps, SelfHostedEmbeddingRecord, SelfHostedModelRecord } from '../../src/protocol/caps';
import type { ModelInfo } from './backends/types';

/** Refact's tokenizer URL for a model: `/` in names becomes `--`. */
export function tokenizerPath(name: string): string {
  return `/tokenizer/${name.replace(/\//g, '--')}`;
}

function completionRecord(m: ModelInfo): SelfHostedModelRecord {
  // A model with FIM tokens completes with FIM-PSM; other completion models get REPLACE
  // (the engine rewrites the code region through the model as a chat/plain model).
  const scratchpads: Record<string, ScratchpadPatch> = m.fim ? { 'FIM-PSM': m.fim } : { REPLACE: {} };
  return { n_ctx: m.nCtx, supports_scratchpads: scratchpads };
}

function chatRecord(m: ModelInfo): SelfHostedModelRecord {
  return {
    n_ctx: m.nCtx,
    supports_scratchpads: { PASSTHROUGH: {} },
    supports_tools: m.supportsTools,
    supports_multimodality: false,
    supports_clicks: false,
    supports_agent: m.supportsTools,
    supports_reasoning: null,
    supports_boost_reasoning: false,
    default_temperature: null,
  };
}

/** `GET /refact-caps`: Refact's self-hosted format, listing only what is served right now. */
export function buildCaps(models: ModelInfo[], version: number): SelfHostedCaps {
  const completion: Record<string, SelfHostedModelRecord> = {};
  const chat: Record<string, SelfHostedModelRecord> = {};
  const embedding: Record<string, SelfHostedEmbeddingRecord> = {};
  const tokenizers: Record<string, string> = {};
  for (const m of models) {
    if (m.completion) completion[m.name] = completionRecord(m);
    if (m.chat) chat[m.name] = chatRecord(m);
    if (m.embedding) embedding[m.name] = { n_ctx: m.nCtx, size: m.embeddingSize ?? 0 };
    tokenizers[m.name] = tokenizerPath(m.name);
  }
  // FIM models make the better completion default; the first configured wins among equals.
  const completionNames = Object.keys(completion).sort((a, b) => Number(Boolean(completion[b]?.supports_scratchpads?.['FIM-PSM'])) - Number(Boolean(completion[a]?.supports_scratchpads?.['FIM-PSM'])));
  const first = (names: string[]) => names[0] ?? '';
  return {
    // Refact's own name: clients derive the provider `refact_self_hosted` from it and fall back to
    // `refact_self_hosted/<model>` ids, so ours must match to interoperate.
    cloud_name: 'Refact Self-Hosted',
    completion: {
      endpoint: '/v1/completions',
      models: completion,
      default_model: first(completionNames),
      default_multiline_model: first(completionNames),
    },
    chat: { endpoint: '/v1/chat/completions', models: chat, default_model: first(Object.keys(chat)) },
    embedding: { endpoint: 'v1/embeddings', models: embedding, default_model: first(Object.keys(embedding)) },
    telemetry_endpoints: {
      telemetry_basic_endpoint: '/stats/telemetry-basic',
      telemetry_corrected_snippets_endpoint: '/stats/telemetry-snippets',
      telemetry_basic_retrieve_my_own_endpoint: '/stats/rh-stats',
    },
    tokenizer_endpoints: tokenizers,
    caps_version: version,
  };
}

/** The flat format Refact serves to `refact-lsp` clients older than 0.10.15. */
export function toLegacyCaps(caps: SelfHostedCaps): LegacyCaps {
  const patch: NonNullable<LegacyCaps['models_dict_patch']> = {};
  for (const [name, rec] of [...Object.entries(caps.completion.models), ...Object.entries(caps.chat.models)]) {
    patch[name] = { n_ctx: rec.n_ctx, ...(rec.supports_tools ? { supports_tools: true } : {}) };
  }
  const embDefault = caps.embedding?.default_model ?? '';
  return {
    cloud_name: caps.cloud_name,
    endpoint_template: caps.completion.endpoint,
    endpoint_chat_passthrough: caps.chat.endpoint,
    endpoint_style: 'openai',
    telemetry_basic_dest: caps.telemetry_endpoints?.telemetry_basic_endpoint,
    telemetry_basic_retrieve_my_own: caps.telemetry_endpoints?.telemetry_basic_retrieve_my_own_endpoint,
    running_models: [...Object.keys(caps.completion.models), ...Object.keys(caps.chat.models)],
    code_completion_default_model: caps.completion.default_model,
    multiline_code_completion_default_model: caps.completion.default_multiline_model,
    code_chat_default_model: caps.chat.default_model,
    models_dict_patch: patch,
    default_embeddings_model: embDefault,
    endpoint_embeddings_template: 'v1/embeddings',
    endpoint_embeddings_style: 'openai',
    size_embeddings: caps.embedding?.models[embDefault]?.size ?? 0,
    tokenizer_path_template: '/tokenizer/$MODEL',
    tokenizer_rewrite_path: Object.fromEntries(Object.entries(caps.tokenizer_endpoints ?? {}).map(([k, v]) => [k, v.replace('/tokenizer/', '')])),
    caps_version: caps.caps_version,
  };
}

/** Refact's rule: clients whose User-Agent is `refact-lsp X.Y.Z` below 0.10.15 get the legacy format. */
export function wantsLegacyCaps(userAgent: string | undefined): boolean {
  const m = /^refact-lsp (\d+)\.(\d+)\.(\d+)$/.exec(userAgent ?? '');
  if (!m) return false;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return a === 0 && (b < 10 || (b === 10 && c < 15));
}
