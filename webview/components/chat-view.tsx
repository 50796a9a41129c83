/** The chat screen: status line, messages, inline notice, composer. Reads the model, owns nothing. */
import type { ChatModel } from '../models/chat-model';
import { Composer } from './composer';
import { MessageView } from './message-view';

const CONNECTION_TEXT = { connecting: 'Connecting…', live: '', reconnecting: 'Reconnecting…', closed: 'Closed' } as const;

export function ChatView({ model, sendWithShiftEnter }: { model: ChatModel; sendWithShiftEnter?: boolean }) {
  const cells = model.cells.value;
  const connection = model.connection.value;
  return (
    <section class="chat" aria-label="Chat">
      <header class="chat-header">
        <h2 class="chat-title">{model.thread.value?.title ?? 'Chat'}</h2>
        <span class="connection" role="status">{CONNECTION_TEXT[connection]}</span>
      </header>
      <div class="messages" role="log" aria-live="polite">
        {cells.length === 0 && connection === 'live' ? <p class="empty">No messages yet.</p> : null}
        {cells.map((cell) => <MessageView key={cell.id} cell={cell} />)}
      </div>
      {model.notice.value ? <p class="notice" role="alert">{model.notice.value}</p> : null}
      <Composer busy={model.busy.value} sendWithShiftEnter={sendWithShiftEnter} onSend={(t) => void model.send(t)} onStop={() => void model.stop()} />
    </section>
  );
}
