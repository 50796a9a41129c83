/**
 * llama.cpp makes some pieces control tokens by their text, whatever the GGUF's token types say
 * (llama-vocab.cpp, "control-looking token"), so the companion parses them as one token each:
 * end-of-generation pieces always, and the first piece it finds of each FIM/EOT kind whose id
 * the GGUF does not give. This lists them, so the `tokenizer.json` splits them out too.
 */
import type { GgufTokenizer } from './gguf-tokenizer';

const END_OF_GENERATION = [
  '<|eot_id|>', '<|im_end|>', '<|end|>', '<|return|>', '<|call|>', '<|flush|>', '<|calls|>', '<end_of_turn>',
  '<|endoftext|>', '</s>', '<|eom_id|>', '<EOT>', '_<EOT>', '[EOT]', '[EOS]', '<|end_of_text|>',
  '<end_of_utterance>', '<eos>', '<turn|>', '<|tool_response>', '<｜end▁of▁sentence｜>', '[e~[',
];

/** Each kind: the metadata keys that name its id, and the texts llama.cpp looks for otherwise. */
const BY_KIND: [keys: string[], texts: string[]][] = [
  [['eot_token_id'], ['<|eot_id|>', '<|im_end|>', '<|end|>', '<end_of_turn>', '<|endoftext|>', '<|end_of_text|>', '<EOT>', '_<EOT>', '[EOT]', '<｜end▁of▁sentence｜>', '<end_of_utterance>']],
  [['eom_token_id'], ['<|eom_id|>']],
  [['fim_pre_token_id', 'prefix_token_id'], ['<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>', '<｜fim▁begin｜>', '<PRE>', '▁<PRE>', '<|code_prefix|>', '<|prefix|>']],
  [['fim_suf_token_id', 'suffix_token_id'], ['<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>', '<｜fim▁hole｜>', '<SUF>', '▁<SUF>', '<|code_suffix|>', '<|suffix|>']],
  [['fim_mid_token_id', 'middle_token_id'], ['<|fim_middle|>', '<fim-middle>', '<fim_middle>', '<｜fim▁end｜>', '<MID>', '▁<MID>', '<|code_middle|>', '<|middle|>']],
  [['fim_pad_token_id'], ['<|fim_pad|>', '<fim-pad>', '<fim_pad>', '<PAD>', '[PAD]']],
  [['fim_rep_token_id'], ['<|fim_repo|>', '<|repo_name|>', '<fim-repo>', '<REPO>', '<reponame>']],
  [['fim_sep_token_id'], ['<|file_sep|>']],
];

/** Ids of the pieces llama.cpp treats as control tokens because of their text. */
export function controlLookingIds(tk: GgufTokenizer): Set<number> {
  const idOf = new Map(tk.tokens.map((t, id) => [t, id]));
  const ids = new Set<number>();
  for (const text of END_OF_GENERATION) {
    const id = idOf.get(text);
    if (id !== undefined) ids.add(id);
  }
  const meta = tk as unknown as Record<string, unknown>;
  for (const [keys, texts] of BY_KIND) {
    if (keys.some((k) => typeof meta[k] === 'number')) continue;
    // llama.cpp takes whichever it meets first in a hash map; with two candidates neither is
    // marked here, so a count can only come out higher than the server's, never lower.
    const present = texts.map((t) => idOf.get(t)).filter((id) => id !== undefined);
    if (present.length === 1) ids.add(present[0]!);
  }
  return ids;
}
