/**
 * Completion for models without FIM tokens (a chat-only provider such as a BYOK OpenAI or
 * Anthropic key): the provider's chat endpoint is asked to fill a marked hole, and only the
 * inserted text is kept (the prompt and the extraction are the core's `chat-fallback`).
 */
import type { CodeCompletionFinishReason } from '../../../src/protocol/completion';
import type { Caps, CompletionModelRecord } from '../../core/caps/model';
import { buildHoleMessages, extractHoleText, lineComment, type SplitDocument } from '../../core/completion';
import { streamChat } from '../upstream/chat-completions';
import type { UpstreamClient } from '../upstream/upstream-client';
import type { FoundSnippet } from './context-sources';
import type { CompletionInput } from './requests';
import { chatTarget } from './targets';
import type { WorkspacePlace } from './workspace-place';

export interface ChatFallbackInput {
  caps: Caps;
  model: CompletionModelRecord;
  input: CompletionInput;
  doc: SplitDocument;
  place: WorkspacePlace;
  snippets: FoundSnippet[];
  upstream: UpstreamClient;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface ChatFallbackResult {
  text: string;
  finish: CodeCompletionFinishReason;
  ms: number;
  /** How many of the snippets (most useful first) the prompt carried. */
  snippetsUsed: number;
}

/** A chat prompt reads the code around the hole, not the whole file: this many lines each way. */
const LINES_ABOVE = 80;
const LINES_BELOW = 30;
const SNIPPETS = 3;
/** The answer's tags around the inserted text cost tokens the FIM budget does not count. */
const TAG_TOKENS = 16;

export async function chatFallback(f: ChatFallbackInput): Promise<ChatFallbackResult> {
  const started = performance.now();
  const prefix = f.doc.above.slice(-LINES_ABOVE).join('') + f.doc.linePrefix;
  const suffix = f.doc.lineSuffix + f.doc.lineEnd + f.doc.below.slice(0, LINES_BELOW).join('');
  const used = f.snippets.slice(0, SNIPPETS);
  const context = used.map((s) => `${lineComment(s.path)} Path: ${s.path}\n${s.text}\n`).join('');
  const messages = buildHoleMessages({ path: f.place.relative, prefix, suffix, multiline: f.input.multiline, context });
  let answer = '';
  let finish: CodeCompletionFinishReason = 'stop';
  const call = { model: f.model.name, messages, maxTokens: f.input.maxNewTokens + TAG_TOKENS, temperature: f.input.temperature, reasoningStyle: null, boostReasoning: false };
  for await (const piece of streamChat(f.upstream, chatTarget(f.caps, f.model), call, { signal: f.signal, timeoutMs: f.timeoutMs, idleTimeoutMs: f.timeoutMs })) {
    answer += piece.content ?? '';
    if (piece.finishReason) finish = piece.finishReason === 'length' ? 'length' : 'stop';
  }
  return { text: extractHoleText(answer, prefix, suffix), finish, ms: performance.now() - started, snippetsUsed: used.length };
}
