/**
 * The webview root. In VS Code (`acquireVsCodeApi` exists) it shows the engine's state as the
 * host reports it and opens the chat once the engine's HTTP port is known; in a browser tab
 * (the page the engine serves at `/chat`) it talks to the same origin. The chat id lives in the
 * page address (browser) or the webview state (VS Code), so a reload shows the same chat.
 */
import { signal } from '@preact/signals';
import { render } from 'preact';
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';
import { browserBridge, browserIde } from './bridge/browser-bridge';
import { httpEngineTransport } from './bridge/engine-http';
import type { Bridge } from './bridge/types';
import { ChatView } from './components/chat-view';
import { createChatModel, type ChatModel } from './models/chat-model';
import './chat.css';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const root = document.getElementById('root')!;

function newChatId(): string {
  return `chat-${crypto.randomUUID()}`;
}

function startBrowser(): void {
  const url = new URL(location.href);
  let chatId = url.searchParams.get('chat_id');
  if (!chatId) {
    chatId = newChatId();
    url.searchParams.set('chat_id', chatId);
    history.replaceState(null, '', url);
  }
  const model = createChatModel(browserBridge(), chatId);
  document.body.classList.add('browser');
  render(<ChatView model={model} />, root);
}

function startVsCode(api: VsCodeApi): void {
  const engine = signal<Extract<HostToWebview, { type: 'engine/status' }> | null>(null);
  const chat = signal<ChatModel | null>(null);
  const saved = (api.getState() as { chatId?: string } | undefined) ?? {};
  const chatId = saved.chatId ?? newChatId();
  api.setState({ ...saved, chatId });

  function App() {
    const state = engine.value;
    return (
      <main>
        <p id="engine-state">{state ? `Engine: ${state.state}` : 'Waiting for the engine…'}</p>
        {chat.value ? <ChatView model={chat.value} /> : null}
      </main>
    );
  }

  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
    if (event.data.type !== 'engine/status') return;
    engine.value = event.data;
    const port = event.data.state === 'running' ? event.data.httpPort : null;
    const baseUrl = port ? `http://127.0.0.1:${port}` : null;
    if (baseUrl && !chat.value) {
      // Host-side IDE actions come with the host's bridge messages; until then they degrade as in a browser.
      const bridge: Bridge = { engineBaseUrl: baseUrl, engine: httpEngineTransport(baseUrl), ide: { ...browserIde, kind: 'vscode' }, newId: () => crypto.randomUUID() };
      chat.value = createChatModel(bridge, chatId);
    }
  });
  render(<App />, root);
  api.postMessage({ type: 'ready' });
}

if (typeof acquireVsCodeApi === 'function') startVsCode(acquireVsCodeApi());
else startBrowser();
