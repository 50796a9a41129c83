/** The webview root: shows the engine's state as the host reports it. Chat comes later. */
import { signal } from '@preact/signals';
import { render } from 'preact';
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };

const engine = signal<Extract<HostToWebview, { type: 'engine/status' }> | null>(null);

function App() {
  const state = engine.value;
  return (
    <main>
      <h1>Refact TS</h1>
      <p id="engine-state">{state ? `Engine: ${state.state}` : 'Waiting for the engine…'}</p>
    </main>
  );
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  if (event.data.type === 'engine/status') engine.value = event.data;
});
render(<App />, document.getElementById('root')!);
acquireVsCodeApi().postMessage({ type: 'ready' });
