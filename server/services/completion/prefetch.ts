/**
 * After the user accepts a completion, the next one is asked for in the background, at the
 * cursor right after the accepted text, so that it is in the cache when the editor asks: the
 * next suggestion shows at once. A prefetch holds no document slot (it never cancels the user's
 * own request), is cancelled by a keystroke that changes the text before its cursor or by a
 * request for another position in the document, and a request for exactly its position waits
 * for it instead of asking again.
 */
import { shouldCompleteMultiline, splitAtCursor } from '../../core/completion';
import type { Outcome } from '../../core/outcome';
import type { DocumentsService } from '../documents';
import type { Logger } from '../logger';
import type { CompletionInput } from './requests';

interface Pending {
  /** The document text before the prefetch's cursor. */
  before: string;
  controller: AbortController;
  done: Promise<void>;
}

export type Run = (input: CompletionInput, signal: AbortSignal) => Promise<Outcome<unknown>>;

export class Prefetcher {
  private readonly pending = new Map<string, Pending>();
  private readonly unsubscribe: () => void;

  constructor(documents: DocumentsService, private readonly run: Run, private readonly logger: Logger) {
    this.unsubscribe = documents.onEvent((event) => {
      const pending = this.pending.get(event.uri);
      if (!pending || event.kind !== 'changed') return;
      // Typing along at the cursor keeps the prefetch useful (its cache entries cover typing along); any other edit ends it.
      if (!documents.get(event.uri)?.getText().startsWith(pending.before)) this.cancel(event.uri);
    });
  }

  /** Prefetches the completion after `completion` is inserted at the input's cursor. */
  start(given: { input: CompletionInput; completion: string }): void {
    const next = afterInsertion(given.input, given.completion);
    if (!next) return;
    this.cancel(next.input.document);
    const controller = new AbortController();
    const done = this.run(next.input, controller.signal).then(
      (outcome) => {
        if (!outcome.ok && outcome.kind !== 'Cancelled') this.logger.debug(`completion prefetch: ${outcome.detail}`);
      },
      (error: Error) => this.logger.warn(`completion prefetch failed: ${error.message}`),
    ).finally(() => {
      if (this.pending.get(next.input.document)?.controller === controller) this.pending.delete(next.input.document);
    });
    this.pending.set(next.input.document, { before: next.before, controller, done });
  }

  /** Waits for a prefetch of exactly this state of the document, if one is running. */
  async settle(document: string, before: string): Promise<void> {
    const pending = this.pending.get(document);
    if (pending && pending.before === before) await pending.done;
  }

  cancel(document: string): void {
    this.pending.get(document)?.controller.abort();
    this.pending.delete(document);
  }

  dispose(): void {
    this.unsubscribe();
    for (const document of [...this.pending.keys()]) this.cancel(document);
  }
}

/** The request for the cursor right after `completion` is inserted; null if the cursor is outside the text. */
export function afterInsertion(input: CompletionInput, completion: string): { input: CompletionInput; before: string } | null {
  const split = splitAtCursor(input.text, { line: input.line, character: input.character });
  if (!split.ok) return null;
  const doc = split.value;
  const before = doc.above.join('') + doc.linePrefix + completion;
  const text = before + doc.lineSuffix + doc.lineEnd + doc.below.join('');
  const lines = completion.split('\n');
  const lastLine = lines[lines.length - 1]!;
  const line = input.line + lines.length - 1;
  const linePrefix = lines.length > 1 ? lastLine : doc.linePrefix + lastLine;
  const character = [...linePrefix].length;
  // The editor asks for a block where the line is blank left of the cursor, a line otherwise.
  const multiline = shouldCompleteMultiline(linePrefix);
  return { input: { ...input, text, line, character, multiline, noCache: false }, before };
}
