/**
 * From a file's text and syntax tree to its `FileAst`: the checks made before parsing (language,
 * size, minified or generated text) and the extraction made after, with the symbol cap.
 */
import { Extraction, TooManySymbols } from './extract';
import { isLanguageId, languageOfPath } from './languages';
import { hasRules, rulesFor } from './lang/rules';
import { fileOfficialPath } from './official-path';
import type { SyntaxNode } from './syntax';
import { DEFAULT_PARSE_LIMITS, type LanguageId, type ParseLimits, type ParseOutcome } from './types';

export interface ParseInput {
  /** The file's path as the caller keys it (absolute or workspace-relative). */
  path: string;
  text: string;
  /** Overrides the language chosen from the extension. */
  language?: LanguageId;
  /** The path official paths are made from; defaults to `path`. Pass it workspace-relative. */
  relPath?: string;
  limits?: Partial<ParseLimits>;
}

export type Precheck = { ok: true; language: LanguageId; limits: ParseLimits } | Extract<ParseOutcome, { ok: false }>;

export function precheck(input: ParseInput): Precheck {
  const limits = { ...DEFAULT_PARSE_LIMITS, ...input.limits };
  const language = input.language && isLanguageId(input.language) ? input.language : languageOfPath(input.path);
  const skip = (reason: Extract<ParseOutcome, { ok: false }>['reason'], message: string) => ({ ok: false as const, path: input.path, reason, message });
  if (!language) return skip('unsupported-language', 'no grammar for this file type');
  if (!hasRules(language)) return skip('unsupported-language', `no extraction rules for ${language} yet`);
  if (input.text.length > limits.maxChars) return skip('too-large', `${input.text.length} characters, limit ${limits.maxChars}`);
  const longest = longestLine(input.text);
  if (longest > limits.maxLineLength) return skip('generated', `a line of ${longest} characters: minified or generated?`);
  return { ok: true, language, limits };
}

export function extractFromTree(root: SyntaxNode, input: ParseInput, language: LanguageId, limits: ParseLimits): ParseOutcome {
  const filePath = fileOfficialPath(input.relPath ?? input.path);
  const x = new Extraction(rulesFor(language), filePath, input.text, limits.maxSymbols);
  try {
    x.walkChildren(root);
  } catch (error) {
    if (error instanceof TooManySymbols) {
      return { ok: false, path: input.path, reason: 'too-many-symbols', message: `more than ${limits.maxSymbols} symbols: generated?` };
    }
    if (error instanceof RangeError) {
      return { ok: false, path: input.path, reason: 'generated', message: `nesting too deep to walk: ${error.message}` };
    }
    throw error;
  }
  return {
    ok: true,
    file: {
      path: input.path,
      language,
      filePath,
      lines: root.endPosition.row + 1,
      definitions: x.definitions,
      usages: x.usages,
      extensions: x.extensions,
      errors: { count: x.errorCount, lines: x.errorLines },
    },
  };
}

function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    if (stop - start > longest) longest = stop - start;
    if (end < 0) return longest;
    start = end + 1;
  }
}

