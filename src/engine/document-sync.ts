/**
 * Keeps the engine's copy of the workspace in step with the editor over LSP: open `file:`
 * documents with their full text on every change (the engine asks for full sync), saves and
 * closes, workspace folders, and file changes once the engine registers a watcher. Messages go
 * out in order on one connection, so a change always reaches the engine before the completion
 * request that follows it.
 */
import * as vscode from 'vscode';

export type Notify = (method: string, params: unknown) => void;

const isSynced = (document: vscode.TextDocument) => document.uri.scheme === 'file';

export function syncDocuments(notify: Notify): vscode.Disposable[] {
  const open = (d: vscode.TextDocument) => {
    if (isSynced(d)) notify('textDocument/didOpen', { textDocument: { uri: d.uri.toString(), languageId: d.languageId, version: d.version, text: d.getText() } });
  };
  vscode.workspace.textDocuments.forEach(open);
  return [
    vscode.workspace.onDidOpenTextDocument(open),
    vscode.workspace.onDidChangeTextDocument(({ document: d, contentChanges }) => {
      if (!isSynced(d) || contentChanges.length === 0) return;
      notify('textDocument/didChange', { textDocument: { uri: d.uri.toString(), version: d.version }, contentChanges: [{ text: d.getText() }] });
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (isSynced(d)) notify('textDocument/didSave', { textDocument: { uri: d.uri.toString() } });
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (isSynced(d)) notify('textDocument/didClose', { textDocument: { uri: d.uri.toString() } });
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
      const folder = (f: vscode.WorkspaceFolder) => ({ uri: f.uri.toString(), name: f.name });
      notify('workspace/didChangeWorkspaceFolders', { event: { added: added.map(folder), removed: removed.map(folder) } });
    }),
  ];
}

/** LSP `FileChangeType`. */
const CREATED = 1;
const CHANGED = 2;
const DELETED = 3;

/** The engine's `workspace/didChangeWatchedFiles` registration, served by a VS Code watcher. */
export function watchFiles(globs: string[], notify: Notify): vscode.Disposable[] {
  return globs.map((glob) => {
    const watcher = vscode.workspace.createFileSystemWatcher(glob);
    const send = (type: number) => (uri: vscode.Uri) => {
      if (uri.scheme === 'file') notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri.toString(), type }] });
    };
    watcher.onDidCreate(send(CREATED));
    watcher.onDidChange(send(CHANGED));
    watcher.onDidDelete(send(DELETED));
    return watcher;
  });
}
