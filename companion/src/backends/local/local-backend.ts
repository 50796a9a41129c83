import { LlamaChat, LlamaCompletion, type LlamaContextSequence, type LlamaText, type Token } from 'node-llama-cpp';
import type {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from '../../../../src/protocol/openai';
import { ApiError } from '../../http/api-error';
import type { Metrics } from '../../metrics';
import { samplingOf } from '../sampling';
import type { BackendReply, BackendStats, ModelBackend, ModelInfo, RequestContext } from '../types';
import { SlotPool } from './slot-pool';
import { toChatHistory } from './chat-history';
import { jsonReply, toolReply, type PromptRun } from './constrained';
import { EmbeddingRunner } from './embedding-runner';
import { chatMode, jsonGrammar, responseFormatSchema } from './grammars';
import type { LoadedModel } from './llama-runtime';
import { completionStream, completionJson, chatStream, chatJson, type ChatEmit, type ChoiceResult, type Emit } from './reply-shapes';
import { planTools } from './tool-choice';
import { tokenizerJsonFor } from './tokenizer-json';

/** Why a generation stopped, in OpenAI's words. */
function finishReason(stopReason: string): 'stop' | 'length' | 'tool_calls' {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'functionCalls') return 'tool_calls';
  return 'stop';
}

/** Index of the free sequence whose cached tokens share the longest prefix with `tokens`. */
function longestPrefix(tokens: Token[]) {
  return (free: LlamaContextSequence[]): number => {
    let best = 0;
    let bestLen = -1;
    free.forEach((seq, i) => {
      const len = seq.compareContextTokens(tokens).firstDifferentIndex;
      if (len > bestLen) [best, bestLen] = [i, len];
    });
    return best;
  };
}

/**
 * One GGUF served from this process: one context, `parallel` sequences in a `SlotPool`, and
 * an embedding context made on first use. Each request holds one sequence while it generates
 * its `n` choices; a client disconnect aborts the generation, which releases the sequence.
 */
export class LocalBackend implements ModelBackend {
  private readonly pool: SlotPool<LlamaContextSequence>;
  private readonly embedder: EmbeddingRunner;
  private readonly nCtx: number;

  constructor(
    readonly info: ModelInfo,
    private readonly loaded: LoadedModel,
    private readonly path: string,
    private readonly metrics: Metrics,
    maxQueue: number,
    threads: number | null,
  ) {
    this.nCtx = loaded.context.contextSize;
    // A waiting request's likely wait is about one generation per queued request per slot.
    this.pool = new SlotPool(loaded.sequences, maxQueue, () => 1 + this.pool.queued / Math.max(1, this.pool.capacity));
    this.embedder = new EmbeddingRunner(loaded.model, this.nCtx, maxQueue, threads);
  }

  private tokenize(text: string): Token[] {
    // Special tokens are parsed so FIM prompts written as plain text reach the model as its
    // FIM tokens; a BOS token is added by node-llama-cpp, hence "trimLeadingSpace".
    const model = this.loaded.model;
    return model.tokenize(text, true, model.tokens.bos != null ? 'trimLeadingSpace' : undefined);
  }

  private checkFits(promptTokens: number): void {
    if (promptTokens >= this.nCtx) {
      throw new ApiError('promptTooLong', `The prompt is ${promptTokens} tokens; model "${this.info.name}" has a context of ${this.nCtx} tokens.`, { param: 'prompt' });
    }
  }

  /** Token callbacks for one choice: time to first token, speed, and a running count. */
  private observe(started: number, count: (n: number) => void) {
    let first = 0;
    let tokens = 0;
    return {
      onToken: (t: Token[]) => {
        if (tokens === 0) {
          first = performance.now();
          this.metrics.timeToFirstToken(this.info.name, (first - started) / 1000);
        }
        tokens += t.length;
        count(t.length);
      },
      done: () => {
        if (tokens > 1) this.metrics.generated(this.info.name, tokens - 1, (performance.now() - first) / 1000);
        return tokens;
      },
    };
  }

