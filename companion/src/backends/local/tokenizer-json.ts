import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { addedTokens, type GgufTokenizer } from './gguf-tokenizer';
import { bpePreTokenizer } from './bpe-pre-tokenizers';
import { bosProcessor, spmTokenizerJson } from './spm-tokenizer-json';

/**
 * `GET /tokenizer/{model}` serves a Hugging Face `tokenizer.json`, which clients (Refact's
 * engine, ours) use to count tokens for prompt budgets. A GGUF carries its vocabulary but not
 * that file, so: a `tokenizer.json` placed beside the GGUF (`<file>.tokenizer.json` or the
 * directory's `tokenizer.json`) wins; otherwise one is built from the GGUF vocabulary, to count
 * as llama.cpp tokenizes. Counts exclude the BOS unless `encode` is asked to add special tokens
 * (see `bosProcessor`).
 */
export async function tokenizerJsonFor(ggufPath: string): Promise<string | null> {
  for (const candidate of [`${ggufPath.replace(/\.gguf$/i, '')}.tokenizer.json`, join(dirname(ggufPath), 'tokenizer.json')]) {
    if (existsSync(candidate)) return readFile(candidate, 'utf8');
  }
  const { mtimeMs, size } = await stat(ggufPath);
  const stamp = `${mtimeMs}:${size}`;
  let found = built.get(ggufPath);
  if (found?.stamp !== stamp) {
    found = { stamp, json: buildFromGguf(ggufPath) };
    found.json.catch(() => built.delete(ggufPath));
    built.set(ggufPath, found);
  }
  return found.json;
}

// One built file per served GGUF, until the GGUF changes: reading a large vocabulary and
// deriving its merges takes seconds, and every client start fetches the file.
const built = new Map<string, { stamp: string; json: Promise<string | null> }>();

async function buildFromGguf(ggufPath: string): Promise<string | null> {
  const info = await readGgufFileInfo(ggufPath, { readTensorInfo: false, logWarnings: false });
  const tk = (info.metadata as { tokenizer?: { ggml?: Record<string, unknown> } }).tokenizer?.ggml;
  if (!tk || !Array.isArray(tk.tokens)) return null;
  return JSON.stringify(buildTokenizerJson(tk as unknown as GgufTokenizer));
}

/** Exported for tests: GGUF `tokenizer.ggml.*` metadata → a `tokenizer.json` object. */
export function buildTokenizerJson(tk: GgufTokenizer): object {
  if (tk.model !== 'gpt2') return spmTokenizerJson(tk);
  // Byte-level BPE (Qwen, StarCoder, DeepSeek, Llama 3): merges are in the GGUF, the
  // pre-tokenizer is named by it.
  const tokens = tk.tokens;
  const { pre_tokenizer, ignoreMerges } = bpePreTokenizer(tk.pre);
  return {
    version: '1.0',
    added_tokens: addedTokens(tk),
    normalizer: null,
    pre_tokenizer,
    post_processor: bosProcessor(tk, false),
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: ignoreMerges,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
      merges: tk.merges ?? [],
    },
  };
}
