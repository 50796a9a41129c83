/** `POST /v1/telemetry-chat` and `/v1/telemetry-network`: accepted, kept local, sent nowhere. */
import { ChatRoutes } from '../../../src/protocol/chat';
import type { TelemetryLog } from '../../services/chat/telemetry-log';
import type { RouteModule } from '../app';

export function telemetryRoutes(log: TelemetryLog): RouteModule {
  return (app) => {
    app.post<{ Body: unknown }>(ChatRoutes.telemetryChat, async (request) => {
      log.add('chat', request.body ?? null);
      return { success: true };
    });
    app.post<{ Body: unknown }>(ChatRoutes.telemetryNetwork, async (request) => {
      log.add('network', request.body ?? null);
      return { success: true };
    });
  };
}
