/**
 * Builds a FIM prompt filled to the token: context snippets first (packed into the context
 * budget), then the cursor file's lines around the cursor until
 * `n_ctx − max_new_tokens − 1 − context tokens` is full. Pieces are counted one by one (lines are
 * memoized by the counter), and the assembled prompt is counted whole at the end, since
 * tokens merge across piece boundaries: a prompt over the limit loses lines, one well under it
 * gains lines, until it fits.
 *
 * Layout, for the server's prompt cache: what changes least comes first. The repository header
 * and context snippets (in a stable order) lead, the cursor file's window follows, and the
 * window's top line moves only when the cursor changes lines: lines above the cursor get a fixed
 * share of the window budget, and what typing adds to the cursor line is taken from below.
 */
import { splitAtCursor, type CursorPosition } from './cursor';
import { dedupeSnippets, ragTokensBudget, renderCursorFileHeader, renderRepoHeader, renderSnippet, stableOrder, truncateSnippet, type ContextSnippet } from './context';
import { MemoCounter, type TokenCounter } from './counter';
import { countPrompt, countPrompts } from './prompt-count';
import type { FimFormat } from './formats';

export interface Budget {
  nCtx: number;
  maxNewTokens: number;
  /** Share of `n_ctx` for context; the format's `ragRatio` when absent. */
  ragRatio?: number;
  /** The request's `rag_tokens_n`, clamped like Refact's; overrides `ragRatio`. */
  ragTokens?: number;
}

export interface FimPromptInput {
  format: FimFormat;
  /** The cursor file's path as the model sees it (workspace-relative where possible). */
  path: string;
  repoName: string;
  text: string;
  cursor: CursorPosition;
  /** In order of relevance, most relevant first; the prompt writes them in a stable order. */
  context: ContextSnippet[];
  multiline: boolean;
}

export interface FimPrompt {
  prompt: string;
  /** Exact token count of the whole prompt (estimated when the counter is not exact). */
  tokens: number;
  /** `n_ctx − max_new_tokens − 1` (one token kept for a BOS the server may add); `tokens ≤ limit`. */
  limit: number;
  /** The context budget offered (after Refact's clamps). */
  contextLimit: number;
  /** Tokens of the context part (repository header and snippets). */
  contextTokens: number;
  /** The snippets in the prompt, in prompt order, truncated ones as sent. */
  contextUsed: ContextSnippet[];
  /** Whole lines of the cursor file above and below the cursor line. */
  linesBefore: number;
  linesAfter: number;
  /** Characters of the next line below, after `linesAfter` whole lines, that fill the last tokens. */
  partialAfter: number;
  /** Stop sequences for the upstream request (the format's, plus `\n\n`, plus `\n` in single-line mode). */
  stops: string[];
  exact: boolean;
}

export class FimBudgetError extends Error {}

/** Lines above the cursor get this share of the window; below gets the rest. */
export const ABOVE_SHARE = 0.75;
/** One token kept back for the BOS a server adds to a completion prompt. */
export const BOS_RESERVE = 1;
const MAX_EXACT_PASSES = 4;

interface Pieces {
  head: string;
  context: string;
  above: string[];
  linePrefix: string;
  lineSuffix: string;
  below: string[];
}

/** Joins the pieces in the format's order; `a` lines above and `b` below the cursor line. */
function assemble(format: FimFormat, p: Pieces, a: number, b: number, tail = ''): string {
  const prefix = p.above.slice(p.above.length - a).join('') + p.linePrefix;
  const suffix = p.lineSuffix + p.below.slice(0, b).join('') + tail;
  if (format.order === 'spm') {
    // Repository formats name the file before the FIM tokens; path comments belong to the code.
    if (format.fileSep !== null) return `${format.bos}${p.context}${p.head}${format.suffix}${suffix}${format.prefix}${prefix}${format.middle}`;
    return `${format.bos}${format.suffix}${suffix}${format.prefix}${p.context}${p.head}${prefix}${format.middle}`;
  }
  if (format.fileSep !== null) return `${format.bos}${p.context}${p.head}${format.prefix}${prefix}${format.suffix}${suffix}${format.middle}`;
  return `${format.bos}${format.prefix}${p.context}${p.head}${prefix}${format.suffix}${suffix}${format.middle}`;
}

/**
 * Pass a `MemoCounter` kept per model between calls: the next keystroke then counts only the
 * lines it changed. Any other counter is memoized for this call only.
 */
