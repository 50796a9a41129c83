import { LlamaCompletion, LlamaText, type LlamaContextSequence, type LlamaGrammar, type Token } from 'node-llama-cpp';
import type { ChatMode } from './grammars';
import { toolCallId, type ChatEmit, type ChoiceResult } from './reply-shapes';

/** One choice generated after a rendered chat prompt. */
export interface PromptRun {
  sequence: LlamaContextSequence;
  /** The chat as the model's template renders it, ending where the assistant's turn begins. */
  prompt: LlamaText;
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number | undefined;
  signal: AbortSignal;
  onToken: (tokens: Token[]) => void;
}

type Outcome = Omit<ChoiceResult, 'tokens'>;

/**
 * Generates after the prompt and `prefill` under `grammar`. Plain completion over the rendered
 * prompt, not LlamaChat: the chat template's stop triggers (a newline, for some templates)
 * must not cut JSON short; the grammar itself ends the generation once the value is complete.
 */
async function complete(run: PromptRun, prefill: string, grammar: LlamaGrammar, maxTokens: number, onText?: (text: string) => void) {
  const completion = new LlamaCompletion({ contextSequence: run.sequence, autoDisposeSequence: false });
  let tokens = 0;
  try {
    const res = await completion.generateCompletionWithMeta(LlamaText([run.prompt, prefill]), {
      grammar,
      maxTokens,
      temperature: run.temperature,
      topP: run.topP,
      ...(run.seed !== undefined ? { seed: run.seed } : {}),
      signal: run.signal,
      disableContextShift: true,
      onToken: (t) => {
        tokens += t.length;
        run.onToken(t);
      },
      ...(onText ? { onTextChunk: onText } : {}),
    });
    return { text: res.response, truncated: res.metadata.stopReason === 'maxTokens', tokens };
  } finally {
    completion.dispose({ disposeSequence: false });
  }
}

/** Content that is JSON under the `response_format` grammar, streamed as it comes. */
export async function jsonReply(run: PromptRun, grammar: LlamaGrammar, index: number, emit: ChatEmit): Promise<Outcome> {
  const r = await complete(run, '', grammar, run.maxTokens, (t) => emit(index, t));
  return { text: r.text, finish: r.truncated ? 'length' : 'stop' };
}

/**
 * One forced tool call, written as the `{"name": ..., "arguments": ...}` object most
 * tool-trained models emit. With several tools the name is generated first under an enum
 * grammar; then the arguments under the tool's grammar, streamed as argument pieces.
 */
export async function toolReply(run: PromptRun, mode: Extract<ChatMode, { kind: 'tool' }>, index: number, emit: ChatEmit): Promise<Outcome> {
  let name = mode.tools[0]!.name;
  let budget = run.maxTokens;
  if (mode.names) {
    const r = await complete(run, '{"name": ', mode.names, budget);
    budget -= r.tokens;
    if (r.truncated || budget < 1) return { text: '', finish: 'length' };
    name = JSON.parse(r.text.trim()) as string;
  }
  const tool = mode.tools.find((t) => t.name === name)!;
  const id = toolCallId(index, 0);
  emit(index, { call: 0, id, name, arguments: '' });
  const args = await complete(run, `{"name": ${JSON.stringify(name)}, "arguments": `, tool.grammar, budget, (t) => emit(index, { call: 0, arguments: t }));
  return {
    text: '',
    finish: args.truncated ? 'length' : 'tool_calls',
    toolCalls: [{ id, name, arguments: args.text }],
    toolCallsStreamed: true,
  };
}
