/**
 * Code completion, from a request to the text to insert: resolve the model from caps, answer
 * from the cache when typing along an earlier suggestion, gather cross-file context (each source
 * under a time limit), build the FIM prompt filled to the serving model's exact token budget,
 * stream the provider's `/v1/completions` with stop sequences, post-process, cache every prefix
 * of the result, and report what was used and how long each step took. Models without FIM go
 * through the chat fallback. A newer request for the same document, or the caller leaving,
 * aborts the upstream request at once.
 */
import type { CodeCompletionContext, CodeCompletionFinishReason, CodeCompletionResponse, CompletionSourceReport } from '../../../src/protocol/completion';
import type { Caps, CompletionModelRecord } from '../../core/caps/model';
import { resolveCompletionModel } from '../../core/caps/resolve-model';
import { buildFimPrompt, CompletionCache, FimBudgetError, fimFormatFor, postProcess, type PostProcessContext, splitAtCursor, type SplitDocument, type TokenCounter } from '../../core/completion';
import { fail, ok, type Outcome } from '../../core/outcome';
import { endpointUnderUserControl, type PrivacyVerdict } from '../../core/privacy';
import type { DocumentsService } from '../documents';
import type { Logger } from '../logger';
import { streamCompletion } from '../upstream/completions';
import { UpstreamError, type UpstreamClient } from '../upstream/upstream-client';
import { chatFallback } from './chat-fallback';
import type { ContextSources, FoundSnippet } from './context-sources';
import { InflightRequests, SupersededError } from './inflight';
import { Prefetcher } from './prefetch';
import type { CompletionInput } from './requests';
import { completionTarget } from './targets';
import { stablePrefix } from './stream-prefix';
import { workspacePlace } from './workspace-place';

export interface DeltaMeta {
  model: string;
  snippet_telemetry_id: number;
  created: number;
}

export interface CompleteOptions {
  /** The caller leaving (HTTP connection closed, LSP `$/cancelRequest`). */
  signal?: AbortSignal;
  /** Streaming: called with pieces that add up to the whole completion. */
  onDelta?: (text: string, meta: DeltaMeta) => void;
  /** A prefetch: it holds no document slot, so it never cancels the user's own request. */
  background?: AbortSignal;
}

export interface CompletionServiceDeps {
  caps: { getCaps(): Promise<{ ok: true; caps: Caps } | { ok: false; detail: string }> };
  /** The serving model's own tokenizer, as a counter (an estimate, flagged, when it cannot be had). */
  counters: { counterFor(model: string): Promise<TokenCounter & { reason?: string }> };
  upstream: UpstreamClient;
  sources: ContextSources;
  documents: DocumentsService;
  workspaceFolders: () => string[];
  logger: Logger;
  /** Until the first byte of the provider's answer, then between stream pieces (ms). */
  upstreamTimeoutMs?: number;
  cacheEntries?: number;
  /** privacy.yaml: a blocked cursor file is refused (422), blocked context files are left out. */
  privacy?: { checker(modelIsLocal: boolean): Promise<(path: string) => PrivacyVerdict> };
  /** Hosts the user controls besides private networks (the Address URL's). */
  ownHosts?: string[];
}

/** What is kept of an answer, for `refact/acceptCompletion` to prefetch what comes after it. */
export interface GivenCompletion {
  input: CompletionInput;
  completion: string;
}

const GIVEN_REMEMBERED = 64;
/** See `nearCursor`. */
const MAX_CHARS_PER_TOKEN = 8;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;

export class CompletionService {
  private readonly cache: CompletionCache;
  private readonly inflight = new InflightRequests();
  private readonly given = new Map<number, GivenCompletion>();
  private readonly prefetcher: Prefetcher;
  private nextId = 1;

  constructor(private readonly deps: CompletionServiceDeps) {
    this.cache = new CompletionCache(deps.cacheEntries);
    this.prefetcher = new Prefetcher(deps.documents, (input, signal) => this.complete(input, { background: signal }), deps.logger);
  }

