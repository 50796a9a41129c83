/**
 * The workspace folders the engine serves, from the command line, LSP `initialize`, folder
 * changes, and the LSP-less HTTP routes; plus file events reported by the client.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type FileChangeKind = 'created' | 'changed' | 'deleted';

export interface WorkspaceEvent {
  kind: 'folder-added' | 'folder-removed' | FileChangeKind;
  path: string;
}

export class WorkspaceService {
  private readonly folders = new Set<string>();
  private readonly listeners = new Set<(event: WorkspaceEvent) => void>();

  constructor(initialFolders: readonly string[]) {
    for (const folder of initialFolders) this.folders.add(resolve(folder));
  }

  list(): string[] {
    return [...this.folders];
  }

  addFolder(path: string): void {
    const folder = resolve(path);
    if (this.folders.has(folder)) return;
    this.folders.add(folder);
    this.emit({ kind: 'folder-added', path: folder });
  }

  /** Replaces every folder, as `initialize` from an LSP-less client does. */
  setFolders(paths: readonly string[]): void {
    const wanted = new Set(paths.map((p) => resolve(p)));
    for (const folder of this.list()) if (!wanted.has(folder)) this.removeFolder(folder);
    for (const folder of wanted) this.addFolder(folder);
  }

  removeFolder(path: string): void {
    const folder = resolve(path);
    if (this.folders.delete(folder)) this.emit({ kind: 'folder-removed', path: folder });
  }

  fileChanged(kind: FileChangeKind, path: string): void {
    this.emit({ kind, path });
  }

  onEvent(listener: (event: WorkspaceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
  }

  private emit(event: WorkspaceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** `file:` URIs become paths; anything else that looks like a path is taken as one. */
export function uriToPath(uri: string): string | null {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return null;
    }
  }
  return uri.includes('://') ? null : resolve(uri);
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}
