import type { ChatCompletionRequest, ChatMessage, CompletionRequest, EmbeddingRequest } from '../../../../src/protocol/openai';

/**
 * Token usage of one upstream request, for the caller's quota: the upstream's own `usage`
 * when it sends one, otherwise an estimate from the characters seen, since counting nothing
 * would make every upstream that omits `usage` free.
 */

/** Characters per token for the estimate: the usual rule of thumb for English and code. */
const CHARS_PER_TOKEN = 4;

export const estimateTokens = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);

const len = (s: unknown): number => (typeof s === 'string' ? s.length : 0);

function contentChars(content: ChatMessage['content'] | undefined): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) n += len((part as { text?: unknown }).text);
  return n;
}

function toolCallChars(calls: unknown): number {
  if (!Array.isArray(calls)) return 0;
  let n = 0;
  for (const c of calls as Array<{ function?: { name?: unknown; arguments?: unknown } }>) n += len(c.function?.name) + len(c.function?.arguments);
  return n;
}

export function promptChars(req: CompletionRequest | ChatCompletionRequest): number {
  if ('prompt' in req) return req.prompt.length;
  let n = 0;
  for (const m of req.messages) n += contentChars(m.content) + toolCallChars(m.tool_calls);
  return n;
}

export function inputChars(req: EmbeddingRequest): number {
  return typeof req.input === 'string' ? req.input.length : req.input.reduce((a, s) => a + len(s), 0);
}

interface AnswerChoice {
  text?: unknown;
  message?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
  delta?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
}

/** Characters generated in a completion or chat answer, or in one chunk of their streams. */
export function generatedChars(answer: { choices?: unknown }): number {
  if (!Array.isArray(answer.choices)) return 0;
  let n = 0;
  for (const c of answer.choices as AnswerChoice[]) {
    const m = c.message ?? c.delta;
    n += len(c.text) + (m ? len(m.content) + len(m.reasoning_content) + toolCallChars(m.tool_calls) : 0);
  }
  return n;
}

/** The `usage` an answer carries, when it has numbers. */
export function usageOf(answer: { usage?: unknown }): { prompt: number; completion: number } | null {
  const u = answer.usage as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  if (!u || typeof u.prompt_tokens !== 'number') return null;
  return { prompt: u.prompt_tokens, completion: typeof u.completion_tokens === 'number' ? u.completion_tokens : 0 };
}

/** Collects one request's usage from what passes and reports it exactly once. */
export class UsageMeter {
  private reported = false;
  private generated = 0;
  private usage: { prompt: number; completion: number } | null = null;

  /** `promptChars` is what the estimate charges for the prompt: 0 where the upstream refused. */
  constructor(
    private readonly onUsage: (promptTokens: number, completionTokens: number) => void,
    private promptChars: number,
  ) {}

  /** An answer, or one chunk of a stream. */
  saw(answer: { choices?: unknown; usage?: unknown }): void {
    this.usage = usageOf(answer) ?? this.usage;
    this.generated += generatedChars(answer);
  }

  /** The upstream did no work for this request (refused it, or no replica answered). */
  nothingSpent(): void {
    this.promptChars = 0;
    this.report();
  }

  report(): void {
    if (this.reported) return;
    this.reported = true;
    const u = this.usage;
    if (u) this.onUsage(u.prompt, u.completion);
    else this.onUsage(estimateTokens(this.promptChars), estimateTokens(this.generated));
  }
}
