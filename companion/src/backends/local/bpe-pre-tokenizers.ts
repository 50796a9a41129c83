/**
 * The pre-tokenizer of a byte-level BPE GGUF, from its `tokenizer.ggml.pre`: llama.cpp splits the
 * text with the regexes it keeps for each named pre-tokenizer (llama-vocab.cpp), each regex
 * splitting the pieces of the one before into matches and the text between them (`Isolated`),
 * then maps bytes to the GPT-2 alphabet. The same regexes in a `Split` sequence make a
 * `tokenizer.json` split as llama.cpp does. A GGUF without a name gets llama.cpp's default;
 * names not listed here (rare, newer models) get GPT-2's regex, which may count differently.
 */
const CONTRACTIONS_ANY_CASE = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
const LLAMA3 = `${CONTRACTIONS_ANY_CASE}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const QWEN2 = `${CONTRACTIONS_ANY_CASE}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
// Mistral's Tekken (Codestral 25.x), as llama.cpp rewrites it without \p{Lu}-style classes.
const TEKKEN = '[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+';

interface PreTokenizer {
  regexes: string[];
  /** llama.cpp takes a pre-token that is itself in the vocabulary as one token, without merging. */
  ignoreMerges: boolean;
}

const LLAMA3_PRE: PreTokenizer = { regexes: [LLAMA3], ignoreMerges: true };
const QWEN2_PRE: PreTokenizer = { regexes: [QWEN2], ignoreMerges: false };
const STARCODER_PRE: PreTokenizer = { regexes: ['\\p{N}', GPT2], ignoreMerges: false };
const GPT2_PRE: PreTokenizer = { regexes: [GPT2], ignoreMerges: false };
// llama.cpp's own default, for a GGUF that names no pre-tokenizer.
const DEFAULT_PRE: PreTokenizer = { regexes: ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2, '\\p{N}+', '[0-9][0-9][0-9]'], ignoreMerges: false };

const BY_NAME: Record<string, PreTokenizer> = {
  'default': DEFAULT_PRE,
  ...Object.fromEntries(['llama3', 'llama-v3', 'llama-bpe', 'falcon3', 'falcon-h1', 'pixtral', 'lfm2'].map((n) => [n, LLAMA3_PRE])),
  ...Object.fromEntries(['qwen2', 'deepseek-r1-qwen'].map((n) => [n, QWEN2_PRE])),
  ...Object.fromEntries(['starcoder', 'refact', 'command-r', 'smollm', 'codeshell'].map((n) => [n, STARCODER_PRE])),
  ...Object.fromEntries(['gpt-2', 'phi-2', 'mpt', 'olmo', 'mellum'].map((n) => [n, GPT2_PRE])),
  'deepseek-coder': { regexes: ['[\\r\\n]', '\\s?\\p{L}+', '\\s?\\p{P}+', '[一-龥ࠀ-一가-퟿]+', '\\p{N}'], ignoreMerges: false },
  'tekken': { regexes: [TEKKEN], ignoreMerges: true },
};

export function bpePreTokenizer(name: string | undefined): { pre_tokenizer: object; ignoreMerges: boolean } {
  const pre = (name ? BY_NAME[name] : DEFAULT_PRE) ?? GPT2_PRE;
  return {
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        ...pre.regexes.map((regex) => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false })),
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    ignoreMerges: pre.ignoreMerges,
  };
}