export async function buildFimPrompt(input: FimPromptInput, budget: Budget, anyCounter: TokenCounter): Promise<FimPrompt> {
  const { format } = input;
  const counter = anyCounter instanceof MemoCounter ? anyCounter : new MemoCounter(anyCounter);
  const split = splitAtCursor(input.text, input.cursor);
  if (!split.ok) throw new RangeError(split.detail);
  const doc = split.value;
  const limit = budget.nCtx - budget.maxNewTokens - BOS_RESERVE;
  if (limit < 16) throw new FimBudgetError(`n_ctx ${budget.nCtx} leaves ${limit} prompt tokens after max_new_tokens ${budget.maxNewTokens}`);
  const contextLimit = Math.min(ragTokensBudget(budget.nCtx, budget.ragRatio ?? format.ragRatio, budget.ragTokens), Math.floor(limit / 2));

  const cursorLine = doc.above.length;
  let candidates = dedupeSnippets(input.context);
  for (let attempt = 0; ; attempt++) {
    const packed = await packContext(format, input.repoName, candidates, contextLimit, counter);
    const pieces: Pieces = {
      head: renderCursorFileHeader(format, input.path),
      context: packed.text,
      above: doc.above,
      linePrefix: doc.linePrefix,
      lineSuffix: doc.lineSuffix + doc.lineEnd,
      below: doc.below,
    };
    const window = await fillWindow(format, pieces, limit, counter);
    // A snippet of the cursor file inside the window repeats what the model already reads.
    const top = cursorLine - window.a;
    const bottom = cursorLine + window.b;
    const inside = (s: ContextSnippet) => s.path === input.path && (s.startLine === undefined || (s.startLine <= bottom && (s.endLine ?? s.startLine) >= top));
    if (attempt === 0 && packed.used.some(inside)) {
      candidates = candidates.filter((s) => !inside(s));
      continue;
    }
    const stops = [...format.stops, ...(input.multiline ? ['\n\n'] : ['\n'])];
    return {
      prompt: window.prompt, tokens: window.tokens, limit, contextLimit, contextTokens: packed.tokens, contextUsed: packed.used,
      linesBefore: window.a, linesAfter: window.b, partialAfter: window.tail ?? 0, stops, exact: counter.exact,
    };
  }
}

interface Packed {
  text: string;
  tokens: number;
  used: ContextSnippet[];
}

/** Snippets by relevance into `limit` tokens (header included), written in the stable order. */
async function packContext(format: FimFormat, repoName: string, snippets: ContextSnippet[], limit: number, counter: TokenCounter): Promise<Packed> {
  const header = renderRepoHeader(format, repoName);
  if (limit <= 0) return { text: header, tokens: await countPrompt(header, counter), used: [] };
  const rendered = snippets.map((s) => renderSnippet(format, s));
  // Snippets are counted by lines too: a long one encoded whole is slow with some tokenizers.
  const counts = await countPrompts(rendered, counter);
  let used = await countPrompt(header, counter);
  const chosen: ContextSnippet[] = [];
  for (let i = 0; i < snippets.length && used < limit; i++) {
    let snippet = snippets[i]!;
    let tokens = counts[i]!;
    // A snippet too big for what is left is cut to its first lines (twice at most: counts are
    // not proportional to lines, the second try corrects the first).
    for (let tries = 0; used + tokens > limit && tries < 2; tries++) {
      const lines = snippet.text.split('\n').length;
      const keep = Math.floor((lines * (limit - used)) / tokens) - 1;
      if (keep < 3) break;
      snippet = truncateSnippet(snippet, keep);
      tokens = await countPrompt(renderSnippet(format, snippet), counter);
    }
    if (used + tokens > limit) continue;
    used += tokens;
    chosen.push(snippet);
  }
  const ordered = stableOrder(chosen);
  const text = header + ordered.map((s) => renderSnippet(format, s)).join('');
  return { text, tokens: await countPrompt(text, counter), used: ordered };
}

interface Window {
  prompt: string;
  tokens: number;
  a: number;
  b: number;
  /** Characters of the partial line after the last whole line below. */
  tail?: number;
}

/**
 * Token counts of lines outward from the cursor, counted in batches as the window reaches them:
 * a large file costs only the lines that can fit. A batch holds enough lines for the tokens still
 * wanted at `BATCH_CHARS_PER_TOKEN` (code runs 3 to 4 characters a token, so one batch usually
 * fills the window and counts about a third past it), where doubling batches counted up to
 * twice the lines the window takes.
 */
class OutwardCounts {
  readonly counts: number[] = [];

