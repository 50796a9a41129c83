import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import type { ChatMessage } from '../../../../src/protocol/openai';
import { ApiError } from '../../http/api-error';

/** Text of an OpenAI message's content (string or parts); non-text parts are refused. */
export function contentText(content: ChatMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw new ApiError('unsupported', `content part of type "${part.type}" is not supported by local models`, { param: 'messages' });
    })
    .join('');
}

function parseArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * OpenAI chat messages as node-llama-cpp chat history: system/developer → system, user → user,
 * assistant → model; an assistant's `tool_calls` become function calls whose results are the
 * following `tool` messages with the matching `tool_call_id`, which is how the model's chat
 * template expects to see them.
 */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const pendingCalls = new Map<string, ChatModelFunctionCall>();
  for (const m of messages) {
    switch (m.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text: contentText(m.content) });
        break;
      case 'user':
        history.push({ type: 'user', text: contentText(m.content) });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = [];
        const text = contentText(m.content);
        if (text) response.push(text);
        for (const call of m.tool_calls ?? []) {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.function.name,
            params: parseArguments(call.function.arguments),
            result: '',
          };
          pendingCalls.set(call.id, item);
          response.push(item);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = m.tool_call_id ? pendingCalls.get(m.tool_call_id) : undefined;
        if (!call) throw new ApiError('badRequest', `tool message refers to unknown tool_call_id "${m.tool_call_id ?? ''}"`, { param: 'messages' });
        call.result = contentText(m.content);
        break;
      }
      default:
        throw new ApiError('badRequest', `unknown message role "${(m as { role: string }).role}"`, { param: 'messages' });
    }
  }
  // The template generates the next assistant turn after the last user (or tool) message.
  if (history[history.length - 1]?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