  async complete(input: CompletionInput, options: CompleteOptions = {}): Promise<Outcome<CodeCompletionResponse>> {
    const caps = await this.deps.caps.getCaps();
    if (!caps.ok) return fail('Unavailable', caps.detail);
    const resolved = resolveCompletionModel(caps.caps, input.model);
    if (!resolved.ok) return resolved;
    const model = resolved.value;
    const split = splitAtCursor(input.text, { line: input.line, character: input.character });
    if (!split.ok) return fail('BadRequest', split.detail);
    const doc = split.value;
    const allowed = await this.privacyCheck(model);
    const verdict = input.path ? allowed(input.path) : null;
    if (verdict && !verdict.allowed) return fail('Unprocessable', verdict.reason);
    const key = { before: doc.above.join('') + doc.linePrefix, multiline: input.multiline, model: model.id };
    const meta: DeltaMeta = { model: model.id, snippet_telemetry_id: this.nextId++, created: Date.now() / 1000 };

    if (!input.noCache) {
      // A prefetch already on its way to exactly this state is worth waiting for.
      if (!options.background) await this.prefetcher.settle(input.document, key.before);
      const hit = this.cache.get(key);
      if (hit) return ok(this.answer(input, meta, hit.completion, hit.finishReason === 'length' ? 'length' : 'stop', true, undefined, options));
    }
    if (!options.background) this.prefetcher.cancel(input.document);
    const ticket = options.background ? null : this.inflight.begin(input.document, options.signal);
    const signal = ticket?.signal ?? options.background!;
    try {
      let streamed = '';
      const emit = options.onDelta
        ? (stable: string) => {
            if (stable.length <= streamed.length || !stable.startsWith(streamed)) return;
            options.onDelta!(stable.slice(streamed.length), meta);
            streamed = stable;
          }
        : null;
      const result = await this.generate(input, caps.caps, model, doc, allowed, signal, emit);
      if (!result.ok) return result;
      const { text, finish, context } = result.value;
      if (text !== '' && !signal.aborted) this.cache.putWithPrefixes(key, text, finish ?? 'stop');
      if (streamed && !text.startsWith(streamed)) this.deps.logger.warn(`completion: the streamed part '${streamed}' is not a prefix of the final '${text}'`);
      return ok(this.answer(input, meta, text, finish, false, context, { ...options, streamed }));
    } catch (error) {
      return this.failure(error, signal);
    } finally {
      ticket?.release();
    }
  }

  /**
   * Loads the default completion model's tokenizer ahead of the first keystroke: a large
   * tokenizer.json takes a second or two to fetch and load, which the user should not wait for.
   */
  async warmUp(): Promise<void> {
    const caps = await this.deps.caps.getCaps();
    const model = caps.ok ? resolveCompletionModel(caps.caps, '') : null;
    if (!model?.ok) return;
    const counter = await this.deps.counters.counterFor(model.value.id);
    await counter.count(['warm up']);
  }

  /** `refact/acceptCompletion`: false for an id this engine did not give (or forgot). */
  accept(id: number): boolean {
    const given = this.given.get(id);
    if (!given) return false;
    this.prefetcher.start(given);
    return true;
  }

  dispose(): void {
    this.inflight.dispose();
    this.prefetcher.dispose();
    this.cache.clear();
  }

