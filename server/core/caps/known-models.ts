/**
 * Facts about well-known models (context size, tokenizer, prompt format, abilities), used to
 * complete models that a provider or a legacy caps document lists only by name in
 * `running_models`. Names that differ only by size or serving flavour are `similar_models`.
 */
import { FieldReader, type JsonObject } from './fields';
import type { ChatModelRecord, CompletionModelRecord, EmbeddingModelRecord } from './model';
import { parseChatModel, parseCompletionModel, parseEmbeddingModel } from './model-records';

const QWEN_FIM = {
  fim_prefix: '<|fim_prefix|>', fim_suffix: '<|fim_suffix|>', fim_middle: '<|fim_middle|>', eot: '<|endoftext|>',
  extra_stop_tokens: ['<|repo_name|>', '<|file_sep|>', '<|fim_pad|>', '<|cursor|>'], context_format: 'qwen2.5', rag_ratio: 0.5,
};
const DEEPSEEK_FIM = { fim_prefix: '<｜fim▁begin｜>', fim_suffix: '<｜fim▁hole｜>', fim_middle: '<｜fim▁end｜>', eot: '<|EOT|>' };
const CODELLAMA_FIM = { fim_prefix: '<PRE>', fim_suffix: '<SUF>', fim_middle: '<MID>', eot: '<EOT>', eos: '</s>' };

const sizes = (pattern: string, list: string[]) => list.map((size) => pattern.replace('#', size));
const GPT = 'hf://Xenova/gpt-4o';
const CLAUDE = 'hf://Xenova/claude-tokenizer';
const GEMINI = 'hf://Xenova/gemma2-tokenizer';
const GROK = 'hf://Xenova/grok-1-tokenizer';
const AGENT = { supports_tools: true, supports_agent: true };
const VISION_AGENT = { ...AGENT, supports_multimodality: true };

/** Completion model families; the keys double as `model_family` values where they match. */
const COMPLETION: Record<string, JsonObject> = {
  'qwen2.5-coder-base': {
    n_ctx: 8192, scratchpad: 'FIM-PSM', scratchpad_patch: QWEN_FIM, tokenizer: 'hf://Qwen/Qwen2.5-Coder-0.5B',
    similar_models: [...sizes('qwen2.5/coder/#/base', ['0.5b', '1.5b', '3b', '7b', '14b', '32b']), ...sizes('qwen2.5/coder/#/base/vllm', ['0.5b', '1.5b', '3b', '7b', '14b', '32b'])],
  },
  starcoder: {
    n_ctx: 4096, scratchpad: 'FIM-PSM', scratchpad_patch: { context_format: 'starcoder', rag_ratio: 0.5 }, tokenizer: 'hf://bigcode/starcoder2-3b',
    similar_models: ['bigcode/starcoder', 'bigcode/starcoderbase', ...sizes('starcoder/#/base', ['1b', '3b', '7b', '15b']), ...sizes('starcoder2/#/base', ['3b', '7b', '15b']), ...sizes('starcoder2/#', ['3b', '7b', '15b']), ...sizes('bigcode/starcoder2-#', ['3b', '7b', '15b'])],
  },
  'deepseek-coder': {
    n_ctx: 4096, scratchpad: 'FIM-PSM', scratchpad_patch: DEEPSEEK_FIM, tokenizer: 'hf://deepseek-ai/deepseek-coder-1.3b-base',
    similar_models: ['deepseek-coder/1.3b/base', 'deepseek-coder/5.7b/mqa-base', 'deepseek-coder/1.3b/vllm', 'deepseek-ai/deepseek-coder-1.3b-base'],
  },
  'codellama/CodeLlama-13b-hf': { n_ctx: 4096, scratchpad: 'FIM-PSM', scratchpad_patch: CODELLAMA_FIM, tokenizer: 'hf://codellama/CodeLlama-13b-hf', similar_models: ['codellama/7b'] },
  'smallcloudai/Refact-1_6B-fim': { n_ctx: 4096, scratchpad: 'FIM-SPM', tokenizer: 'hf://smallcloudai/Refact-1_6B-fim', similar_models: ['Refact/1.6B', 'Refact/1.6B/vllm'] },
};

