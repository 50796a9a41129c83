/**
 * A tiny BPE `tokenizer.json` written by hand: single letters h e l o w r d, merges up to
 * `hello`, a whitespace pre-tokenizer, and a post-processor that prepends `<s>` (which token
 * counts must leave out). Counts without special tokens: "hello" 1, "hell" 1, "oh" 2,
 * "hello world" 6 (world stays five letters), "xyz" 3 (three unknowns).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function tinyTokenizerJson(): object {
  const vocab: Record<string, number> = { '<s>': 0, '<unk>': 1 };
  for (const t of ['h', 'e', 'l', 'o', 'w', 'r', 'd', 'he', 'll', 'hell', 'hello']) vocab[t] = Object.keys(vocab).length;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<s>'), special(1, '<unk>')],
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] } },
    },
    decoder: null,
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges: ['h e', 'l l', 'he ll', 'hell o'] },
  };
}

/** Writes it as `<dir>/tokenizer.json` and returns the path. */
export function writeTinyTokenizer(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'tokenizer.json');
  writeFileSync(path, JSON.stringify(tinyTokenizerJson()));
  return path;
}
