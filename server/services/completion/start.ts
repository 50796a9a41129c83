/**
 * The completion half of the composition root: the services code completion needs, wired from
 * what `main.ts` already has, each registered with the engine's lifetime.
 */
import { join } from 'node:path';
import type { AstIndexService } from '../ast-index-service';
import type { CapsService } from '../caps-service';
import type { DocumentsService } from '../documents';
import type { HttpGet } from '../http-get';
import type { Lifetime } from '../lifetime';
import type { Logger } from '../logger';
import type { RetrievalService } from '../retrieval-service';
import type { TokenizerService } from '../tokenizer-service';
import type { UpstreamClient } from '../upstream/upstream-client';
import type { WorkerPool } from '../worker-pool';
import type { WorkspaceService } from '../workspace';
import { CompletionService, type CompletionServiceDeps } from './completion-service';
import { ContextSources } from './context-sources';
import { LazyCounters } from './counters';
import { RecentFiles } from './recent-files';

export interface CompletionParts {
  caps: CapsService;
  upstream: UpstreamClient;
  documents: DocumentsService;
  workspace: WorkspaceService;
  ast: AstIndexService | null;
  retrieval: RetrievalService | null;
  /** The index's worker pool when it runs; otherwise one is made for counting on first use. */
  pool: WorkerPool | null;
  workersDir: string;
  cacheDir: string;
  fetch: HttpGet;
  logger: Logger;
  /** Per context source (ms). */
  sourceTimeoutMs?: number;
  privacy?: CompletionServiceDeps['privacy'];
  /** `--address-url`: its host is a server the user controls. */
  addressUrl?: string;
}

/** A context source that has not answered in this long is skipped for this keystroke. */
const SOURCE_TIMEOUT_MS = 40;

export interface StartedCompletion {
  completion: CompletionService;
  /**
   * The engine's one tokenizer service, made on first use: chat counts with it too, so each
   * tokenizer file is fetched and loaded once.
   */
  tokenizer: () => Promise<TokenizerService>;
}

export function startCompletion(lifetime: Lifetime, parts: CompletionParts): StartedCompletion {
  const recent = new RecentFiles(parts.documents);
  lifetime.push('recent files', () => recent.dispose());
  let ownPool: WorkerPool | null = null;
  let service: Promise<TokenizerService> | null = null;
  const makeService = async () => {
    const { TokenizerService } = await import('../tokenizer-service');
    let pool = parts.pool;
    if (!pool) {
      const { WorkerPool } = await import('../worker-pool');
      pool = ownPool = new WorkerPool({ workersDir: parts.workersDir, threads: 1, logger: parts.logger });
    }
    // Counting in this thread saves the pool's round trip, which a prompt pays several times per keystroke.
    return new TokenizerService({ pool, cacheDir: parts.cacheDir, caps: parts.caps, fetch: parts.fetch, logger: parts.logger, countInThread: join(parts.workersDir, 'count.js') });
  };
  // A failed start is tried again on the next use.
  const tokenizer = () => (service ??= makeService().catch((error: unknown) => {
    service = null;
    throw error;
  }));
  const counters = new LazyCounters(tokenizer);
  lifetime.push('completion worker pool', () => ownPool?.dispose());
  const sources = new ContextSources({
    ast: parts.ast,
    retrieval: parts.retrieval,
    recent,
    documents: parts.documents,
    timeoutMs: parts.sourceTimeoutMs ?? SOURCE_TIMEOUT_MS,
    roots: () => parts.workspace.list(),
  });
  const completion = new CompletionService({
    caps: parts.caps, counters, upstream: parts.upstream, sources, documents: parts.documents,
    workspaceFolders: () => parts.workspace.list(), logger: parts.logger,
    ...(parts.privacy ? { privacy: parts.privacy } : {}), ownHosts: hostOf(parts.addressUrl),
  });
  lifetime.push('completion', () => completion.dispose());
  // The first document the user opens or edits is the sign that completions will be asked for.
  const stopWatching = parts.documents.onEvent(() => {
    stopWatching();
    completion.warmUp().catch((error: Error) => parts.logger.warn(`completion: warm-up failed: ${error.message}`));
  });
  return { completion, tokenizer };
}


function hostOf(url: string | undefined): string[] {
  try {
    return url ? [new URL(url).hostname] : [];
  } catch {
    return [];
  }
}
