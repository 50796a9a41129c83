import type {
  ChatCompletionChunk,
  ChatCompletionResponse,
  CompletionResponse,
  ToolCall,
  Usage,
} from '../../../../src/protocol/openai';
import { Channel } from '../../http/channel';
import { nowSeconds, responseId } from '../sampling';
import type { BackendReply } from '../types';

/**
 * A piece of a tool call streamed while it is generated: the first names the function and
 * carries the call's id, later ones append to its arguments (OpenAI's `delta.tool_calls`).
 */
export interface ToolCallPiece {
  /** Position of the call within the choice's `tool_calls`. */
  call: number;
  id?: string;
  name?: string;
  arguments: string;
}

/** Streams a piece of choice `index`: text for completions, text or a tool call's piece for chat. */
export type Emit<P = string> = (index: number, piece: P) => void;
export type ChatEmit = Emit<string | ToolCallPiece>;

export interface ChoiceResult {
  text: string;
  finish: 'stop' | 'length' | 'tool_calls';
  /** Tokens generated for this choice. */
  tokens: number;
  toolCalls?: Array<{ id?: string; name: string; arguments: string }>;
  /** The calls went out as `ToolCallPiece`s already; a stream's last chunks must not repeat them. */
  toolCallsStreamed?: boolean;
}

interface Shape {
  model: string;
  promptTokens: number;
  n: number;
}

type Run<P = string> = (emit: Emit<P>) => Promise<ChoiceResult[]>;

function usageOf(shape: Shape, results: ChoiceResult[]): Usage {
  const completion = results.reduce((a, r) => a + r.tokens, 0);
  return { prompt_tokens: shape.promptTokens, completion_tokens: completion, total_tokens: shape.promptTokens + completion };
}

/** A fresh id for call `i` of choice `choice`. */
export function toolCallId(choice: number, i: number): string {
  return `call_${choice}_${i}_${responseId('t').slice(2, 14)}`;
}

function toolCallsOf(r: ChoiceResult, choice: number): ToolCall[] {
  return (r.toolCalls ?? []).map((c, i) => ({ id: c.id ?? toolCallId(choice, i), type: 'function', function: { name: c.name, arguments: c.arguments } }));
}

function toolDelta(p: ToolCallPiece): unknown {
  if (p.name === undefined) return { index: p.call, function: { arguments: p.arguments } };
  return { index: p.call, id: p.id, type: 'function', function: { name: p.name, arguments: p.arguments } };
}

/**
 * Runs `run` in the background and turns what it emits into SSE chunks. The last chunk carries
 * `usage` with empty `choices`, as OpenAI's `include_usage` and Refact's server both do.
 */
function stream<P>(run: Run<P>, chunk: (choices: unknown[]) => object, text: (index: number, piece: P) => unknown, finish: (results: ChoiceResult[]) => unknown[], usage: (r: ChoiceResult[]) => Usage, first?: () => unknown[]): BackendReply {
  const ch = new Channel<unknown>();
  if (first) for (const c of first()) ch.push(chunk([c]));
  run((index, t) => {
    if (t) ch.push(chunk([text(index, t)]));
  }).then(
    (results) => {
      for (const c of finish(results)) ch.push(chunk([c]));
      ch.push({ ...chunk([]), usage: usage(results) });
      ch.close();
    },
    (err) => ch.fail(err),
  );
  return { type: 'events', events: ch };
}

export function completionStream(shape: Shape, run: Run): BackendReply {
  const id = responseId('cmpl');
  const created = nowSeconds();
  const chunk = (choices: unknown[]): Omit<CompletionResponse, 'choices'> & { choices: unknown[] } => ({ id, object: 'text_completion', created, model: shape.model, choices });
  return stream(
    run,
    chunk,
    (index, text) => ({ index, text, logprobs: null, finish_reason: null }),
    (results) => results.map((r, index) => ({ index, text: '', logprobs: null, finish_reason: r.finish })),
    (results) => usageOf(shape, results),
  );
}

export async function completionJson(shape: Shape, run: Run): Promise<BackendReply> {
  const results = await run(() => {});
  const body: CompletionResponse = {
    id: responseId('cmpl'),
    object: 'text_completion',
    created: nowSeconds(),
    model: shape.model,
    choices: results.map((r, index) => ({ index, text: r.text, logprobs: null, finish_reason: r.finish })),
    usage: usageOf(shape, results),
  };
  return { type: 'json', body };
}

export function chatStream(shape: Shape, run: Run<string | ToolCallPiece>): BackendReply {
  const id = responseId('chatcmpl');
  const created = nowSeconds();
  const chunk = (choices: unknown[]): Omit<ChatCompletionChunk, 'choices'> & { choices: unknown[] } => ({ id, object: 'chat.completion.chunk', created, model: shape.model, choices });
  return stream(
    run,
    chunk,
    (index, piece) => ({ index, delta: typeof piece === 'string' ? { content: piece } : { tool_calls: [toolDelta(piece)] }, logprobs: null, finish_reason: null }),
    (results) =>
      results.flatMap((r, index) => {
        const calls = toolCallsOf(r, index);
        const out: unknown[] = [];
        if (calls.length > 0 && !r.toolCallsStreamed) {
          out.push({ index, delta: { tool_calls: calls.map((c, i) => ({ index: i, ...c })) }, logprobs: null, finish_reason: null });
        }
        out.push({ index, delta: {}, logprobs: null, finish_reason: r.finish });
        return out;
      }),
    (results) => usageOf(shape, results),
    () => Array.from({ length: shape.n }, (_, index) => ({ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null })),
  );
}

export async function chatJson(shape: Shape, run: Run<string | ToolCallPiece>): Promise<BackendReply> {
  const results = await run(() => {});
  const body: ChatCompletionResponse = {
    id: responseId('chatcmpl'),
    object: 'chat.completion',
    created: nowSeconds(),
    model: shape.model,
    choices: results.map((r, index) => {
      const calls = toolCallsOf(r, index);
      return {
        index,
        message: { role: 'assistant', content: r.text === '' && calls.length > 0 ? null : r.text, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
        logprobs: null,
        finish_reason: r.finish,
      };
    }),
    usage: usageOf(shape, results),
  };
  return { type: 'json', body };
}
