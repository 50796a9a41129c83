/**
 * Built-in provider templates. A providers.d file whose stem names a template holds only what the
 * user changed; the template supplies the rest. Remote services read their key from an
 * environment variable by default, so enabling one never sends `--api-key` (the companion
 * server's key) to a third party. Local servers accept any key.
 */
import { FieldReader, type JsonObject } from '../caps/fields';
import { newChatModel, newCompletionModel, newEmbeddingModel, type ChatModelRecord, type CompletionModelRecord, type EmbeddingModelRecord } from '../caps/model';
import { parseChatModel, parseCompletionModel, parseEmbeddingModel } from '../caps/model-records';
import { parseProvider, type Provider } from './provider';

const LOCAL_KEY = 'any-will-work';
const FAKE_TOKENIZER = { tokenizer: 'fake' };

/** An OpenAI-compatible server on this machine that serves completion, chat and embeddings. */
function localServer(port: number, extra: JsonObject = {}): JsonObject {
  const base = `http://localhost:${port}/v1`;
  return {
    completion_endpoint: `${base}/completions`, chat_endpoint: `${base}/chat/completions`, embedding_endpoint: `${base}/embeddings`,
    supports_completion: true, api_key: LOCAL_KEY,
    model_default_settings_ui: { chat: { n_ctx: 4096, ...FAKE_TOKENIZER }, completion: { n_ctx: 4096, ...FAKE_TOKENIZER } },
    ...extra,
  };
}

/** A hosted chat API: no FIM completion, key from the environment. */
function hostedChat(chat: string, envKey: string, running: string[], ui: JsonObject, extra: JsonObject = {}): JsonObject {
  return { chat_endpoint: chat, supports_completion: false, api_key: `$${envKey}`, running_models: running, model_default_settings_ui: { chat: ui }, ...extra };
}

const AGENT_UI = { supports_tools: true, supports_agent: true };
const VISION_UI = { ...AGENT_UI, supports_multimodality: true };

const TEMPLATES: Record<string, JsonObject> = {
  anthropic: hostedChat('https://api.anthropic.com/v1/chat/completions', 'ANTHROPIC_API_KEY',
    ['claude-3-7-sonnet-latest', 'claude-3-5-sonnet-latest', 'claude-3-5-haiku-latest'],
    { n_ctx: 200000, ...VISION_UI, tokenizer: 'hf://Xenova/claude-tokenizer' }),
  custom: { supports_completion: true, model_default_settings_ui: { chat: FAKE_TOKENIZER, completion: FAKE_TOKENIZER } },
  deepseek: hostedChat('https://api.deepseek.com/v1/chat/completions', 'DEEPSEEK_API_KEY', ['deepseek-chat', 'deepseek-reasoner'],
    { n_ctx: 64000, ...AGENT_UI, tokenizer: 'hf://deepseek-ai/DeepSeek-V3' }),
  google_gemini: hostedChat('https://generativelanguage.googleapis.com/v1beta/openai/chat/completions', 'GEMINI_API_KEY',
    ['gemini-2.5-pro-exp-03-25', 'models/gemini-2.0-flash', 'models/gemini-2.0-flash-lite'],
    { n_ctx: 200000, ...VISION_UI, tokenizer: 'hf://Xenova/gemma2-tokenizer' },
    { embedding_endpoint: 'https://generativelanguage.googleapis.com/v1beta/openai/embeddings' }),
  groq: hostedChat('https://api.groq.com/openai/v1/chat/completions', 'GROQ_API_KEY', ['qwen-qwq-32b'],
    { n_ctx: 131072, ...AGENT_UI, ...FAKE_TOKENIZER }),
  // llama.cpp's `llama-server` listens on 8080 and speaks the OpenAI routes.
  llama_cpp: localServer(8080),
  lmstudio: localServer(1234),
  ollama: localServer(11434, {
    completion_models: {
      'qwen2.5-coder:1.5b-base': {
        n_ctx: 2048, model_family: 'qwen2.5-coder-base', tokenizer: 'hf://Qwen/Qwen2.5-Coder-1.5B', scratchpad: 'FIM-PSM',
        scratchpad_patch: {
          fim_prefix: '<|fim_prefix|>', fim_suffix: '<|fim_suffix|>', fim_middle: '<|fim_middle|>', eot: '<|endoftext|>',
          extra_stop_tokens: ['<|repo_name|>', '<|file_sep|>', '<|fim_pad|>', '<|cursor|>'], context_format: 'qwen2.5', rag_ratio: 0.5,
        },
      },
    },
    model_default_settings_ui: { chat: { n_ctx: 2048, ...FAKE_TOKENIZER }, completion: { n_ctx: 2048, ...FAKE_TOKENIZER } },
  }),
  openai: hostedChat('https://api.openai.com/v1/chat/completions', 'OPENAI_API_KEY',
    ['gpt-4.1', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4o-mini', 'gpt-4.1-nano', 'gpt-4.5-preview', 'o3-mini', 'o1-mini', 'o1'],
    { n_ctx: 200000, ...VISION_UI, tokenizer: 'hf://Xenova/gpt-4o' },
    { embedding_endpoint: 'https://api.openai.com/v1/embeddings' }),
  openrouter: hostedChat('https://openrouter.ai/api/v1/chat/completions', 'OPENROUTER_API_KEY',
    ['anthropic/claude-3.7-sonnet', 'openai/o3-mini', 'openai/gpt-4.1'], FAKE_TOKENIZER,
    { embedding_endpoint: 'https://openrouter.ai/api/v1/embeddings' }),
  // vLLM's OpenAI-compatible server listens on 8000.
  vllm: localServer(8000),
  xai: hostedChat('https://api.x.ai/v1/chat/completions', 'XAI_API_KEY', ['grok-3-beta', 'grok-3-mini-beta'],
    { n_ctx: 131072, ...AGENT_UI, tokenizer: 'hf://Xenova/grok-1-tokenizer' }),
};

export function templateNames(): string[] {
  return Object.keys(TEMPLATES);
}

export function isTemplate(name: string): boolean {
  return Object.hasOwn(TEMPLATES, name);
}

/** A fresh copy of the template, or null. Templates are our own data and always parse. */
export function providerTemplate(name: string): Provider | null {
  if (!isTemplate(name)) return null;
  return parseProvider(new FieldReader(`template ${name}`), name, TEMPLATES[name]);
}

export interface ModelDefaults {
  chat: ChatModelRecord;
  completion: CompletionModelRecord;
  embedding: EmbeddingModelRecord;
}

/** What the settings UI pre-fills when a user adds a model to this provider. */
export function modelDefaults(name: string): ModelDefaults | null {
  if (!isTemplate(name)) return null;
  const ui = (TEMPLATES[name]!.model_default_settings_ui ?? {}) as Record<string, JsonObject | undefined>;
  const r = new FieldReader(`template ${name}`);
  return {
    chat: ui.chat ? parseChatModel(r, '', ui.chat) : newChatModel(''),
    completion: ui.completion ? parseCompletionModel(r, '', ui.completion) : newCompletionModel(''),
    embedding: (ui.embedding ? parseEmbeddingModel(r, ui.embedding) : null) ?? newEmbeddingModel(''),
  };
}
