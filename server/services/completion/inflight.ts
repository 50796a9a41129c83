/**
 * One live completion per document: a newer request for the same document aborts the older one
 * at once (the user typed past it), and so does its caller leaving (LSP `$/cancelRequest`, the
 * HTTP connection closing). Aborting reaches the upstream socket through the signal, which
 * frees the model server's slot instead of letting it generate for nobody.
 */

export class SupersededError extends Error {
  constructor() {
    super('a newer completion request for the same document replaced this one');
    this.name = 'SupersededError';
  }
}

export interface Ticket {
  signal: AbortSignal;
  /** Ends the ticket; the document's slot frees if this ticket still holds it. */
  release(): void;
}

export class InflightRequests {
  private readonly live = new Map<string, AbortController>();

  /** Takes the document's slot, aborting whoever held it; `outer` (the caller's signal) aborts this one too. */
  begin(document: string, outer?: AbortSignal): Ticket {
    this.live.get(document)?.abort(new SupersededError());
    const controller = new AbortController();
    this.live.set(document, controller);
    const onOuter = () => controller.abort(outer?.reason);
    if (outer?.aborted) onOuter();
    else outer?.addEventListener('abort', onOuter, { once: true });
    return {
      signal: controller.signal,
      release: () => {
        outer?.removeEventListener('abort', onOuter);
        if (this.live.get(document) === controller) this.live.delete(document);
      },
    };
  }

  /** Aborts whatever runs for the document (a keystroke cancels a prefetch). */
  cancel(document: string): void {
    this.live.get(document)?.abort(new SupersededError());
    this.live.delete(document);
  }

  dispose(): void {
    for (const controller of this.live.values()) controller.abort(new Error('the engine is shutting down'));
    this.live.clear();
  }
}
