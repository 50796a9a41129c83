/**
 * The pure core of code completion (no IO, no clock): prompt formats, FIM prompt building to the
 * exact token, cross-file context packing, post-processing, the completion cache and the chat
 * fallback. The completion service (`server/services/completion/`) calls these; see README.md.
 */
export { fimFormatFor, familyOf, formatSpecialTokens, FIM_FAMILY_TOKENS, type ContextFormat, type FimFormat, type FimModelInfo } from './formats';
export { codePointToUtf16, utf16ToCodePoint, splitAtCursor, splitLines, shouldCompleteMultiline, type CursorPosition, type SplitDocument, type SplitOutcome } from './cursor';
export { estimateCounter, MemoCounter, SAFE_CHARS_PER_TOKEN, type TokenCounter } from './counter';
export { contentHash, dedupeSnippets, lineComment, ragTokensBudget, RAG_TOKENS_MAX, RAG_TOKENS_MIN, stableOrder, type ContextSnippet } from './context';
export { countPrompt, countPrompts, prewarmCounts, promptSegments } from './prompt-count';
export { buildFimPrompt, FimBudgetError, type Budget, type FimPrompt, type FimPromptInput } from './prompt';
export { postProcess, FILTERS, type Filter, type PostProcessContext } from './post-process/index';
export { CompletionCache, KEY_CHARS, UNTRUSTED_TAIL, type CacheKey, type CachedCompletion } from './cache';
export { buildHoleMessages, extractHoleText, HOLE, type ChatMessage, type HoleInput } from './chat-fallback';
