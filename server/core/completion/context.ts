/**
 * Cross-file context for a FIM prompt: snippets deduplicated by range and content, packed into a
 * token budget by relevance, and rendered in a stable order so that an inference server's prompt
 * cache stays valid from one keystroke to the next. Rendering is in the model's own repository
 * format (`<|file_sep|>` blocks) or as path comments.
 */
import type { FimFormat } from './formats';

export interface ContextSnippet {
  /** Workspace-relative path where possible (it is shown to the model). */
  path: string;
  text: string;
  /** Definitions from the AST index, retrieval hits, or recently edited or viewed files. */
  source: 'ast' | 'retrieval' | 'recent';
  /** 0-based, inclusive; absent for a whole file. */
  startLine?: number;
  endLine?: number;
}

/** Refact's clamps: context gets `n_ctx × rag_ratio` (or the request's `rag_tokens_n`) in [50, 4096]. */
export const RAG_TOKENS_MIN = 50;
export const RAG_TOKENS_MAX = 4096;

export function ragTokensBudget(nCtx: number, ragRatio: number, requested?: number): number {
  const wanted = requested !== undefined && requested > 0 ? requested : Math.floor(nCtx * ragRatio);
  if (ragRatio <= 0 && requested === undefined) return 0;
  return Math.max(RAG_TOKENS_MIN, Math.min(RAG_TOKENS_MAX, wanted));
}

/** FNV-1a over the text with whitespace runs folded, so reindented copies count as one. */
export function contentHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const folded = text.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

function overlaps(a: ContextSnippet, b: ContextSnippet): boolean {
  if (a.path !== b.path) return false;
  if (a.startLine === undefined || b.startLine === undefined) return true;
  return a.startLine <= (b.endLine ?? b.startLine) && b.startLine <= (a.endLine ?? a.startLine);
}

/**
 * Drops blank snippets, snippets of the same content (whitespace folded), and snippets whose
 * range overlaps one kept earlier; earlier ones are the more relevant, so they win.
 */
export function dedupeSnippets(snippets: readonly ContextSnippet[]): ContextSnippet[] {
  const kept: ContextSnippet[] = [];
  const hashes = new Set<string>();
  for (const s of snippets) {
    if (s.text.trim() === '') continue;
    const hash = contentHash(s.text);
    if (hashes.has(hash) || kept.some((k) => overlaps(k, s))) continue;
    hashes.add(hash);
    kept.push(s);
  }
  return kept;
}

const SOURCE_RANK: Record<ContextSnippet['source'], number> = { ast: 0, retrieval: 1, recent: 2 };

/**
 * The order snippets are written in: least-changing first (definitions, then retrieval hits, then
 * recently edited files), then by path and line, never by score, so the same set always renders
 * the same bytes.
 */
export function stableOrder(snippets: readonly ContextSnippet[]): ContextSnippet[] {
  return [...snippets].sort((a, b) =>
    SOURCE_RANK[a.source] - SOURCE_RANK[b.source] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.startLine ?? 0) - (b.startLine ?? 0),
  );
}

const HASH_COMMENT = /\.(py|pyi|rb|sh|bash|zsh|pl|r|jl|yaml|yml|toml|ex|exs|nim|cr|ps1|mk|dockerfile|cmake|coffee)$/i;
const DASH_COMMENT = /\.(sql|lua|hs|elm|ada|adb|vhdl)$/i;
const PERCENT_COMMENT = /\.(erl|hrl|tex|m|mat)$/i;
const SEMI_COMMENT = /\.(clj|cljs|lisp|el|scm|rkt)$/i;

/** The line-comment opener of a file's language, by its name; `//` when unknown. */
export function lineComment(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  if (HASH_COMMENT.test(name) || /^(Makefile|Dockerfile|Rakefile|Gemfile)$/.test(name)) return '#';
  if (DASH_COMMENT.test(name)) return '--';
  if (PERCENT_COMMENT.test(name)) return '%';
  if (SEMI_COMMENT.test(name)) return ';';
  return '//';
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** One snippet as the model's format writes a file. */
export function renderSnippet(format: FimFormat, snippet: ContextSnippet): string {
  if (format.fileSep !== null) return `${format.fileSep}${snippet.path}\n${withNewline(snippet.text)}`;
  return `${lineComment(snippet.path)} Path: ${snippet.path}\n${withNewline(snippet.text)}`;
}

/** The repository header written once before all files (`<|repo_name|>name\n`), or ''. */
export function renderRepoHeader(format: FimFormat, repoName: string): string {
  if (format.repoName === null) return '';
  return format.contextFormat === 'qwen2.5' ? `${format.repoName}${repoName}\n` : `${format.repoName}${repoName}`;
}

/** The header that names the cursor's own file, written after the context, before its code. */
export function renderCursorFileHeader(format: FimFormat, path: string): string {
  if (format.fileSep !== null) return `${format.fileSep}${path}\n`;
  return `${lineComment(path)} Path: ${path}\n`;
}

/** Cuts a snippet to its first `keepLines` lines (a partial snippet still helps). */
export function truncateSnippet(snippet: ContextSnippet, keepLines: number): ContextSnippet {
  const lines = snippet.text.split('\n');
  if (lines.length <= keepLines) return snippet;
  const text = lines.slice(0, keepLines).join('\n');
  return { ...snippet, text, ...(snippet.startLine !== undefined ? { endLine: snippet.startLine + keepLines - 1 } : {}) };
}
