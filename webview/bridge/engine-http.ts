/**
 * The engine transport over the browser's own EventSource and fetch. EventSource would retry a
 * dropped stream by itself; we close it instead and report, because after any break the model
 * must resync from a fresh snapshot, not resume mid-sequence.
 */
import type { ChatEventEnvelope } from '../../src/protocol/chat';
import type { EngineTransport } from './types';

export function httpEngineTransport(baseUrl: string): EngineTransport {
  return {
    subscribe(chatId, handlers) {
      const source = new EventSource(`${baseUrl}/v1/chats/subscribe?chat_id=${encodeURIComponent(chatId)}`);
      let closed = false;
      const close = (reason: string | null) => {
        if (closed) return;
        closed = true;
        source.close();
        if (reason !== null) handlers.onClosed(reason);
      };
      source.onmessage = (event: MessageEvent<string>) => {
        let envelope: ChatEventEnvelope;
        try {
          envelope = JSON.parse(event.data) as ChatEventEnvelope;
        } catch {
          close(`the engine sent a frame that is not JSON: ${event.data.slice(0, 80)}`);
          return;
        }
        handlers.onFrame(envelope);
      };
      source.onerror = () => close('the event stream from the engine broke');
      return { close: () => close(null) };
    },
    async command(chatId, request) {
      const response = await fetch(`${baseUrl}/v1/chats/${encodeURIComponent(chatId)}/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's error page): kept as text for the message shown.
      }
      return { status: response.status, body };
    },
  };
}
