import type { Llama } from 'node-llama-cpp';
import type { ServerConfig } from '../../config';
import type { Metrics } from '../../metrics';
import type { LocalModelSpec } from '../../model-specs';
import { detectFimFamily } from '../../registry/fim-families';
import type { ModelInfo, Placement } from '../types';
import { LocalBackend } from './local-backend';
import { loadModel } from './llama-runtime';

export { startLlama } from './llama-runtime';

/** Architectures whose GGUFs are encoders: served for embeddings only. */
const ENCODER_ARCHS = new Set(['bert', 'nomic-bert', 'nomic-bert-moe', 'jina-bert-v2', 't5encoder', 'modern-bert']);

export async function createLocalBackend(
  llama: Llama,
  spec: LocalModelSpec,
  config: Pick<ServerConfig, 'parallel' | 'ctxSize' | 'gpuLayers' | 'maxQueue' | 'threads'>,
  metrics: Metrics,
): Promise<{ backend: LocalBackend; placement: Placement }> {
  const loaded = await loadModel(llama, spec.path, config);
  const { model } = loaded;
  const meta = model.fileInfo.metadata as { general?: { architecture?: string }; tokenizer?: { chat_template?: string } };
  const encoder = ENCODER_ARCHS.has(meta.general?.architecture ?? '');
  const isSpecial = (text: string) => {
    const t = model.tokenize(text, true);
    return t.length === 1 && model.tokenize(text, false).length > 1;
  };
  const fim = encoder ? null : detectFimFamily(isSpecial);
  const info: ModelInfo = {
    name: spec.name,
    backend: 'local',
    completion: !encoder && !spec.embedding,
    // A model with a chat template is a chat model; node-llama-cpp renders it (Jinja).
    chat: !encoder && !spec.embedding && Boolean(meta.tokenizer?.chat_template),
    embedding: encoder || spec.embedding,
    nCtx: loaded.context.contextSize,
    embeddingSize: model.embeddingVectorSize,
    fim: fim ? fim.patch : null,
    supportsTools: Boolean(meta.tokenizer?.chat_template),
  };
  const placement: Placement = { requested: config.gpuLayers, gpuLayers: model.gpuLayers, totalLayers: model.fileInsights.totalLayers, sizeBytes: model.size };
  return { backend: new LocalBackend(info, loaded, spec.path, metrics, config.maxQueue, config.threads), placement };
}