  private async generate(input: CompletionInput, caps: Caps, model: CompletionModelRecord, doc: SplitDocument, allowed: (path: string) => { allowed: boolean }, signal: AbortSignal, emit: ((stable: string) => void) | null): Promise<Outcome<{ text: string; finish: CodeCompletionFinishReason; context: CodeCompletionContext }>> {
    const place = workspacePlace(input.path ?? input.document, this.deps.workspaceFolders());
    const format = fimFormatFor({ ...model, scratchpad: input.scratchpad ?? model.scratchpad });
    const ragStarted = performance.now();
    const gathered = input.path
      ? await this.deps.sources.gather({ path: input.path, uri: input.document, text: input.text, cursorLine: input.line, useAst: input.useAst, useRetrieval: input.useVecdb }, signal)
      : { snippets: [], reports: [] as CompletionSourceReport[] };
    const ragMs = performance.now() - ragStarted;
    // A file privacy.yaml keeps from this model never reaches its prompt.
    gathered.snippets = gathered.snippets.filter((snippet) => allowed(snippet.file).allowed);
    if (signal.aborted) throw signal.reason;
    const counter = await this.deps.counters.counterFor(model.id);
    const target = completionTarget(model);
    const pp: PostProcessContext = { linePrefix: doc.linePrefix, lineSuffix: doc.lineSuffix, nextLines: doc.below.slice(0, 8).map((l) => l.replace(/\r?\n$/, '')), multiline: input.multiline, stops: [] };

    if (!format) {
      const chat = await chatFallback({ caps, model, input, doc, place, snippets: gathered.snippets, upstream: this.deps.upstream, signal, timeoutMs: this.timeoutMs() });
      const text = postProcess(chat.text, { ...pp, stops: [] });
      return ok({ text, finish: chat.finish, context: this.report({ mode: 'chat', model, counter, ragMs, fimMs: 0, upstreamMs: chat.ms, reports: gathered.reports, used: gathered.snippets.slice(0, chat.snippetsUsed), tokens: 0, limit: 0, contextLimit: 0, contextTokens: 0 }) });
    }

    const fimStarted = performance.now();
    let prompt;
    try {
      prompt = await buildFimPrompt(
        { format, path: place.relative, repoName: place.repoName, ...nearCursor(doc, input, model.n_ctx), context: gathered.snippets, multiline: input.multiline },
        { nCtx: model.n_ctx, maxNewTokens: input.maxNewTokens, ...(input.ragTokensN ? { ragTokens: input.ragTokensN } : {}) },
        counter,
      );
    } catch (error) {
      if (error instanceof FimBudgetError) return fail('Unprocessable', `model '${model.id}': ${error.message}`);
      throw error;
    }
    const fimMs = performance.now() - fimStarted;
    this.deps.logger.debug(`completion: ${model.id} prompt ${prompt.tokens}/${prompt.limit} tokens by ${counter.name ?? 'estimate'}, ${prompt.contextUsed.length} snippets, ${prompt.linesBefore}+${prompt.linesAfter} lines`);
    if (signal.aborted) throw signal.reason;
    const stops = [...new Set([...prompt.stops, ...input.stop])];
    const upstreamStarted = performance.now();
    let raw = '';
    let finish: CodeCompletionFinishReason = null;
    const timeoutMs = this.timeoutMs();
    for await (const piece of streamCompletion(this.deps.upstream, target, { model: model.name, prompt: prompt.prompt, maxTokens: input.maxNewTokens, temperature: input.temperature, ...(input.topP !== undefined ? { topP: input.topP } : {}), stop: stops }, { signal, timeoutMs, idleTimeoutMs: timeoutMs })) {
      raw += piece.text;
      if (piece.finishReason) finish = piece.finishReason;
      if (emit && piece.text.includes('\n')) emit(stablePrefix(raw, { ...pp, stops }));
    }
    const text = postProcess(raw, { ...pp, stops });
    const context = this.report({
      mode: 'fim', model, counter, ragMs, fimMs, upstreamMs: performance.now() - upstreamStarted, reports: gathered.reports,
      used: prompt.contextUsed as FoundSnippet[], tokens: prompt.tokens, limit: prompt.limit, contextLimit: prompt.contextLimit, contextTokens: prompt.contextTokens,
    });
    return ok({ text, finish: finish ?? 'stop', context });
  }

  private answer(input: CompletionInput, meta: DeltaMeta, text: string, finish: CodeCompletionFinishReason, cached: boolean, context: CodeCompletionContext | undefined, options: CompleteOptions & { streamed?: string }): CodeCompletionResponse {
    // A streamed part that the final text does not continue (logged above) cannot be taken back.
    const streamed = options.streamed ?? '';
    if (text.startsWith(streamed) && text.length > streamed.length) options.onDelta?.(text.slice(streamed.length), meta);
    if (text !== '' && !options.background) {
      this.given.set(meta.snippet_telemetry_id, { input, completion: text });
      while (this.given.size > GIVEN_REMEMBERED) this.given.delete(this.given.keys().next().value!);
    }
    return {
      choices: [{ index: 0, code_completion: text, finish_reason: finish ?? 'stop' }],
      model: meta.model,
      cached,
      snippet_telemetry_id: meta.snippet_telemetry_id,
      created: meta.created,
      ...(context ? { context } : {}),
    };
  }

