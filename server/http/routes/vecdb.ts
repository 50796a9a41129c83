/**
 * Retrieval's HTTP face, in Refact's shapes: `POST /v1/vdb-search` and `GET /v1/vdb-status`.
 * With `--vecdb` off they answer as Refact does: a 500 with its detail, and `turned_off`.
 */
import { VECDB_NOT_RUNNING, VecdbRoutes, type VdbSearchRequest, type VdbSearchResult, type VecDbStatus, type VecDbTurnedOff } from '../../../src/protocol/workspace';
import type { RetrievalService } from '../../services/retrieval-service';
import type { RouteModule } from '../app';
import { problem } from '../errors';

export function vecdbRoutes(retrieval: RetrievalService | null): RouteModule {
  return (app) => {
    app.post<{ Body: VdbSearchRequest }>(
      VecdbRoutes.vdbSearch,
      {
        schema: {
          body: {
            type: 'object',
            required: ['query', 'top_n'],
            properties: { query: { type: 'string' }, top_n: { type: 'integer', minimum: 0, maximum: 1000 } },
          },
        },
      },
      async (request): Promise<VdbSearchResult> => {
        if (!retrieval) throw problem('Internal', VECDB_NOT_RUNNING);
        return retrieval.search(request.body.query, request.body.top_n);
      },
    );
    app.get(VecdbRoutes.vdbStatus, async (): Promise<VecDbStatus | VecDbTurnedOff> => (retrieval ? retrieval.status() : { success: 0, detail: 'turned_off' }));
  };
}
