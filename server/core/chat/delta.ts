/**
 * Streaming pieces of an assistant message: the delta ops applied to the draft (the same rules
 * a client applies to its copy, so both agree), and the merging of OpenAI tool-call deltas,
 * which arrive as fragments keyed by `index` (id and name first, arguments in pieces).
 */
import type { AssistantMessage, ChatToolCall, DeltaOp } from '../../../src/protocol/chat';

export function applyDeltaOps(draft: AssistantMessage, ops: readonly DeltaOp[]): void {
  for (const op of ops) {
    switch (op.op) {
      case 'append_content':
        draft.content = (draft.content ?? '') + op.text;
        break;
      case 'append_reasoning':
        draft.reasoning_content = (draft.reasoning_content ?? '') + op.text;
        break;
      case 'set_tool_calls':
        draft.tool_calls = op.tool_calls;
        break;
      case 'set_thinking_blocks':
        draft.thinking_blocks = op.blocks;
        break;
      case 'add_citation':
        (draft.citations ??= []).push(op.citation);
        break;
      case 'set_usage':
        draft.usage = op.usage;
        break;
      case 'merge_extra':
        draft.extra = { ...draft.extra, ...op.extra };
        break;
    }
  }
}

/** One fragment of a tool call as OpenAI streams it. */
export interface ToolCallFragment {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Accumulates tool-call fragments. Providers differ: OpenAI sends `index` on every fragment,
 * some (older vLLM, Gemini's OpenAI layer) omit it and send whole calls, some repeat the id.
 */
export class ToolCallMerger {
  private readonly calls: ChatToolCall[] = [];

  push(fragments: readonly ToolCallFragment[]): boolean {
    let changed = false;
    for (const fragment of fragments) {
      const index = typeof fragment.index === 'number' ? fragment.index : this.indexFor(fragment);
      let call = this.calls[index];
      if (!call) {
        call = { id: '', type: 'function', function: { name: '', arguments: '' }, index };
        this.calls[index] = call;
      }
      if (fragment.id && call.id !== fragment.id) call.id = fragment.id;
      if (fragment.function?.name) call.function.name = call.function.name && call.function.name !== fragment.function.name ? call.function.name + fragment.function.name : fragment.function.name;
      if (fragment.function?.arguments) call.function.arguments += fragment.function.arguments;
      changed = true;
    }
    return changed;
  }

  /**
   * Without an index: a known id continues its call; a new id, or a name with no id (a whole
   * call), starts a new one; a bare arguments piece continues the last call.
   */
  private indexFor(fragment: ToolCallFragment): number {
    const known = fragment.id ? this.calls.findIndex((c) => c && c.id === fragment.id) : -1;
    if (known >= 0) return known;
    if (fragment.id || fragment.function?.name || this.calls.length === 0) return this.calls.length;
    return this.calls.length - 1;
  }

  /** The calls so far, in index order, with ids filled in for providers that send none. */
  list(makeId: (index: number) => string): ChatToolCall[] {
    return this.calls.filter(Boolean).map((call) => ({ ...call, id: call.id || makeId(call.index ?? 0), function: { ...call.function } }));
  }

  get size(): number {
    return this.calls.filter(Boolean).length;
  }
}
