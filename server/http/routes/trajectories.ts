/**
 * Saved chats: `GET /v1/trajectories` lists them, `GET /v1/trajectories/subscribe` streams
 * their changes, `GET|DELETE /v1/trajectories/{id}` reads or removes one.
 */
import { ChatRoutes, type TrajectoryData, type TrajectoryMeta } from '../../../src/protocol/chat';
import { SseFanout, sseFrame } from '../../services/chat/sse-fanout';
import type { TrajectoriesStore } from '../../services/chat/trajectories-store';
import type { RouteModule } from '../app';
import { problem } from '../errors';
import { openEventStream } from './sse';

const idParams = { schema: { params: { type: 'object', properties: { id: { type: 'string', minLength: 1 } } } } };

export function trajectoriesRoutes(store: TrajectoriesStore): RouteModule {
  return (app) => {
    const fanout = new SseFanout();
    const unlisten = store.onEvent((event) => fanout.broadcast(sseFrame(event)));
    app.addHook('preClose', async () => {
      unlisten();
      await fanout.closeAll();
    });

    app.get(ChatRoutes.trajectories, async (): Promise<TrajectoryMeta[]> => store.list());

    app.get(ChatRoutes.trajectoriesSubscribe, async (_request, reply) => {
      // A lagging subscriber just resumes: every event names its chat, and clients refetch the list.
      fanout.add(openEventStream(reply), null, null);
      return reply;
    });

    app.get<{ Params: { id: string } }>(ChatRoutes.trajectory, idParams, async (request): Promise<TrajectoryData> => {
      const data = await store.read(request.params.id);
      if (!data) throw problem('NotFound', `no trajectory '${request.params.id}'`);
      return data;
    });

    app.delete<{ Params: { id: string } }>(ChatRoutes.trajectory, idParams, async (request) => {
      if (!(await store.remove(request.params.id))) throw problem('NotFound', `no trajectory '${request.params.id}'`);
      return { success: true };
    });
  };
}
