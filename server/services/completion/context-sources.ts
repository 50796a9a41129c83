/**
 * Where a completion's cross-file context comes from: definitions of the symbols used near the
 * cursor (the AST index), retrieval hits for the cursor window, and the files the user edited or
 * viewed last. Each source runs under its own time limit; one that has not answered by then is
 * reported as `timeout` and its answer, if it ever comes, is dropped: a keystroke never waits
 * on a slow index or a slow embedding call.
 */
import { readFileSync } from 'node:fs';
import type { CompletionSourceName, CompletionSourceReport } from '../../../src/protocol/completion';
import type { AstIndex } from '../../core/ast/ast-index';
import { type ContextSnippet } from '../../core/completion';
import type { Resolver } from '../../core/ast/resolve';
import type { DocumentsService } from '../documents';
import type { SearchOptions } from '../retrieval-service';
import { pathToUri, uriToPath } from '../workspace';
import type { RecentFiles } from './recent-files';
import { workspacePlace } from './workspace-place';

/** A snippet as the prompt builder takes it, plus where it lies on disk and how useful its source thinks it is. */
export interface FoundSnippet extends ContextSnippet {
  /** Absolute path, for the response's `context.attached_files`. */
  file: string;
  startLine: number;
  endLine: number;
  /** Higher first; each source ranks its own snippets, 0..100. */
  usefulness: number;
}

export interface AstSource {
  index: AstIndex;
  resolver: Resolver;
}

export interface RetrievalSource {
  search(query: string, topN: number, options?: SearchOptions): Promise<{ results: { file_path: string; start_line: number; end_line: number; usefulness: number }[] }>;
}

export interface ContextQuery {
  /** Absolute path of the cursor's file. */
  path: string;
  uri: string;
  text: string;
  /** 0-based. */
  cursorLine: number;
  useAst: boolean;
  useRetrieval: boolean;
}

export interface GatheredContext {
  /** Most useful first. */
  snippets: FoundSnippet[];
  reports: CompletionSourceReport[];
}

export interface ContextSourcesOptions {
  ast: AstSource | null;
  retrieval: RetrievalSource | null;
  recent: RecentFiles;
  documents: DocumentsService;
  /** Per-source time limit (ms). */
  timeoutMs: number;
  /** Workspace folders: snippet paths are shown to the model relative to them. */
  roots: () => string[];
}

/** Usages this close to the cursor (in lines) are looked up, nearest first, as Refact takes 20. */
const USAGES_NEAR_CURSOR = 20;
/** A definition longer than this is cut to its first lines: the signature and the start matter most. */
const MAX_DEFINITION_LINES = 40;
const RETRIEVAL_TOP_N = 4;
/** Lines above the cursor that make the retrieval query. */
const QUERY_LINES = 12;
const RECENT_FILES = 3;
/** Lines shown around a recent file's last edit. */
const RECENT_WINDOW = 16;

export class ContextSources {
  constructor(private readonly options: ContextSourcesOptions) {}

  /** Runs every enabled source at once; resolves when all answered or ran out of time. */
  async gather(query: ContextQuery, signal: AbortSignal): Promise<GatheredContext> {
    const { ast, retrieval } = this.options;
    const runs: Promise<{ report: CompletionSourceReport; snippets: FoundSnippet[] }>[] = [
      !ast ? off('ast', 'the AST index is off (--ast)') : !query.useAst ? off('ast', 'use_ast is false') : this.timed('ast', () => this.astSnippets(ast, query), signal),
      !retrieval ? off('retrieval', 'retrieval is off (--vecdb)') : !query.useRetrieval ? off('retrieval', 'use_vecdb is false') : this.timed('retrieval', () => this.retrievalSnippets(retrieval, query), signal),
      this.timed('recent', async () => this.recentSnippets(query), signal),
    ];
    const done = await Promise.all(runs);
    const snippets = done.flatMap((d) => d.snippets).sort((a, b) => b.usefulness - a.usefulness);
    return { snippets, reports: done.map((d) => d.report) };
  }

