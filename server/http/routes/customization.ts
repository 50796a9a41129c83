/** `GET /v1/customization`: prompts, toolbox commands and code lenses, with an `error_log`. */
import type { CustomizationResponse } from '../../../src/protocol/http';
import { HttpRoutes } from '../../../src/protocol/http';
import type { CustomizationService } from '../../services/customization-service';
import type { RouteModule } from '../app';

export function customizationRoutes(customization: CustomizationService): RouteModule {
  return (app) => {
    app.get(HttpRoutes.customization, async (): Promise<CustomizationResponse> => customization.load());
  };
}
