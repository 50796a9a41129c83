/**
 * FIM prompt formats: which special tokens a completion model expects, in which order, and how
 * it wants repository context written. Chosen from the model's caps entry: an explicit
 * `FIM-PSM`/`FIM-SPM` scratchpad with its patch wins, missing patch keys are filled from the
 * model's family (`model_family`, else its name), and a model whose scratchpad is not FIM and
 * whose name names no known base coder family gets `null` (the chat fallback).
 *
 * The engine keeps its own table rather than sharing the companion's (`fim-families.ts`): the
 * companion matches a GGUF vocabulary, the engine matches caps names, and the two would have
 * to change together for no gain.
 */

export type ContextFormat = 'qwen2.5' | 'starcoder' | 'path-comments';

export interface FimFormat {
  /** `qwen2.5-coder`, `starcoder`, `codellama`, `deepseek-coder`, `codestral`, or `custom`. */
  family: string;
  /** Prefix-suffix-middle, or suffix-prefix-middle. */
  order: 'psm' | 'spm';
  /** Text put before everything (Refact's `eos` patch key); usually empty. */
  bos: string;
  prefix: string;
  suffix: string;
  middle: string;
  /** End of text: the first stop sequence. */
  eot: string;
  /** Stop sequences for every request: `eot` and the family's extra stops (no `\n` rules here). */
  stops: string[];
  contextFormat: ContextFormat;
  /** The repository-name token (`<|repo_name|>`), or null when context is written as path comments. */
  repoName: string | null;
  /** The file-separator token (`<|file_sep|>`), or null when context is written as path comments. */
  fileSep: string | null;
  /** Share of `n_ctx` offered to context (Refact's `rag_ratio`, default 0.5). */
  ragRatio: number;
}

/** The caps fields a format is chosen from (a `CompletionModelRecord` fits). */
export interface FimModelInfo {
  name: string;
  scratchpad?: string;
  scratchpad_patch?: Record<string, unknown> | null;
  model_family?: string | null;
}

type FamilyTokens = Omit<FimFormat, 'family' | 'ragRatio' | 'bos'>;

const QWEN_STOPS = ['<|repo_name|>', '<|file_sep|>', '<|fim_pad|>', '<|cursor|>', '<|im_end|>'];

/** Each family's tokens as its model card documents them. */
export const FIM_FAMILY_TOKENS: Readonly<Record<string, FamilyTokens>> = {
  'qwen2.5-coder': {
    order: 'psm', prefix: '<|fim_prefix|>', suffix: '<|fim_suffix|>', middle: '<|fim_middle|>', eot: '<|endoftext|>',
    stops: ['<|endoftext|>', ...QWEN_STOPS], contextFormat: 'qwen2.5', repoName: '<|repo_name|>', fileSep: '<|file_sep|>',
  },
  starcoder: {
    order: 'psm', prefix: '<fim_prefix>', suffix: '<fim_suffix>', middle: '<fim_middle>', eot: '<|endoftext|>',
    stops: ['<|endoftext|>', '<file_sep>', '<repo_name>', '<fim_prefix>'], contextFormat: 'starcoder', repoName: '<repo_name>', fileSep: '<file_sep>',
  },
  // CodeLlama's infill tokens carry a leading space in its vocabulary (`▁<PRE>`), and its
  // reference prompt is `<PRE> {prefix} <SUF>{suffix} <MID>`.
  codellama: {
    order: 'psm', prefix: '<PRE> ', suffix: ' <SUF>', middle: ' <MID>', eot: '<EOT>',
    stops: ['<EOT>', '</s>'], contextFormat: 'path-comments', repoName: null, fileSep: null,
  },
  'deepseek-coder': {
    order: 'psm', prefix: '<｜fim▁begin｜>', suffix: '<｜fim▁hole｜>', middle: '<｜fim▁end｜>', eot: '<|EOT|>',
    stops: ['<|EOT|>', '<｜end▁of▁sentence｜>'], contextFormat: 'path-comments', repoName: null, fileSep: null,
  },
  // Codestral puts the suffix first, and the model starts writing right after the prefix.
  codestral: {
    order: 'spm', prefix: '[PREFIX]', suffix: '[SUFFIX]', middle: '', eot: '</s>',
    stops: ['</s>', '[PREFIX]', '[SUFFIX]'], contextFormat: 'path-comments', repoName: null, fileSep: null,
  },
};

