/**
 * The message box: Enter sends and Shift+Enter makes a new line (the extension's
 * `submitChatWithShiftEnter` setting swaps them); Stop, or Escape, aborts a running turn.
 */
import { useState } from 'preact/hooks';

export interface ComposerProps {
  busy: boolean;
  sendWithShiftEnter?: boolean;
  onSend(text: string): void;
  onStop(): void;
}

export function Composer({ busy, sendWithShiftEnter = false, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState('');
  const submit = () => {
    if (!text.trim()) return;
    onSend(text);
    setText('');
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && busy) {
      event.preventDefault();
      onStop();
      return;
    }
    if (event.key !== 'Enter' || event.isComposing) return;
    if (event.shiftKey === sendWithShiftEnter) {
      event.preventDefault();
      submit();
    }
  };
  return (
    <form class="composer" onSubmit={(e) => (e.preventDefault(), submit())}>
      <textarea
        aria-label="Message"
        placeholder="Ask anything. Enter sends, Shift+Enter makes a new line."
        rows={3}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      {busy ? (
        <button type="button" class="stop" onClick={onStop}>Stop</button>
      ) : (
        <button type="submit" disabled={!text.trim()}>Send</button>
      )}
    </form>
  );
}
