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
  /**
   * Ours, not Refact's: files whose parse task kept failing (a crashed worker, a timeout) after
   * every retry; they are tried again when they change or on the next scan.
   */
  failed_files: AstFailedFile[];
}

/** One file in `AstStatus.failed_files`. */
export interface AstFailedFile {
  path: string;
  /** The last failure's reason, such as `task-crashed` or `task-timeout`. */
  reason: string;
  message: string;
  attempts: number;
}

/** `GET /v1/rag-status`: `null` parts with `*_alive: "turned_off"` when disabled. */
export interface RagStatus {
  ast: AstStatus | null;
  ast_alive: 'working' | 'turned_off';
  vecdb: VecDbStatus | null;
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

export const VecdbRoutes = {
  vdbSearch: '/v1/vdb-search',
  vdbStatus: '/v1/vdb-status',
} as const;

/** Refact's VecDB states: `cooldown` is `done` with changes waiting to be indexed. */
export type VecDbState = 'starting' | 'parsing' | 'done' | 'cooldown';

/** `GET /v1/vdb-status`, and the `vecdb` field of `/v1/rag-status`: Refact's fields, then ours. */
export interface VecDbStatus {
  files_unprocessed: number;
  files_total: number;
  requests_made_since_start: number;
  vectors_made_since_start: number;
  /** Vectors in the vector index. */
  db_size: number;
  /** Vectors in the embedding cache (by chunk hash and model). */
  db_cache_size: number;
  state: VecDbState;
  queue_additions: boolean;
  vecdb_max_files_hit: boolean;
  /** Error message → how many times it happened. */
  vecdb_errors: Record<string, number>;
  /** Ours: chunks in the lexical index. */
  chunks_total: number;
  /** Ours: chunks still waiting for a vector. */
  vectors_pending: number;
  /** Ours: the embedding model used, '' when vectors are off. */
  embedding_model: string;
  /** Ours: why vector search is off ('' when on); lexical and symbol search work regardless. */
  vectors_off_reason: string;
  /** Ours: chunks not embedded because privacy.yaml keeps their file from the embedding model. */
  chunks_privacy_refused: number;
}

/** `GET /v1/vdb-status` with the index turned off. */
export interface VecDbTurnedOff {
  success: 0;
  detail: 'turned_off';
}

/** `POST /v1/vdb-search`. */
export interface VdbSearchRequest {
  query: string;
  top_n: number;
}

/**
 * One hit, in Refact's shape. Lines are 0-based and inclusive. `distance` is the cosine
 * distance when a vector matched the chunk, else `1 − score / best score` of the fused ranking;
 * `usefulness` is 100 for the best hit, falling to 25.
 */
export interface VdbSearchRecord {
  vector: null;
  file_path: string;
  start_line: number;
  end_line: number;
  distance: number;
  usefulness: number;
}

export interface VdbSearchResult {
  query_text: string;
  results: VdbSearchRecord[];
}

/** Refact's `detail` when `/v1/vdb-search` is called on an engine without a vector db. */
export const VECDB_NOT_RUNNING = 'Vector db is not running, check if you have --vecdb parameter and a vectorization model is running on server side.';