  private async timed(name: CompletionSourceName, run: () => Promise<FoundSnippet[]>, signal: AbortSignal): Promise<{ report: CompletionSourceReport; snippets: FoundSnippet[] }> {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 100) / 100;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs)));
    const aborted = new Promise<'timeout'>((resolve) => signal.addEventListener('abort', () => resolve('timeout'), { once: true }));
    try {
      const result = await Promise.race([run(), limit, aborted]);
      if (result === 'timeout') return { report: { name, status: 'timeout', ms: ms(), found: 0, reason: `no answer within ${this.options.timeoutMs} ms` }, snippets: [] };
      return { report: { name, status: 'used', ms: ms(), found: result.length }, snippets: result };
    } catch (error) {
      return { report: { name, status: 'failed', ms: ms(), found: 0, reason: (error as Error).message }, snippets: [] };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Definitions (in other files) of the symbols used nearest the cursor. */
  private async astSnippets(ast: AstSource, query: ContextQuery): Promise<FoundSnippet[]> {
    const info = ast.index.file(query.path);
    if (!info) return [];
    const cursor = query.cursorLine + 1;
    const near = info.ast.usages
      .map((usage, index) => ({ index, distance: Math.abs(usage.line - cursor) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, USAGES_NEAR_CURSOR);
    const seen = new Set<string>();
    const wanted: { path: string; line1: number; line2: number; rank: number }[] = [];
    near.forEach(({ index }, rank) => {
      const resolution = ast.resolver.resolveRef({ file: query.path, index });
      if (!resolution.target || !resolution.targetFile || resolution.targetFile === query.path || seen.has(resolution.target)) return;
      seen.add(resolution.target);
      const def = ast.index.byPath(resolution.target).find((r) => r.file === resolution.targetFile)?.def;
      if (!def) return;
      const line2 = Math.max(def.declLine2, def.bodyLine2);
      wanted.push({ path: resolution.targetFile, line1: def.declLine1, line2: Math.min(line2, def.declLine1 + MAX_DEFINITION_LINES - 1), rank });
    });
    return this.readSnippets('ast', wanted, near.length);
  }

  private async retrievalSnippets(retrieval: RetrievalSource, query: ContextQuery): Promise<FoundSnippet[]> {
    const lines = query.text.split('\n');
    const window = lines.slice(Math.max(0, query.cursorLine - QUERY_LINES), query.cursorLine + 1).join('\n');
    if (!window.trim()) return [];
    const found = await retrieval.search(window, RETRIEVAL_TOP_N, { excludePaths: [query.path] });
    const wanted = found.results.map((r, rank) => ({ path: r.file_path, line1: r.start_line, line2: r.end_line, rank }));
    return this.readSnippets('retrieval', wanted, wanted.length);
  }

  private recentSnippets(query: ContextQuery): FoundSnippet[] {
    return this.options.recent.list(query.uri, RECENT_FILES).flatMap((file, rank) => {
      const path = uriToPath(file.uri);
      if (!path) return [];
      const lines = file.text.split('\n');
      const center = file.editedLine ?? 0;
      const line1 = Math.max(1, center + 1 - RECENT_WINDOW / 2);
      const line2 = Math.min(lines.length, line1 + RECENT_WINDOW - 1);
      return [this.snippet('recent', path, line1, line2, lines, 60 - rank)];
    });
  }

  private async readSnippets(source: CompletionSourceName, wanted: { path: string; line1: number; line2: number; rank: number }[], outOf: number): Promise<FoundSnippet[]> {
    const texts = new Map<string, Promise<string | null>>();
    const read = (path: string) => {
      let text = texts.get(path);
      if (!text) texts.set(path, (text = this.fileText(path)));
      return text;
    };
    const snippets = await Promise.all(
      wanted.map(async (w) => {
        const text = await read(w.path);
        if (text === null) return null;
        const lines = text.split('\n');
        const line2 = Math.min(w.line2, lines.length);
        if (w.line1 > line2) return null;
        return this.snippet(source, w.path, w.line1, line2, lines, 100 - (w.rank * 50) / Math.max(1, outOf));
      }),
    );
    return snippets.filter((s): s is FoundSnippet => s !== null);
  }

  /** Lines `line1..line2` (1-based) of a file as a snippet, its path relative to the workspace folder it lies in. */
  private snippet(source: CompletionSourceName, file: string, line1: number, line2: number, lines: string[], usefulness: number): FoundSnippet {
    const path = workspacePlace(file, this.options.roots()).relative;
    return { source, path, file, startLine: line1 - 1, endLine: line2 - 1, text: lines.slice(line1 - 1, line2).join('\n'), usefulness };
  }

  /**
   * The editor's text when the file is open (it may be unsaved), else the disk's. Indexed files
   * are small, and a synchronous read of one costs tens of microseconds where the promise API's
   * open/stat/read/close round trips cost a millisecond of this keystroke's time.
   */
  private async fileText(path: string): Promise<string | null> {
    const open = this.options.documents.get(pathToUri(path));
    if (open) return open.getText();
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  }
}

async function off(name: CompletionSourceName, reason: string): Promise<{ report: CompletionSourceReport; snippets: FoundSnippet[] }> {
  return { report: { name, status: 'off', ms: 0, found: 0, reason }, snippets: [] };
}
