/** The bridge of the page the engine serves at `/chat`: same origin, IDE actions degraded. */
import { httpEngineTransport } from './engine-http';
import type { Bridge, IdeActions } from './types';

export const browserIde: IdeActions = {
  kind: 'browser',
  async copy(text) {
    await navigator.clipboard.writeText(text);
  },
  saveFile(name, content) {
    const url = URL.createObjectURL(new Blob([content], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    URL.revokeObjectURL(url);
  },
};

export function browserBridge(engineBaseUrl: string = location.origin): Bridge {
  return { engineBaseUrl, engine: httpEngineTransport(engineBaseUrl), ide: browserIde, newId: () => crypto.randomUUID() };
}