const CHAT: Record<string, JsonObject> = {
  'gpt-4.1': { n_ctx: 200000, ...VISION_AGENT, tokenizer: GPT, similar_models: ['gpt-4.1-2025-04-14', 'openai/gpt-4.1'] },
  'gpt-4.1-mini': { n_ctx: 200000, supports_tools: true, supports_multimodality: true, tokenizer: GPT, similar_models: ['gpt-4.1-nano', 'openai/gpt-4.1-mini', 'openai/gpt-4.1-nano'] },
  'gpt-4o': { n_ctx: 128000, ...VISION_AGENT, tokenizer: GPT, similar_models: ['gpt-4o-2024-08-06', 'openai/gpt-4o'] },
  'gpt-4o-mini': { n_ctx: 128000, supports_tools: true, supports_multimodality: true, tokenizer: GPT, similar_models: ['gpt-4o-mini-2024-07-18', 'openai/gpt-4o-mini'] },
  'gpt-4.5-preview': { n_ctx: 128000, ...VISION_AGENT, tokenizer: GPT, similar_models: ['openai/gpt-4.5-preview'] },
  o1: { n_ctx: 200000, supports_tools: true, supports_multimodality: true, supports_reasoning: 'openai', supports_boost_reasoning: true, tokenizer: GPT, similar_models: ['openai/o1'] },
  'o1-mini': { n_ctx: 128000, supports_tools: true, supports_reasoning: 'openai', tokenizer: GPT, similar_models: ['openai/o1-mini'] },
  'o3-mini': { n_ctx: 200000, ...AGENT, supports_reasoning: 'openai', supports_boost_reasoning: true, tokenizer: GPT, similar_models: ['openai/o3-mini', 'o3', 'openai/o3', 'o4-mini', 'openai/o4-mini'] },
  'claude-3-7-sonnet': {
    n_ctx: 200000, ...VISION_AGENT, supports_clicks: true, supports_reasoning: 'anthropic', supports_boost_reasoning: true, tokenizer: CLAUDE,
    similar_models: ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet-20250219', 'anthropic/claude-3.7-sonnet', 'claude-sonnet-4', 'claude-opus-4'],
  },
  'claude-3-5-sonnet': { n_ctx: 200000, ...VISION_AGENT, tokenizer: CLAUDE, similar_models: ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20240620', 'anthropic/claude-3.5-sonnet'] },
  'claude-3-5-haiku': { n_ctx: 200000, supports_tools: true, tokenizer: CLAUDE, similar_models: ['claude-3-5-haiku-latest', 'claude-3-5-haiku-20241022', 'anthropic/claude-3-5-haiku'] },
  'deepseek-chat': { n_ctx: 64000, ...AGENT, tokenizer: 'hf://deepseek-ai/DeepSeek-V3' },
  'deepseek-reasoner': { n_ctx: 64000, supports_reasoning: 'deepseek', default_temperature: 0.6, tokenizer: 'hf://deepseek-ai/DeepSeek-R1' },
  'qwen-qwq-32b': { n_ctx: 131072, ...AGENT, tokenizer: 'hf://Qwen/QwQ-32B', similar_models: ['groq/qwen-qwq-32b'] },
  'qwen2.5/7b/instruct/vllm': { n_ctx: 32768, ...AGENT, tokenizer: 'hf://Qwen/Qwen2.5-7B-Instruct', similar_models: ['qwen2.5/14b/instruct/vllm', 'qwen2.5/32b/instruct/vllm'] },
  'qwen2.5/coder/1.5b/instruct/vllm': { n_ctx: 32768, tokenizer: 'hf://Qwen/Qwen2.5-Coder-1.5B-Instruct', similar_models: sizes('qwen2.5/coder/#/instruct/vllm', ['3b', '7b', '14b', '32b']) },
  'grok-3-beta': { n_ctx: 131072, ...AGENT, tokenizer: GROK },
  'grok-3-mini-beta': { n_ctx: 131072, ...AGENT, supports_reasoning: 'openai', supports_boost_reasoning: true, tokenizer: GROK },
  'gemini-2.5-pro': { n_ctx: 200000, ...VISION_AGENT, tokenizer: GEMINI, similar_models: ['gemini-2.5-pro-exp-03-25', 'gemini-2.5-pro-preview-03-25'] },
  'gemini-2.0-flash': { n_ctx: 200000, ...VISION_AGENT, tokenizer: GEMINI, similar_models: ['models/gemini-2.0-flash'] },
  'gemini-2.0-flash-lite': { n_ctx: 200000, supports_multimodality: true, tokenizer: GEMINI, similar_models: ['models/gemini-2.0-flash-lite'] },
};

const EMBEDDING: Record<string, JsonObject> = {
  'thenlper/gte-base': { n_ctx: 512, embedding_size: 768, rejection_threshold: 0.25, tokenizer: 'hf://thenlper/gte-base', similar_models: ['thenlper/gte-base/cpu'] },
  'text-embedding-3-small': { n_ctx: 8191, embedding_size: 1536, tokenizer: 'hf://Xenova/text-embedding-ada-002', similar_models: ['openai/text-embedding-3-small'] },
  'models/text-embedding-004': { n_ctx: 2048, embedding_size: 768, tokenizer: GEMINI },
};

export interface KnownModels {
  completion: Map<string, CompletionModelRecord>;
  chat: Map<string, ChatModelRecord>;
  embedding: Map<string, EmbeddingModelRecord>;
}

/** Parsed fresh on each call, so callers own (and may edit) what they get. */
export function knownModels(): KnownModels {
  const r = new FieldReader('known_models');
  const map = <M>(table: Record<string, JsonObject>, parse: (name: string, obj: JsonObject) => M) =>
    new Map(Object.entries(table).map(([name, obj]) => [name, parse(name, obj)] as const));
  return {
    completion: map(COMPLETION, (name, obj) => parseCompletionModel(r, name, obj)),
    chat: map(CHAT, (name, obj) => parseChatModel(r, name, obj)),
    embedding: map(EMBEDDING, (name, obj) => ({ ...parseEmbeddingModel(r, { ...obj, name })!, name })),
  };
}