  /** `maxChars`: a longer line cannot fit the window (see `FIT_CHARS_PER_TOKEN`); it is not counted. */
  constructor(private readonly lines: readonly string[], private readonly upward: boolean, private readonly counter: TokenCounter, private readonly maxChars: number) {}

  get length(): number {
    return this.lines.length;
  }

  private line(k: number): string {
    return this.upward ? this.lines[this.lines.length - 1 - k]! : this.lines[k]!;
  }

  /** Makes `counts[i]` available, counting a batch sized for `wanted` more tokens if needed. */
  async ensure(i: number, wanted: number): Promise<void> {
    if (i < this.counts.length || i >= this.lines.length) return;
    const from = this.counts.length;
    const batch: string[] = [];
    for (let chars = 0; from + batch.length < this.lines.length && (from + batch.length <= i || chars < wanted * BATCH_CHARS_PER_TOKEN); ) {
      const text = this.line(from + batch.length);
      chars += text.length;
      batch.push(text);
    }
    for (let extra = 0; extra < BATCH_EXTRA_LINES && from + batch.length < this.lines.length; extra++) batch.push(this.line(from + batch.length));
    // A generated line of tens of thousands of characters takes a JS tokenizer most of a second.
    const fits = batch.filter((text) => text.length <= this.maxChars);
    const counted = await this.counter.count(fits);
    let k = 0;
    for (const text of batch) this.counts.push(text.length <= this.maxChars ? counted[k++]! : Infinity);
  }
}

/** See `OutwardCounts`. */
const BATCH_CHARS_PER_TOKEN = 4;
const BATCH_EXTRA_LINES = 8;
/**
 * No line of code averages more characters a token than this (code runs 3 to 4; the service
 * offers the builder 8 a token each side too), so a line longer than this many characters per
 * token of the window is left out of it without being counted.
 */
const FIT_CHARS_PER_TOKEN = 8;

/** Adds lines while they fit in `room` (outward from `start`); returns the new count and tokens used. */
async function grow(lines: OutwardCounts, start: number, used: number, room: number): Promise<[number, number]> {
  let n = start;
  for (; n < lines.length; n++) {
    await lines.ensure(n, room - used);
    if (used + lines.counts[n]! > room) break;
    used += lines.counts[n]!;
  }
  return [n, used];
}

/** Adds lines around the cursor until the prompt fills `limit`, then fits it by exact counts. */
async function fillWindow(format: FimFormat, p: Pieces, limit: number, counter: TokenCounter): Promise<Window> {
  // A cursor line that cannot fit (see `FIT_CHARS_PER_TOKEN`) is cut before it is ever counted whole.
  if (p.linePrefix.length + p.lineSuffix.length > limit * FIT_CHARS_PER_TOKEN) return trimCursorLine(format, aroundCursor(p, limit * FIT_CHARS_PER_TOKEN), limit, counter);
  const fixedText = [format.bos, p.head, format.prefix, format.suffix, format.middle, p.linePrefix, p.lineSuffix];
  const fixed = (await counter.count(fixedText)).reduce((s, n) => s + n, 0) + (await countPrompt(p.context, counter));
  const window = limit - fixed;
  const maxChars = Math.max(0, window) * FIT_CHARS_PER_TOKEN;
  const up = new OutwardCounts(p.above, true, counter, maxChars);
  const down = new OutwardCounts(p.below, false, counter, maxChars);
  let a = 0;
  let b = 0;
  let used = 0;
  const aboveShare = Math.floor(window * ABOVE_SHARE);
  // Both sides' first batches in one wait (with a tokenizer pool, in parallel).
  await Promise.all([up.ensure(0, aboveShare), down.ensure(0, window - aboveShare)]);
  // Above first, up to its share; below up to what is left; above again if below ran out.
  [a, used] = await grow(up, a, used, aboveShare);
  [b, used] = await grow(down, b, used, window);
  [a, used] = await grow(up, a, used, window);

  let prompt = assemble(format, p, a, b);
  let tokens = await countPrompt(prompt, counter);
  let last: [number, number] = [a, b];
  for (let pass = 0; pass < MAX_EXACT_PASSES && tokens !== limit; pass++) {
    if (tokens > limit) {
      // Over: drop lines from the bottom first (the end of a PSM prompt), then the top.
      let excess = tokens - limit;
      while (excess > 0 && (a > 0 || b > 0)) {
        if (b > 0) excess -= down.counts[--b]!;
        else excess -= up.counts[--a]!;
      }
      if (a === 0 && b === 0 && excess > 0) return trimCursorLine(format, p, limit, counter);
    } else {
      // Under: pieces counted apart overstate a joined prompt; add what the slack allows.
      const before = [a, b] as const;
      [b] = await grow(down, b, 0, limit - tokens);
      // The top line moves only once the bottom of the file is reached, to keep the prefix stable.
      if (b === down.length) {
        let spent = 0;
        for (let k = before[1]; k < b; k++) spent += down.counts[k]!;
        [a] = await grow(up, a, spent, limit - tokens);
      }
      if (before[0] === a && before[1] === b) break;
    }
    const next = assemble(format, p, a, b);
    const nextTokens = await countPrompt(next, counter);
    if (nextTokens > limit && tokens <= limit) {
      // The last fitting prompt stays.
      [a, b] = last;
      break;
    }
    last = [a, b];
    prompt = next;
    tokens = nextTokens;
  }
  // The loop may stop over the limit only on its last pass; shed lines until it fits.
  while (tokens > limit && (a > 0 || b > 0)) {
    if (b > 0) b--;
    else a--;
    prompt = assemble(format, p, a, b);
    tokens = await countPrompt(prompt, counter);
  }
  if (tokens > limit) return trimCursorLine(format, p, limit, counter);
  return fillTail(format, p, limit, counter, { prompt, tokens, a, b }, maxChars);
}

