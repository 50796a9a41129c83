/**
 * When not to ask for a completion at all, because the suggestion could not be shown or would
 * not be wanted: the cursor is in the middle of text (VS Code can only show ghost text that the
 * rest of the line would follow), the file is huge, or the document is not a file the engine
 * has (the engine only receives `file:` documents).
 */

/** What may stand right of the cursor: closing brackets, quotes, punctuation and spaces. */
const CLOSING_TAIL = /^[\s)\]}>'"`;,.:]*$/;

/** Documents larger than this are skipped (generated bundles, logs, data files). */
export const MAX_DOCUMENT_CHARS = 1_000_000;

export type SkipReason = 'scheme' | 'text-right-of-cursor' | 'large-file' | 'paused' | 'selection';

export interface SkipQuery {
  scheme: string;
  /** The cursor's line right of the cursor. */
  lineSuffix: string;
  documentChars: number;
  paused: boolean;
  /** A manual request (Alt+Space) still asks when paused. */
  manual: boolean;
  /** The user has a non-empty selection: typing would replace it, not extend it. */
  hasSelection: boolean;
  maxDocumentChars?: number;
}

export function skipReason(query: SkipQuery): SkipReason | null {
  if (query.scheme !== 'file') return 'scheme';
  if (query.paused && !query.manual) return 'paused';
  if (query.hasSelection) return 'selection';
  if (query.documentChars > (query.maxDocumentChars ?? MAX_DOCUMENT_CHARS)) return 'large-file';
  if (!CLOSING_TAIL.test(query.lineSuffix)) return 'text-right-of-cursor';
  return null;
}
