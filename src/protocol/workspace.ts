/**
 * HTTP shapes for the workspace and its index: Refact's LSP-less routes (for clients without
 * an LSP connection) and, later, the index status routes. Field names are Refact's.
 */

export const WorkspaceRoutes = {
  lspInitialize: '/v1/lsp-initialize',
  lspDidChanged: '/v1/lsp-did-changed',
  lspAddFolder: '/v1/lsp-add-folder',
  lspRemoveFolder: '/v1/lsp-remove-folder',
  lspSetActiveDocument: '/v1/lsp-set-active-document',
} as const;

/** `POST /v1/lsp-initialize`: replaces the workspace folders. */
export interface LspLikeInitialize {
  project_roots: string[];
}
/** Answer of `/v1/lsp-initialize`: how many files the workspace has for indexing. */
export interface LspLikeInitializeResult {
  success: 1;
  files_found: number;
}

/** `POST /v1/lsp-did-changed`: the full new text of a document. */
export interface LspLikeDidChange {
  uri: string;
  text: string;
}

/** `POST /v1/lsp-add-folder`, `/v1/lsp-remove-folder`, `/v1/lsp-set-active-document`. */
export interface LspLikeUri {
  uri: string;
}