/**
 * Spends the last few tokens on the start of the next line below: whole lines are too coarse to
 * fill a small budget, and the far end of the suffix is the part of the prompt that matters
 * least (and, in PSM order, the last, so it never disturbs the cached prefix).
 */
async function fillTail(format: FimFormat, p: Pieces, limit: number, counter: TokenCounter, w: Window, maxChars: number): Promise<Window> {
  const next = p.below[w.b];
  if (next === undefined || limit - w.tokens < 2) return w;
  // The first guess is proportional; a line too long to count (see `OutwardCounts`) is measured by its start.
  const probe = next.length > maxChars ? next.slice(0, maxChars) : next;
  const lineTokens = (await counter.count([probe]))[0]!;
  let best = w;
  let chars = Math.floor((probe.length * (limit - w.tokens)) / Math.max(1, lineTokens));
  for (let tries = 0; tries < 3 && chars > 0 && chars < next.length; tries++) {
    if (/[\udc00-\udfff]/.test(next[chars] ?? '')) chars--;
    const tail = next.slice(0, chars);
    const prompt = assemble(format, p, w.a, w.b, tail);
    const tokens = await countPrompt(prompt, counter);
    if (tokens <= limit) {
      best = { prompt, tokens, a: w.a, b: w.b, tail: tail.length };
      if (limit - tokens < 2) break;
      chars += Math.max(1, Math.floor((chars * (limit - tokens)) / Math.max(1, tokens - w.tokens)));
    } else {
      chars = Math.floor((chars * (limit - w.tokens)) / Math.max(1, tokens - w.tokens)) - 1;
    }
  }
  return best;
}

/** The cursor line alone is over the limit: keep its text nearest the cursor. */
async function trimCursorLine(format: FimFormat, p: Pieces, limit: number, counter: TokenCounter): Promise<Window> {
  let left = p.linePrefix;
  let right = p.lineSuffix;
  for (;;) {
    const prompt = assemble(format, { ...p, linePrefix: left, lineSuffix: right }, 0, 0);
    const tokens = await countPrompt(prompt, counter);
    if (tokens <= limit) return { prompt, tokens, a: 0, b: 0 };
    if (left.length + right.length === 0) throw new FimBudgetError(`the prompt's fixed parts take ${tokens} tokens, over the limit of ${limit}`);
    // Cut a share proportional to the excess (at least 8 characters); three quarters of what
    // stays is text left of the cursor, which says more about what comes next.
    const cut = Math.max(8, Math.ceil(((left.length + right.length) * (tokens - limit)) / tokens));
    ({ linePrefix: left, lineSuffix: right } = aroundCursor({ linePrefix: left, lineSuffix: right }, Math.max(0, left.length + right.length - cut)));
  }
}

/** `keep` characters of the cursor line around the cursor, three quarters left of it where there are. */
function aroundCursor<T extends { linePrefix: string; lineSuffix: string }>(p: T, keep: number): T {
  const left = p.linePrefix;
  const right = p.lineSuffix;
  const keepLeft = Math.min(left.length, Math.ceil(keep * 0.75));
  const keepRight = Math.min(right.length, keep - keepLeft);
  return { ...p, linePrefix: left.slice(left.length - Math.min(left.length, keep - keepRight)), lineSuffix: right.slice(0, keepRight) };
}
