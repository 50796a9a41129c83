import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';

/**
 * `GET /tokenizer/{model}` serves a Hugging Face `tokenizer.json`, which clients (Refact's
 * engine, ours) use to count tokens for prompt budgets. A GGUF carries its vocabulary but not
 * that file, so: a `tokenizer.json` placed beside the GGUF (`<file>.tokenizer.json` or the
 * directory's `tokenizer.json`) wins; otherwise one is built from the GGUF vocabulary.
 */
export async function tokenizerJsonFor(ggufPath: string): Promise<string | null> {
  for (const candidate of [`${ggufPath.replace(/\.gguf$/i, '')}.tokenizer.json`, join(dirname(ggufPath), 'tokenizer.json')]) {
    if (existsSync(candidate)) return readFile(candidate, 'utf8');
  }
  const info = await readGgufFileInfo(ggufPath, { readTensorInfo: false, logWarnings: false });
  const tk = (info.metadata as { tokenizer?: { ggml?: Record<string, unknown> } }).tokenizer?.ggml;
  if (!tk || !Array.isArray(tk.tokens)) return null;
  return JSON.stringify(buildTokenizerJson(tk));
}

const CONTROL = 3;
const USER_DEFINED = 4;

/** Exported for tests: GGUF `tokenizer.ggml.*` metadata → a `tokenizer.json` object. */
export function buildTokenizerJson(tk: Record<string, unknown>): object {
  const tokens = tk.tokens as string[];
  const types = (tk.token_type as number[] | undefined) ?? [];
  const added_tokens = tokens
    .map((content, id) => ({ id, content, type: types[id] }))
    .filter((t) => t.type === CONTROL || t.type === USER_DEFINED)
    .map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.type === CONTROL }));
  if (tk.model === 'gpt2') {
    // Byte-level BPE (Qwen, StarCoder, DeepSeek, Llama 3): merges are in the GGUF.
    return {
      version: '1.0',
      added_tokens,
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
        merges: (tk.merges as string[] | undefined) ?? [],
      },
    };
  }
  // SentencePiece vocabularies (Llama 2, Mistral, Codestral) carry scores, not merges: a
  // Unigram model over the same pieces with byte fallback counts tokens close enough for budgets.
  const scores = (tk.scores as number[] | undefined) ?? [];
  const unk = typeof tk.unknown_token_id === 'number' ? tk.unknown_token_id : 0;
  return {
    version: '1.0',
    added_tokens,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: { type: 'Unigram', unk_id: unk, byte_fallback: true, vocab: tokens.map((t, i) => [t, scores[i] ?? 0]) },
  };
}
