/** One message: the user's text as typed, the assistant's as Markdown with reasoning folded away. */
import type { ChatMessage, ChatUserContent } from '../../src/protocol/chat';
import type { MessageCell } from '../models/chat-model';
import { Markdown } from './markdown';

function userText(content: ChatUserContent): string {
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n');
}

function Body({ message, streaming }: { message: ChatMessage; streaming: boolean }) {
  switch (message.role) {
    case 'user':
      return <div class="user-text">{userText(message.content)}</div>;
    case 'assistant':
      return (
        <>
          {message.reasoning_content ? (
            <details class="reasoning">
              <summary>Reasoning</summary>
              <div class="reasoning-text">{message.reasoning_content}</div>
            </details>
          ) : null}
          {message.content ? <Markdown text={message.content} /> : streaming ? <div class="pending">…</div> : null}
          {message.finish_reason === 'abort' ? <div class="finish">Stopped.</div> : null}
          {message.finish_reason === 'error' ? <div class="finish">The answer broke off with an error.</div> : null}
        </>
      );
    default:
      // Tool results, context files and diffs get their own cards in later slices.
      return <div class="other">{message.role}</div>;
  }
}

export function MessageView({ cell }: { cell: MessageCell }) {
  const message = cell.message.value;
  const streaming = cell.streaming.value;
  return (
    <article class={`message ${message.role}`} data-role={message.role} data-streaming={streaming ? 'true' : 'false'} aria-busy={streaming}>
      <Body message={message} streaming={streaming} />
    </article>
  );
}
