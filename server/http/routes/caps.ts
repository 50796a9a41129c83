/** `GET /v1/caps`: the merged caps of the caps server and providers.d. */
import type { EngineCaps } from '../../../src/protocol/http';
import { HttpRoutes } from '../../../src/protocol/http';
import { serializeCaps } from '../../core/caps/serialize';
import type { CapsService } from '../../services/caps-service';
import type { RouteModule } from '../app';
import { problem } from '../errors';

export function capsRoutes(caps: CapsService): RouteModule {
  return (app) => {
    app.get(HttpRoutes.caps, async (): Promise<EngineCaps> => {
      const result = await caps.getCaps();
      // Refact answers 503 while caps cannot be loaded; the engine keeps retrying meanwhile.
      if (!result.ok) throw problem('Unavailable', result.detail);
      return serializeCaps(result.caps);
    });
  };
}
