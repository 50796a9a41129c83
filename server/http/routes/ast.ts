/**
 * The index's HTTP face, in Refact's shapes: `/v1/rag-status`, `/v1/ast-status`,
 * `/v1/ast-file-symbols`, `/v1/ast-file-dump`. With `--ast` off they say so instead of failing;
 * rag-status also reports retrieval (`--vecdb`).
 */
import { readFile } from 'node:fs/promises';
import { fileSymbols } from '../../core/ast/queries';
import { dumpFile, toRefactDefinition } from '../../core/ast/refact-shape';
import { IndexRoutes, type AstFileDumpRequest, type AstFileSymbolsRequest, type RagStatus, type VecDbStatus } from '../../../src/protocol/workspace';
import type { AstIndexService } from '../../services/ast-index-service';
import { uriToPath } from '../../services/workspace';
import type { RouteModule } from '../app';
import { problem } from '../errors';

/** The part of retrieval that rag-status reports. */
export interface VecdbStatusSource {
  status(): VecDbStatus;
  lastError(): string;
}

export function astRoutes(ast: AstIndexService | null, vecdb: VecdbStatusSource | null = null): RouteModule {
  const enabled = (): AstIndexService => {
    if (!ast) throw problem('Internal', 'the AST index is turned off; start the engine with --ast');
    return ast;
  };
  return (app) => {
    app.get(IndexRoutes.ragStatus, async (): Promise<RagStatus> => ({
      ast: ast ? ast.status() : null,
      ast_alive: ast ? 'working' : 'turned_off',
      vecdb: vecdb ? vecdb.status() : null,
      vecdb_alive: vecdb ? 'working' : 'turned_off',
      vec_db_error: vecdb ? vecdb.lastError() : '',
    }));
    app.get(IndexRoutes.astStatus, async () => enabled().status());
    app.post<{ Body: AstFileSymbolsRequest }>(
      IndexRoutes.astFileSymbols,
      { schema: { body: { type: 'object', required: ['file_url'], properties: { file_url: { type: 'string', minLength: 1 } } } } },
      async (request) => {
        const index = enabled();
        const path = uriToPath(request.body.file_url);
        if (!path) throw problem('BadRequest', `'${request.body.file_url}' is not a file URI or path`);
        const symbols = fileSymbols(index.index, path);
        if (!symbols) throw problem('NotFound', `File not found in the index: ${path}`);
        const usages = index.resolver.resolveFile(path);
        return symbols.map((def) => toRefactDefinition(def, path, usages));
      },
    );
    app.post<{ Body: AstFileDumpRequest }>(
      IndexRoutes.astFileDump,
      { schema: { body: { type: 'object', required: ['file_name'], properties: { file_name: { type: 'string', minLength: 1 } } } } },
      async (request, reply) => {
        const index = enabled();
        const path = uriToPath(request.body.file_name);
        const symbols = path ? fileSymbols(index.index, path) : null;
        if (!path || !symbols) throw problem('NotFound', `file not found in the index: ${request.body.file_name}`);
        const text = await readFile(path, 'utf8').catch(() => null);
        if (text === null) throw problem('NotFound', `cannot read ${path}`);
        return reply.type('text/plain').send(dumpFile(text, symbols));
      },
    );
  };
}
