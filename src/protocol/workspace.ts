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

export const IndexRoutes = {
  ragStatus: '/v1/rag-status',
  astStatus: '/v1/ast-status',
  astFileSymbols: '/v1/ast-file-symbols',
  astFileDump: '/v1/ast-file-dump',
} as const;

/** Refact's AST index states, in the order they move. */
export type AstState = 'starting' | 'parsing' | 'indexing' | 'done';

/** `GET /v1/ast-status`, and the `ast` field of `/v1/rag-status`. */
export interface AstStatus {
  state: AstState;
  files_unparsed: number;
  files_total: number;
  ast_index_files_total: number;
  ast_index_symbols_total: number;
  ast_index_usages_total: number;
  ast_max_files_hit: boolean;
}

/** `GET /v1/rag-status`: `null` parts with `*_alive: "turned_off"` when disabled. */
export interface RagStatus {
  ast: AstStatus | null;
  ast_alive: 'working' | 'turned_off';
  vecdb: Record<string, unknown> | null;
  vecdb_alive: 'working' | 'turned_off';
  vec_db_error: string;
}

/** `POST /v1/ast-file-symbols`. */
export interface AstFileSymbolsRequest {
  file_url: string;
}

/** One definition as Refact serializes it (`AstDefinition`). */
export interface RefactAstDefinition {
  official_path: string[];
  symbol_type: string;
  usages: { targets_for_guesswork: string[]; resolved_as: string; debug_hint: string; uline: number }[];
  resolved_type: string;
  this_is_a_class: string;
  this_class_derived_from: string[];
  cpath: string;
  decl_line1: number;
  decl_line2: number;
  body_line1: number;
  body_line2: number;
}

/** `POST /v1/ast-file-dump`: answered as plain text, one line per source line. */
export interface AstFileDumpRequest {
  file_name: string;
}
