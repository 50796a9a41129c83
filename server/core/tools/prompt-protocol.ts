/**
 * Tool calling for models without native tool support (caps `supports_tools: false`, many
 * local models): the tools are described in the system prompt, the model answers a call as a
 * `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` block (the Hermes/Qwen format most
 * open models are trained on), and results go back as `<tool_response>` text in a user message.
 * Pure: the session loop sends `toolsPrompt(...)`, parses each reply with `parseToolCalls`,
 * and rewrites the history with `toPromptProtocol` before sending it.
 */
import type { OpenAIToolSpec } from '../../../src/protocol/tools';

export interface PromptToolCall {
  name: string;
  /** A JSON object string, as OpenAI's `function.arguments`. */
  arguments: string;
}

export interface ParsedReply {
  /** The reply without its tool-call blocks. */
  text: string;
  calls: PromptToolCall[];
  /** Blocks that were not a JSON object with a `name`: said back to the model as errors. */
  errors: string[];
}

export function toolsPrompt(tools: readonly OpenAIToolSpec[]): string {
  if (tools.length === 0) return '';
  const list = tools.map((t) => JSON.stringify({ name: t.function.name, description: t.function.description, parameters: t.function.parameters })).join('\n');
  return [
    '# Tools',
    '',
    'You may call one or more tools to help with the request. The tools, as JSON schemas:',
    '<tools>',
    list,
    '</tools>',
    '',
    'To call a tool, answer with one block per call, each exactly like this:',
    '<tool_call>',
    '{"name": "<tool name>", "arguments": {<the arguments as a JSON object>}}',
    '</tool_call>',
    'Then stop and wait: each result comes back in a <tool_response> block. Never write a <tool_response> yourself.',
  ].join('\n');
}

const BLOCK = /<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g;

export function parseToolCalls(reply: string): ParsedReply {
  const calls: PromptToolCall[] = [];
  const errors: string[] = [];
  for (const match of reply.matchAll(BLOCK)) {
    const body = match[1]!.trim().replace(/^```(?:json)?\s*|\s*```$/g, '');
    if (body === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      errors.push(`A <tool_call> block is not valid JSON (${(error as Error).message}): ${body.slice(0, 200)}`);
      continue;
    }
    const call = value as { name?: unknown; arguments?: unknown; parameters?: unknown };
    if (typeof call?.name !== 'string' || call.name === '') {
      errors.push(`A <tool_call> block needs a "name": ${body.slice(0, 200)}`);
      continue;
    }
    const args = call.arguments ?? call.parameters ?? {};
    calls.push({ name: call.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });
  }
  const text = reply.replace(BLOCK, '').replace(/\n{3,}/g, '\n\n').trim();
  return { text, calls, errors };
}

/** The OpenAI-wire messages this protocol needs: roles system/user/assistant, tool calls as text. */
export interface WireMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

/**
 * Rewrites a history for a model without tool roles: the tools prompt joins the system message,
 * an assistant's tool calls become `<tool_call>` blocks in its text, and consecutive tool
 * results become one user message of `<tool_response>` blocks.
 */
export function toPromptProtocol(messages: readonly WireMessage[], tools: readonly OpenAIToolSpec[]): Array<{ role: 'system' | 'user' | 'assistant'; content: string }> {
  const out: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> = [];
  const prompt = toolsPrompt(tools);
  const first = messages[0];
  if (prompt && first?.role !== 'system') out.push({ role: 'system', content: prompt });
  for (const m of messages) {
    if (m.role === 'system') out.push({ role: 'system', content: prompt ? `${m.content ?? ''}\n\n${prompt}` : (m.content ?? '') });
    else if (m.role === 'assistant') {
      const blocks = (m.tool_calls ?? []).map((c) => `<tool_call>\n${JSON.stringify({ name: c.function.name, arguments: safeJson(c.function.arguments) })}\n</tool_call>`);
      out.push({ role: 'assistant', content: [m.content ?? '', ...blocks].filter(Boolean).join('\n') });
    } else if (m.role === 'tool') {
      const block = `<tool_response>\n${m.content ?? ''}\n</tool_response>`;
      const last = out[out.length - 1];
      if (last?.role === 'user' && last.content.startsWith('<tool_response>')) last.content += `\n${block}`;
      else out.push({ role: 'user', content: block });
    } else out.push({ role: 'user', content: m.content ?? '' });
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
