import type { ScratchpadPatch } from '../../../src/protocol/caps';

/**
 * FIM token sets of the coder-model families we know. A local GGUF is matched by probing its
 * vocabulary for the family's prefix token, so a renamed file still gets the right patch.
 * Values follow Refact's known-models database (FIM-PSM patches).
 */
export interface FimFamily {
  family: string;
  patch: ScratchpadPatch;
}

export const FIM_FAMILIES: FimFamily[] = [
  {
    family: 'qwen2.5-coder',
    patch: {
      fim_prefix: '<|fim_prefix|>',
      fim_suffix: '<|fim_suffix|>',
      fim_middle: '<|fim_middle|>',
      eot: '<|endoftext|>',
      extra_stop_tokens: ['<|repo_name|>', '<|file_sep|>', '<|fim_pad|>', '<|cursor|>'],
      context_format: 'qwen2.5',
      rag_ratio: 0.5,
    },
  },
  {
    family: 'starcoder2',
    patch: {
      fim_prefix: '<fim_prefix>',
      fim_suffix: '<fim_suffix>',
      fim_middle: '<fim_middle>',
      eot: '<|endoftext|>',
      extra_stop_tokens: ['<file_sep>'],
      context_format: 'starcoder',
      rag_ratio: 0.5,
    },
  },
  {
    family: 'deepseek-coder',
    patch: {
      fim_prefix: '<｜fim▁begin｜>',
      fim_suffix: '<｜fim▁hole｜>',
      fim_middle: '<｜fim▁end｜>',
      eot: '<|EOT|>',
      extra_stop_tokens: [],
      context_format: 'chat',
      rag_ratio: 0.5,
    },
  },
  {
    family: 'codestral',
    patch: {
      fim_prefix: '[PREFIX]',
      fim_suffix: '[SUFFIX]',
      fim_middle: '',
      eot: '</s>',
      extra_stop_tokens: [],
      context_format: 'chat',
      rag_ratio: 0.5,
    },
  },
];

/** The first family whose FIM prefix is a single special token of the model. */
export function detectFimFamily(isSingleSpecialToken: (text: string) => boolean): FimFamily | null {
  return FIM_FAMILIES.find((f) => typeof f.patch.fim_prefix === 'string' && isSingleSpecialToken(f.patch.fim_prefix)) ?? null;
}
