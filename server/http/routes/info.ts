/** Liveness and build routes: ping, build info, graceful shutdown, config path. */
import type { BuildInfo } from '../../../src/protocol/http';
import { HttpRoutes } from '../../../src/protocol/http';
import type { RouteModule } from '../app';

export interface InfoDeps {
  pingMessage: string;
  buildInfo: BuildInfo;
  configDir: string;
  /** Starts an orderly shutdown; the reply is sent first. */
  requestShutdown(reason: string): void;
}

export function infoRoutes(deps: InfoDeps): RouteModule {
  return (app) => {
    // Refact answers the ping as application/json even though the body is plain text.
    app.get(HttpRoutes.ping, async (_request, reply) => reply.type('application/json').send(`${deps.pingMessage}\n`));
    app.get(HttpRoutes.buildInfo, async () => deps.buildInfo);
    app.get(HttpRoutes.configPath, async (_request, reply) => reply.type('text/plain').send(deps.configDir));
    app.get(HttpRoutes.gracefulShutdown, async (_request, reply) => {
      reply.raw.once('finish', () => deps.requestShutdown('GET /v1/graceful-shutdown'));
      return reply.type('application/json').send({ success: true });
    });
  };
}
