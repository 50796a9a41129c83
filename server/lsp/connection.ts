/**
 * One LSP session: binds a JSON-RPC connection to the engine's services (exit and shutdown
 * are the transport's business, see `transport.ts`). Handlers are one-line
 * adapters; the capabilities mirror refact-lsp's so Refact's clients work unchanged.
 */
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { ENGINE_SERVER_NAME, SetActiveDocumentRequest } from '../../src/protocol/lsp';
import type { CompletionService } from '../services/completion/completion-service';
import type { DocumentsService } from '../services/documents';
import type { Logger } from '../services/logger';
import { uriToPath, type FileChangeKind, type WorkspaceService } from '../services/workspace';
import { bindCompletion, COMPLETION_CAPABILITIES } from './completion';
import { reportIndexProgress, type ProgressSource } from './index-progress';
import { handleRequest } from './typed';

export interface LspDeps {
  /** Index progress to show as `$/progress`, when the index is on. */
  indexProgress: ProgressSource | null;
  documents: DocumentsService;
  workspace: WorkspaceService;
  logger: Logger;
  version: string;
  /** Code completion (`refact/getCompletions`, `textDocument/inlineCompletion`); absent in tests that need none. */
  completion?: CompletionService;
}

const FILE_CHANGE: Record<number, FileChangeKind> = {
  [FileChangeType.Created]: 'created',
  [FileChangeType.Changed]: 'changed',
  [FileChangeType.Deleted]: 'deleted',
};

/** Binds the handlers; the returned function drops what the session subscribed to. */
export function bindLspConnection(connection: Connection, deps: LspDeps): () => void {
  const { documents, workspace, logger } = deps;
  const cleanups: (() => void)[] = [];

  connection.onInitialize((params): InitializeResult => {
    // Subscribed before the folders arrive, so the scan they start is reported from its start.
    if (deps.indexProgress && params.capabilities.window?.workDoneProgress) {
      cleanups.push(reportIndexProgress(connection, deps.indexProgress));
    }
    addFolders(workspace, params.workspaceFolders ?? [], params.rootUri ?? null);
    logger.info(`lsp: initialize from ${params.clientInfo?.name ?? 'unknown client'}, folders: ${workspace.list().join(', ') || 'none'}`);
    return {
      serverInfo: { name: ENGINE_SERVER_NAME, version: deps.version },
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full, save: { includeText: false } },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...(deps.completion ? COMPLETION_CAPABILITIES : {}),
      },
    };
  });
  connection.onInitialized(() => {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] })
      .catch(() => logger.debug('lsp: client cannot watch files for us'));
  });

  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    documents.open(d.uri, d.languageId, d.version, d.text);
    logger.debug(`lsp: opened ${d.uri} v${d.version} (${d.text.length} chars, ${documents.size()} open)`);
  });
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => documents.change(d.uri, d.version, contentChanges));
  connection.onDidSaveTextDocument(({ textDocument: d }) => documents.save(d.uri));
  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    documents.close(d.uri);
    logger.debug(`lsp: closed ${d.uri} (${documents.size()} open)`);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = uriToPath(change.uri);
      const kind = FILE_CHANGE[change.type];
      if (path && kind) workspace.fileChanged(kind, path);
    }
  });
  connection.onNotification('workspace/didChangeWorkspaceFolders', (params: { event: { added: WorkspaceFolder[]; removed: WorkspaceFolder[] } }) => {
    addFolders(workspace, params.event.added, null);
    for (const folder of params.event.removed) {
      const path = uriToPath(folder.uri);
      if (path) workspace.removeFolder(path);
    }
  });
  if (deps.completion) bindCompletion(connection, { completion: deps.completion, documents });
  handleRequest(connection, SetActiveDocumentRequest, ({ uri }) => {
    documents.setActive(uri);
    return { success: true };
  });
  return () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
}

function addFolders(workspace: WorkspaceService, folders: readonly WorkspaceFolder[], rootUri: string | null): void {
  const uris = folders.length > 0 ? folders.map((f) => f.uri) : rootUri ? [rootUri] : [];
  for (const uri of uris) {
    const path = uriToPath(uri);
    if (path) workspace.addFolder(path);
  }
}
