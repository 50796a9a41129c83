/**
 * A chat's messages as an OpenAI request carries them, with nothing added: Refact's own roles
 * become text the model can read (`context_file` as the files with their names and lines,
 * `plain_text` and `cd_instruction` as user text), and what only the UI needs (reasoning,
 * usage, ids) stays behind. The context service builds the real request (system prompt, project
 * instructions, history fitted to the window, privacy); this is its plain starting point.
 */
import type { ChatContextFile, ChatMessage } from '../../../src/protocol/chat';
import type { ChatMessage as OpenAIChatMessage } from '../../../src/protocol/openai';

export function contextFilesText(content: string): string {
  let files: ChatContextFile[];
  try {
    files = JSON.parse(content) as ChatContextFile[];
  } catch {
    return content;
  }
  if (!Array.isArray(files)) return content;
  return files
    .map((f) => {
      const range = f.line1 > 0 ? `:${f.line1}-${f.line2}` : '';
      return `${f.file_name}${range}\n\`\`\`\n${f.file_content}\n\`\`\``;
    })
    .join('\n\n');
}

export function toOpenAIMessages(messages: readonly ChatMessage[]): OpenAIChatMessage[] {
  const out: OpenAIChatMessage[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        out.push({ role: 'system', content: m.content });
        break;
      case 'user':
        out.push({ role: 'user', content: m.content });
        break;
      case 'assistant': {
        const message: OpenAIChatMessage = { role: 'assistant', content: m.content ?? (m.tool_calls?.length ? null : '') };
        if (m.tool_calls?.length) message.tool_calls = m.tool_calls.map(({ id, type, function: fn }) => ({ id, type, function: fn }));
        out.push(message);
        break;
      }
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.tool_call_id, content: m.content });
        break;
      case 'context_file':
        out.push({ role: 'user', content: contextFilesText(m.content) });
        break;
      case 'plain_text':
      case 'cd_instruction':
        out.push({ role: 'user', content: m.content });
        break;
      case 'diff':
        // A diff reports a tool's edit; the tool message beside it already told the model.
        break;
    }
  }
  return out;
}
