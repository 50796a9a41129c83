/**
 * The title of a chat, made by the caps' light model from the first exchange: the request it is
 * asked (Refact's wording) and the cleanup of what comes back (models quote, add "Title:",
 * or run on).
 */
import type { ChatMessage } from '../../../src/protocol/chat';
import type { ChatMessage as OpenAIChatMessage } from '../../../src/protocol/openai';
import { contentText } from './content';

const TITLE_PROMPT = 'Summarize this chat in 2-4 words. Prefer filenames, classes, entities, and avoid generic terms. Write only the title, nothing else.';
/** The conversation shown to the title model is cut to this many characters. */
const MAX_EXCERPT = 2000;
const MAX_TITLE = 60;

/** True once the chat has a user message and a finished assistant answer and no title yet. */
export function wantsTitle(messages: readonly ChatMessage[], isGenerated: boolean, title: string, defaultTitle: string): boolean {
  if (isGenerated || title !== defaultTitle) return false;
  return messages.some((m) => m.role === 'user') && messages.some((m) => m.role === 'assistant' && !!m.content);
}

export function titleRequest(messages: readonly ChatMessage[]): OpenAIChatMessage[] {
  const lines: string[] = [];
  for (const m of messages) {
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const text = m.role === 'user' ? contentText(m.content) : (m.content ?? '');
    if (text) lines.push(`${m.role}: ${text}`);
  }
  return [{ role: 'user', content: `${lines.join('\n').slice(0, MAX_EXCERPT)}\n\n${TITLE_PROMPT}` }];
}

/** The first non-empty line, without quotes, a "Title:" prefix or trailing punctuation. */
export function cleanTitle(raw: string): string | null {
  const withoutThinking = raw.replace(/<think>[\s\S]*?<\/think>/g, '');
  const line = withoutThinking.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const title = line.replace(/^title\s*:\s*/i, '').replace(/^["'`*#\s]+|["'`*\s.]+$/g, '').trim();
  if (!title) return null;
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1).trimEnd()}…` : title;
}
