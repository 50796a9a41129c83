/**
 * A Hugging Face `tokenizer.json` that tokenizes exactly as llama.cpp's SentencePiece (SPM)
 * tokenizer does for a GGUF whose `tokenizer.ggml.model` is `llama` (Llama 2, CodeLlama,
 * Mistral, Codestral, Gemma).
 *
 * llama.cpp splits the text into characters, then keeps merging the adjacent pair whose
 * concatenation is a vocabulary piece with the highest score (ties: the leftmost pair); what
 * is left unmerged and is not a piece becomes its UTF-8 bytes (`<0xXX>`). A `BPE` model does the
 * same when its merges are ranked by the merged piece's score: it merges the lowest-ranked pair
 * (ties: the leftmost), and `byte_fallback` spells an unknown piece in bytes. So every piece
 * that is two shorter parts becomes a merge, where a part is a piece or a single character
 * (llama.cpp starts from characters, pieces or not), ranked by score. A Unigram model over the
 * same pieces (what this was before) picks the best segmentation instead, and undercounts.
 */
import { addedTokens, type GgufTokenizer } from './gguf-tokenizer';

/** Merges `[left, right]` from the pieces' scores, highest-scoring merged piece first. */
export function spmMerges(tokens: readonly string[], scores: readonly number[]): [string, string][] {
  const pieces = new Set(tokens);
  const merges: [string, string][] = [];
  const score: number[] = [];
  for (let id = 0; id < tokens.length; id++) {
    const piece = tokens[id]!;
    const first = piece.codePointAt(0)! > 0xffff ? 2 : 1;
    const last = piece.length > 1 && piece.codePointAt(piece.length - 2)! > 0xffff ? 2 : 1;
    for (let at = first; at < piece.length; at += piece.codePointAt(at)! > 0xffff ? 2 : 1) {
      const left = piece.slice(0, at);
      const right = piece.slice(at);
      if ((at === first || pieces.has(left)) && (piece.length - at === last || pieces.has(right))) {
        merges.push([left, right]);
        score.push(scores[id] ?? 0);
      }
    }
  }
  // A stable sort: equal scores keep the vocabulary's order. llama.cpp breaks such ties by
  // position instead, which one rank per merge cannot express; real vocabularies give their
  // merged pieces distinct scores.
  const order = merges.map((_, i) => i).sort((a, b) => score[b]! - score[a]!);
  return order.map((i) => merges[i]!);
}

export function spmTokenizerJson(tk: GgufTokenizer): object {
  const tokens = tk.tokens;
  const unk = tokens[tk.unknown_token_id ?? 0];
  // llama.cpp prepends a space to each run of text that starts the input or follows a special
  // token (`add_space_prefix`, on unless the GGUF says otherwise); a normalizer runs once per such
  // run, between added tokens, so `Prepend` does the same.
  const prefix = tk.add_space_prefix ?? true;
  const normalizers = [
    ...(prefix ? [{ type: 'Prepend', prepend: '▁' }] : []),
    { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
  ];
  return {
    version: '1.0',
    added_tokens: addedTokens(tk),
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: null,
    post_processor: bosProcessor(tk, true),
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        ...(prefix ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : []),
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk ?? null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
      merges: spmMerges(tokens, tk.scores ?? []),
    },
  };
}

/**
 * The BOS the model's server adds to each prompt (`add_bos_token`; llama.cpp's default is on
 * for SPM vocabularies, off for byte-level BPE), as Hugging Face's own Llama files do it: a
 * `TemplateProcessing` that `encode(text)` applies and `encode(text, { add_special_tokens: false })`
 * does not. Budget counters count pieces of a prompt without it and add the one BOS once.
 */
export function bosProcessor(tk: GgufTokenizer, defaultOn: boolean): object | null {
  const bosId = tk.bos_token_id;
  const bos = bosId == null ? undefined : tk.tokens[bosId];
  if (!(tk.add_bos_token ?? defaultOn) || bos === undefined) return null;
  return {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [bos]: { id: bos, ids: [bosId], tokens: [bos] } },
  };
}