  async completion(req: CompletionRequest, ctx: RequestContext): Promise<BackendReply> {
    if (!this.info.completion) throw new ApiError('unsupported', `model "${this.info.name}" does not serve completions`, { param: 'model' });
    const started = performance.now();
    const s = samplingOf(req);
    const tokens = this.tokenize(req.prompt);
    const promptTokens = tokens.length + (this.loaded.model.tokens.bos != null ? 1 : 0);
    this.checkFits(promptTokens);
    const maxTokens = Math.min(s.maxTokens, this.nCtx - promptTokens);
    const format = responseFormatSchema(req.response_format);
    const grammar = format ? await jsonGrammar(this.loaded.model.llama, format, 'response_format', 'response_format') : undefined;
    const seq = await this.pool.acquire(ctx.signal, longestPrefix(tokens));
    const run = async (emit: Emit): Promise<ChoiceResult[]> => {
      const results: ChoiceResult[] = [];
      let generated = 0;
      try {
        for (let index = 0; index < s.n; index++) {
          if (req.echo) emit(index, req.prompt);
          const obs = this.observe(started, (n) => (generated += n));
          const completion = new LlamaCompletion({ contextSequence: seq, autoDisposeSequence: false });
          try {
            const res = await completion.generateCompletionWithMeta(tokens, {
              maxTokens,
              temperature: s.temperature,
              topP: s.topP,
              ...(s.seed !== undefined ? { seed: s.seed + index } : {}),
              customStopTriggers: s.stop,
              disableContextShift: true,
              ...(grammar ? { grammar } : {}),
              signal: ctx.signal,
              onTextChunk: (text) => emit(index, text),
              onToken: obs.onToken,
            });
            results.push({ text: (req.echo ? req.prompt : '') + res.response, finish: finishReason(res.metadata.stopReason), tokens: obs.done() });
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        }
      } finally {
        this.pool.release(seq);
        // Counted on abort too: tokens were spent even if the client went away.
        this.metrics.tokens(this.info.name, promptTokens, generated);
        ctx.onUsage?.(promptTokens, generated);
      }
      return results;
    };
    const shape = { model: this.info.name, promptTokens, n: s.n };
    return req.stream ? completionStream(shape, run) : completionJson(shape, run);
  }

  async chat(req: ChatCompletionRequest, ctx: RequestContext): Promise<BackendReply> {
    if (!this.info.chat) throw new ApiError('unsupported', `model "${this.info.name}" does not serve chat`, { param: 'model' });
    const started = performance.now();
    const s = samplingOf(req);
    const history = toChatHistory(req.messages);
    const plan = planTools(req.tools, req.tool_choice);
    const mode = await chatMode(this.loaded.model.llama, plan, responseFormatSchema(req.response_format));
    const functions = plan.kind === 'none' ? undefined : plan.functions;
    const seq = await this.pool.acquire(ctx.signal);
    let promptTokens = 0;
    let chat: LlamaChat;
    let prompt: LlamaText;
    try {
      chat = new LlamaChat({ contextSequence: seq, autoDisposeSequence: false });
      prompt = chat.chatWrapper.generateContextState({ chatHistory: history, ...(functions ? { availableFunctions: functions } : {}) }).contextText;
      promptTokens = prompt.tokenize(this.loaded.model.tokenizer).length;
      this.checkFits(promptTokens);
    } catch (err) {
      this.pool.release(seq);
      throw err;
    }
    const maxTokens = Math.min(s.maxTokens, this.nCtx - promptTokens);
    const run = async (emit: ChatEmit): Promise<ChoiceResult[]> => {
      const results: ChoiceResult[] = [];
      let generated = 0;
      try {
        for (let index = 0; index < s.n; index++) {
          const obs = this.observe(started, (n) => (generated += n));
          const seed = s.seed !== undefined ? s.seed + index : undefined;
          if (mode.kind !== 'free') {
            const at: PromptRun = { sequence: seq, prompt, maxTokens, temperature: s.temperature, topP: s.topP, seed, signal: ctx.signal, onToken: obs.onToken };
            const outcome = mode.kind === 'json' ? await jsonReply(at, mode.grammar, index, emit) : await toolReply(at, mode, index, emit);
            results.push({ ...outcome, tokens: obs.done() });
            continue;
          }
          const res = await chat.generateResponse(history, {
            maxTokens,
            temperature: s.temperature,
            topP: s.topP,
            ...(seed !== undefined ? { seed } : {}),
            customStopTriggers: s.stop,
            signal: ctx.signal,
            onTextChunk: (text) => emit(index, text),
            onToken: obs.onToken,
            ...(functions ? { functions } : {}),
          });
          const toolCalls = (res.functionCalls ?? []).map((c) => ({ name: c.functionName, arguments: JSON.stringify(c.params ?? {}) }));
          results.push({ text: res.response, finish: finishReason(res.metadata.stopReason), tokens: obs.done(), toolCalls });
        }
      } finally {
        chat.dispose({ disposeSequence: false });
        this.pool.release(seq);
        this.metrics.tokens(this.info.name, promptTokens, generated);
        ctx.onUsage?.(promptTokens, generated);
      }
      return results;
    };
    const shape = { model: this.info.name, promptTokens, n: s.n };
    return req.stream ? chatStream(shape, run) : chatJson(shape, run);
  }

  async embeddings(req: EmbeddingRequest, ctx: RequestContext): Promise<EmbeddingResponse> {
    const inputs = Array.isArray(req.input) ? req.input : [req.input];
    const { vectors, tokens } = await this.embedder.embed(inputs, ctx.signal);
    this.metrics.tokens(this.info.name, tokens, 0);
    ctx.onUsage?.(tokens, 0);
    return {
      object: 'list',
      data: vectors.map((v, index) => ({
        object: 'embedding',
        index,
        embedding: req.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
      })),
      model: this.info.name,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  }

  tokenizerJson(): Promise<string | null> {
    return tokenizerJsonFor(this.path);
  }

  stats(): BackendStats {
    return { active: this.pool.active, queued: this.pool.queued, capacity: this.pool.capacity, replicas: [] };
  }

  async close(): Promise<void> {
    this.pool.drain(new ApiError('unavailable', 'the server is shutting down'));
    await this.embedder.close();
    await this.loaded.context.dispose();
    await this.loaded.model.dispose();
  }
}
