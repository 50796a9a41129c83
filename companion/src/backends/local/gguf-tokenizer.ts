import { controlLookingIds } from './control-looking';

/** The `tokenizer.ggml.*` metadata of a GGUF that a `tokenizer.json` is built from. */
export interface GgufTokenizer {
  model?: string;
  /** Byte-level BPE pre-tokenizer name (`llama-bpe`, `qwen2`, `deepseek-coder`, ...). */
  pre?: string;
  tokens: string[];
  scores?: number[];
  token_type?: number[];
  merges?: string[];
  unknown_token_id?: number;
  bos_token_id?: number;
  add_bos_token?: boolean;
  add_space_prefix?: boolean;
}

// GGUF token types (llama.cpp's `llama_token_type`).
export const UNKNOWN = 2;
export const CONTROL = 3;
export const USER_DEFINED = 4;

/**
 * The pieces matched as whole tokens in text, as the companion tokenizes prompts (llama.cpp's
 * `parse_special`: control, user-defined and unknown pieces, and the pieces it makes control).
 */
export function addedTokens(tk: GgufTokenizer): object[] {
  const types = tk.token_type ?? [];
  const controlLooking = controlLookingIds(tk);
  return tk.tokens
    .map((content, id) => ({ id, content, type: controlLooking.has(id) ? CONTROL : types[id] }))
    .filter((t) => t.type === CONTROL || t.type === USER_DEFINED || t.type === UNKNOWN)
    .map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.type !== USER_DEFINED }));
}
