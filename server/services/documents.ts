/**
 * Open documents as the editor sees them, shared by every LSP connection and the LSP-less HTTP
 * routes. Later features (completion, index) read from here instead of the disk.
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

export interface DocumentEvent {
  kind: 'opened' | 'changed' | 'closed' | 'saved';
  uri: string;
}

export class DocumentsService {
  private readonly documents = new Map<string, TextDocument>();
  private readonly listeners = new Set<(event: DocumentEvent) => void>();
  private active: string | null = null;

  open(uri: string, languageId: string, version: number, text: string): void {
    this.documents.set(uri, TextDocument.create(uri, languageId, version, text));
    this.emit({ kind: 'opened', uri });
  }

  /** Applies full-text or ranged changes; a change to an unopened document opens it. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const existing = this.documents.get(uri);
    const document = existing
      ? TextDocument.update(existing, changes, version)
      : TextDocument.create(uri, '', version, fullText(changes));
    this.documents.set(uri, document);
    this.emit({ kind: 'changed', uri });
  }

  /** The whole new text of a document, as LSP-less clients send it. */
  replaceText(uri: string, text: string): void {
    const version = (this.documents.get(uri)?.version ?? 0) + 1;
    this.change(uri, version, [{ text }]);
  }

  save(uri: string): void {
    this.emit({ kind: 'saved', uri });
  }

  close(uri: string): void {
    if (this.documents.delete(uri)) this.emit({ kind: 'closed', uri });
    if (this.active === uri) this.active = null;
  }

  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  size(): number {
    return this.documents.size;
  }

  setActive(uri: string): void {
    this.active = uri;
  }

  activeUri(): string | null {
    return this.active;
  }

  onEvent(listener: (event: DocumentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.documents.clear();
    this.listeners.clear();
  }

  private emit(event: DocumentEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function fullText(changes: TextDocumentContentChangeEvent[]): string {
  const last = changes[changes.length - 1];
  return last && !('range' in last) ? last.text : '';
}