  private report(r: {
    mode: 'fim' | 'chat'; model: CompletionModelRecord; counter: TokenCounter & { reason?: string }; ragMs: number; fimMs: number; upstreamMs: number;
    reports: CompletionSourceReport[]; used: FoundSnippet[]; tokens: number; limit: number; contextLimit: number; contextTokens: number;
  }): CodeCompletionContext {
    const files = r.used.map((s) => ({ file_name: s.file ?? s.path, line1: s.startLine + 1, line2: s.endLine + 1, source: s.source }));
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      fim_ms: round(r.fimMs),
      rag_ms: round(r.ragMs),
      n_ctx: r.model.n_ctx,
      rag_tokens_limit: r.contextLimit,
      attached_files: files,
      bucket_declarations: files.filter((f) => f.source === 'ast'),
      sources: r.reports,
      prompt_tokens: r.tokens,
      budget_tokens: r.limit,
      fill_ratio: r.limit > 0 ? Math.round((r.tokens / r.limit) * 10_000) / 10_000 : 0,
      context_tokens: r.contextTokens,
      tokenizer: r.counter.name ?? (r.counter.exact ? 'exact' : 'estimate'),
      ...(r.counter.exact ? {} : { tokenizer_warning: r.counter.reason ?? 'no tokenizer for this model; counts are a safe estimate' }),
      mode: r.mode,
      upstream_ms: round(r.upstreamMs),
    };
  }

  private failure(error: unknown, signal: AbortSignal): Outcome<never> {
    if (signal.aborted) {
      const reason = signal.reason instanceof SupersededError ? signal.reason.message : 'the completion was cancelled';
      return fail('Cancelled', reason);
    }
    if (error instanceof UpstreamError) {
      this.deps.logger.warn(`completion: ${error.message}`);
      return fail('Upstream', error.message);
    }
    if (error instanceof RangeError) return fail('BadRequest', error.message);
    throw error;
  }

  private async privacyCheck(model: CompletionModelRecord): Promise<(path: string) => { allowed: true } | PrivacyVerdict> {
    if (!this.deps.privacy) return () => ({ allowed: true });
    return this.deps.privacy.checker(endpointUnderUserControl(model.endpoint, this.deps.ownHosts ?? []));
  }

  private timeoutMs(): number {
    return this.deps.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  }
}

/**
 * The part of the document a prompt can reach. Code runs 3 to 4 characters per token, so lines
 * holding 8 characters per token of the limit on either side of the cursor are more than the
 * window can take (text averaging over 8 characters per token, such as long runs of one
 * character, fills its budget less, never over it). The prompt builder counts every line it is
 * given, so a long file would otherwise be tokenized whole for a window of a few hundred lines.
 */
function nearCursor(doc: SplitDocument, input: CompletionInput, nCtx: number): { text: string; cursor: { line: number; character: number } } {
  const chars = MAX_CHARS_PER_TOKEN * Math.max(1, nCtx - input.maxNewTokens);
  let a = 0;
  for (let sum = 0; a < doc.above.length && sum < chars; a++) sum += doc.above[doc.above.length - 1 - a]!.length;
  let b = 0;
  for (let sum = 0; b < doc.below.length && sum < chars; b++) sum += doc.below[b]!.length;
  if (a === doc.above.length && b === doc.below.length) return { text: input.text, cursor: { line: input.line, character: input.character } };
  const above = doc.above.slice(doc.above.length - a);
  const text = above.join('') + doc.linePrefix + doc.lineSuffix + doc.lineEnd + doc.below.slice(0, b).join('');
  return { text, cursor: { line: above.length, character: input.character } };
}