/** Refact's defaults for a FIM patch that names no tokens (StarCoder's). */
const REFACT_DEFAULT_FAMILY = 'starcoder';

/** Which family a model name or `model_family` names; instruct and chat models name none. */
export function familyOf(model: FimModelInfo): string | null {
  const names = [model.model_family ?? '', model.name].map((n) => n.toLowerCase());
  for (const name of names) {
    if (!name) continue;
    if (/qwen[-_.\/]?2(\.5)?[-_.\/]?coder|qwen[-_.\/]?3[-_.\/]?coder/.test(name)) return 'qwen2.5-coder';
    if (/starcoder|refact[-_.\/]?1[._]6b/.test(name)) return 'starcoder';
    if (/codellama|code[-_.\/]llama/.test(name)) return 'codellama';
    if (/deepseek[-_.\/]?coder/.test(name)) return 'deepseek-coder';
    if (/codestral/.test(name)) return 'codestral';
  }
  return null;
}

function isChatTuned(name: string): boolean {
  return /instruct|chat|-it\b|\bit$/.test(name.toLowerCase());
}

function str(patch: Record<string, unknown>, key: string): string | undefined {
  const value = patch[key];
  return typeof value === 'string' ? value : undefined;
}

function contextFormatOf(value: unknown, fallback: ContextFormat): ContextFormat {
  if (value === 'qwen2.5') return 'qwen2.5';
  if (value === 'starcoder') return 'starcoder';
  // Refact's `chat` format (and an empty one) is a human-readable header per file; ours is a
  // path comment, which base models read as code.
  if (value === 'chat' || value === '') return 'path-comments';
  return fallback;
}

/**
 * The FIM format of a completion model, or null when the model has no FIM (a chat or instruct
 * model with a REPLACE/PASSTHROUGH scratchpad): the caller then uses the chat fallback.
 */
export function fimFormatFor(model: FimModelInfo): FimFormat | null {
  const scratchpad = (model.scratchpad ?? '').toUpperCase();
  const explicit = scratchpad === 'FIM-PSM' || scratchpad === 'FIM-SPM';
  const family = familyOf(model);
  if (!explicit && (family === null || isChatTuned(model.name))) return null;
  const patch = (explicit ? model.scratchpad_patch : null) ?? {};
  const base = FIM_FAMILY_TOKENS[family ?? REFACT_DEFAULT_FAMILY]!;
  const prefix = str(patch, 'fim_prefix') ?? base.prefix;
  const suffix = str(patch, 'fim_suffix') ?? base.suffix;
  const middle = str(patch, 'fim_middle') ?? base.middle;
  const eot = str(patch, 'eot') ?? base.eot;
  const extra = Array.isArray(patch.extra_stop_tokens) ? patch.extra_stop_tokens.filter((s): s is string => typeof s === 'string' && s !== '') : [];
  const contextFormat = contextFormatOf(patch.context_format, base.contextFormat);
  const ragRatio = typeof patch.rag_ratio === 'number' && Number.isFinite(patch.rag_ratio) && patch.rag_ratio >= 0 ? Math.min(patch.rag_ratio, 1) : 0.5;
  const tokens = FIM_FAMILY_TOKENS[contextFormat === 'qwen2.5' ? 'qwen2.5-coder' : 'starcoder']!;
  const order = explicit ? (scratchpad === 'FIM-SPM' ? 'spm' : 'psm') : base.order;
  return {
    family: family ?? 'custom',
    order,
    bos: str(patch, 'eos') ?? '',
    prefix, suffix, middle, eot,
    stops: unique([eot, ...(family ? base.stops.slice(1) : []), ...extra].filter((s) => s !== '')),
    contextFormat,
    repoName: contextFormat === 'path-comments' ? null : tokens.repoName,
    fileSep: contextFormat === 'path-comments' ? null : tokens.fileSep,
    ragRatio,
  };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** Every special token a format writes into prompts, for checking a tokenizer knows them. */
export function formatSpecialTokens(format: FimFormat): string[] {
  return unique([format.prefix, format.suffix, format.middle, format.repoName ?? '', format.fileSep ?? ''].map((t) => t.trim()).filter((t) => t !== ''));
}
