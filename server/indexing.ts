/**
 * The index half of the composition root, loaded by `main.ts` only with `--ast` or `--vecdb`:
 * the worker pool and file watcher they share, the AST index, and retrieval, each disposed by
 * the engine's lifetime in reverse order.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AstIndexService } from './services/ast-index-service';
import type { CapsService } from './services/caps-service';
import type { DocumentsService } from './services/documents';
import { FileWatcher } from './services/file-watcher';
import type { Lifetime } from './services/lifetime';
import type { Logger } from './services/logger';
import { RetrievalService, type RetrievalDeps } from './services/retrieval-service';
import { WorkerPool } from './services/worker-pool';
import type { WorkspaceService } from './services/workspace';
import type { WorkspaceFiles } from './services/workspace-files';

interface IndexingParts {
  pool: WorkerPool;
  watcher: FileWatcher;
}

/** The worker pool and the file watcher that the AST index and retrieval share; disposed after both. */
export function startIndexing(lifetime: Lifetime, logger: Logger): IndexingParts {
  const pool = new WorkerPool({ workersDir: join(__dirname, 'workers'), logger });
  lifetime.push('worker pool', () => pool.dispose());
  const watcher = new FileWatcher(logger);
  lifetime.push('file watcher', () => watcher.dispose());
  return { pool, watcher };
}

interface AstIndexParts extends IndexingParts {
  workspace: WorkspaceService;
  files: WorkspaceFiles;
  documents: DocumentsService;
  cacheDir: string;
  logger: Logger;
}

export function startAstIndex(lifetime: Lifetime, parts: AstIndexParts): AstIndexService {
  // Stored parse results are as good as the extractor that made them: a new parse worker
  // build invalidates them.
  const contentVersion = buildHash('parse.js');
  const ast = new AstIndexService({ ...parts, contentVersion });
  lifetime.push('ast index', () => ast.dispose());
  ast.start();
  return ast;
}

interface RetrievalParts extends AstIndexParts {
  caps: CapsService;
  upstream: RetrievalDeps['upstream'];
  privacy?: RetrievalDeps['privacy'];
  ownHosts?: readonly string[];
}

export function startRetrieval(lifetime: Lifetime, parts: RetrievalParts): RetrievalService {
  const retrieval = new RetrievalService({ ...parts, chunkerBuild: buildHash('chunk.js') });
  lifetime.push('retrieval', () => retrieval.dispose());
  retrieval.start();
  return retrieval;
}

function buildHash(worker: string): string {
  return createHash('sha1').update(readFileSync(join(__dirname, 'workers', worker))).digest('hex').slice(0, 16);
}
