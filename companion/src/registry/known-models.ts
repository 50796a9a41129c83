/**
 * Models we know by name (Refact's naming: family/variant/size/kind), with their roles,
 * context size, FIM family and a GGUF source that node-llama-cpp's downloader resolves
 * (`hf:<user>/<repo>:<quant>` or an https URL). Sources could not be checked from the build
 * machine (no network): a wrong one fails with a clear download error, and any GGUF can still
 * be served by path. `sha256`, when set, is verified after download.
 */
export interface KnownModel {
  name: string;
  roles: Array<'completion' | 'chat' | 'embedding'>;
  nCtx: number;
  fimFamily: string | null;
  source: string;
  sha256?: string;
}

const qwenSizes = ['0.5b', '1.5b', '3b', '7b', '14b', '32b'] as const;
// Hugging Face repos spell sizes in capitals: 1.5b → 1.5B.
const qwenRepo = (size: string) => size.toUpperCase();

export const KNOWN_MODELS: KnownModel[] = [
  ...qwenSizes.map((size) => ({
    name: `qwen2.5/coder/${size}/base`,
    roles: ['completion'] as KnownModel['roles'],
    nCtx: 32768,
    fimFamily: 'qwen2.5-coder',
    source: `hf:QuantFactory/Qwen2.5-Coder-${qwenRepo(size)}-GGUF:Q8_0`,
  })),
  ...qwenSizes.map((size) => ({
    name: `qwen2.5/coder/${size}/instruct`,
    roles: ['completion', 'chat'] as KnownModel['roles'],
    nCtx: 32768,
    fimFamily: 'qwen2.5-coder',
    source: `hf:Qwen/Qwen2.5-Coder-${qwenRepo(size)}-Instruct-GGUF:Q8_0`,
  })),
  { name: 'deepseek-coder/1.3b/base', roles: ['completion'], nCtx: 16384, fimFamily: 'deepseek-coder', source: 'hf:TheBloke/deepseek-coder-1.3B-base-GGUF:Q8_0' },
  { name: 'deepseek-coder/6.7b/base', roles: ['completion'], nCtx: 16384, fimFamily: 'deepseek-coder', source: 'hf:TheBloke/deepseek-coder-6.7B-base-GGUF:Q5_K_M' },
  { name: 'starcoder2/3b/base', roles: ['completion'], nCtx: 16384, fimFamily: 'starcoder2', source: 'hf:second-state/StarCoder2-3B-GGUF:Q8_0' },
  { name: 'starcoder2/7b/base', roles: ['completion'], nCtx: 16384, fimFamily: 'starcoder2', source: 'hf:second-state/StarCoder2-7B-GGUF:Q5_K_M' },
  { name: 'starcoder2/15b/base', roles: ['completion'], nCtx: 16384, fimFamily: 'starcoder2', source: 'hf:second-state/StarCoder2-15B-GGUF:Q4_K_M' },
  { name: 'codestral/22b', roles: ['completion', 'chat'], nCtx: 32768, fimFamily: 'codestral', source: 'hf:bartowski/Codestral-22B-v0.1-GGUF:Q4_K_M' },
  { name: 'llama3.1/8b/instruct', roles: ['chat'], nCtx: 131072, fimFamily: null, source: 'hf:bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M' },
  { name: 'llama3.2/1b/instruct', roles: ['chat'], nCtx: 131072, fimFamily: null, source: 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q8_0' },
  { name: 'llama3.2/3b/instruct', roles: ['chat'], nCtx: 131072, fimFamily: null, source: 'hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q6_K' },
  { name: 'nomic-embed-text/v1.5', roles: ['embedding'], nCtx: 2048, fimFamily: null, source: 'hf:nomic-ai/nomic-embed-text-v1.5-GGUF:Q8_0' },
];

export function knownModel(name: string): KnownModel | undefined {
  return KNOWN_MODELS.find((m) => m.name === name);
}
