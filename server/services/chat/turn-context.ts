/**
 * The context of a chat turn, the one entry point the session loop calls. On a user message it
 * runs the message's @-commands and attaches the editor's active file or selection; before
 * each model request it builds the OpenAI messages: the mode's system prompt (customization),
 * the project instructions, the history with context files as text, privacy enforced for the
 * model being called (this is the last gate: files attached earlier, or for another model, are
 * checked again), all fitted to the model's window counted with its own tokenizer.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ChatModelRecord } from '../../core/caps/model';
import { decodeContextFiles, encodeContextFiles, formatContextFiles } from '../../core/chat/at-commands/context-file';
import { countLines, resolveLineRange, sliceLines } from '../../core/chat/at-commands/line-range';
import { effectiveWindow, fitHistory, replyReserve, type FitItem } from '../../core/chat/history-fit';
import { toOpenAIMessages } from '../../core/chat/to-openai';
import { looksBinary } from '../../core/indexing-rules';
import { endpointUnderUserControl, type PrivacyVerdict } from '../../core/privacy';
import { estimateTokens } from '../../core/tokens/tokenizer-spec';
import type { AtCommandPreviewResponse, ChatActiveFile } from '../../../src/protocol/at-commands';
import type { ChatContextFile, ChatMessage, ChatMode, ChatThread, ChatUserContent, OpenAIChatMessage } from '../../../src/protocol/chat';
import type { SystemPrompt } from '../../../src/protocol/http';
import type { Logger } from '../logger';
import { LazyCounters } from '../completion/counters';
import type { PrivacyService } from '../privacy';
import type { TokenizerService } from '../tokenizer-service';
import { pathToUri, uriToPath } from '../workspace';
import { AtCommandsService, type AtAstSource, type AtCommandsDeps } from './at-commands';
import { ProjectInstructionsService } from './project-instructions';

/**
 * Token counters with each model's own tokenizer: the completion service's memoizing counters
 * (`LazyCounters`), so a history counted once is not counted again on the next turn.
 */
export interface TokenCounters {
  counterFor(model: string): Promise<{ count(texts: string[]): Promise<number[]>; exact: boolean; name?: string; reason?: string }>;
}

export interface TurnContextDeps {
  atCommands: AtCommandsService;
  privacy: PrivacyService;
  instructions: ProjectInstructionsService;
  customization: { load(includeHidden?: boolean): Promise<{ system_prompts: Record<string, SystemPrompt> }> };
  /** Null counts by the 3.5-characters estimate. */
  tokens: TokenCounters | null;
  /** A file's text (open editor text first); for the active file. */
  readText: (path: string) => Promise<string | null>;
  /** The chat model a name means ('' = the caps default), or null when there is none (preview only). */
  resolveModel?: (name: string) => Promise<ChatModelRecord | null>;
  /** Hosts of the user's own servers (the `--address-url` host): models there may see `only_send_to_servers_I_control` files. */
  ownHosts?: readonly string[];
  logger?: Logger;
}

/** What the editor says about itself when a message is sent (see `ChatActiveFile`). */
export interface EditorContext {
  active_file?: ChatActiveFile | null;
}

export interface TurnContextService {
  /** On a new user message: its @-commands' results and the active file, as messages to insert before it, and warnings to show. */
  expandUserMessage(thread: ChatThread, content: ChatUserContent, signal: AbortSignal, editor?: EditorContext): Promise<{ contextMessages: ChatMessage[]; warnings: string[] }>;
  /** Before each model request: the OpenAI messages to send. */
  prepareRequest(thread: ChatThread, messages: ChatMessage[], model: ChatModelRecord, signal: AbortSignal): Promise<{ messages: OpenAIChatMessage[]; warnings: string[] }>;
}

/** The customization prompt each mode starts from. */
export const MODE_PROMPTS: Record<ChatMode, string> = {
  NO_TOOLS: 'default',
  EXPLORE: 'exploration_tools',
  AGENT: 'agentic_tools',
  CONFIGURE: 'configurator',
  PROJECT_SUMMARY: 'project_summary',
};

/** Lines of the active file sent around the cursor when there is no selection. */
const ACTIVE_FILE_WINDOW = 60;
/** Framing tokens each message costs beyond its text (role, separators). */
const MESSAGE_OVERHEAD = 4;
/** Counted for each image: providers charge by size, this is a typical middle. */
const IMAGE_TOKENS = 1000;

export function textOf(content: ChatUserContent | null | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).filter((t) => t !== '').join('\n');
}

/** A model counts as local when its endpoint is on this machine, the user's network, or their own server. */
export function modelIsLocal(model: Pick<ChatModelRecord, 'endpoint'>, ownHosts: readonly string[] = []): boolean {
  return endpointUnderUserControl(model.endpoint, ownHosts);
}

/** The service, with `preview` for `/v1/at-command-preview` beside the loop's two calls. */
export function createTurnContextService(deps: TurnContextDeps): TurnContextService & { preview: TurnContext['preview'] } {
  return new TurnContext(deps);
}

interface Entry {
  kind: FitItem['kind'];
  full: OpenAIChatMessage;
  compressed?: OpenAIChatMessage;
}

class TurnContext implements TurnContextService {
  constructor(private readonly deps: TurnContextDeps) {}

  async expandUserMessage(thread: ChatThread, content: ChatUserContent, signal: AbortSignal, editor?: EditorContext): Promise<{ contextMessages: ChatMessage[]; warnings: string[] }> {
    // Privacy for the thread's model now (a model that cannot be resolved counts as remote), and
    // again in `prepareRequest` for the model of each request, should the user switch models.
    const local = await this.isLocal(thread.model);
    const run = await this.deps.atCommands.execute(textOf(content), { signal, modelIsLocal: local });
    const warnings = [...run.warnings];
    const files = [...run.contextFiles];
    if (editor?.active_file) {
      const active = await this.activeFile(editor.active_file, local);
      if (typeof active === 'string') warnings.push(active);
      else if (!files.some((f) => f.file_name === active.file_name && f.line1 <= active.line1 && f.line2 >= active.line2)) files.unshift(active);
    }
    const contextMessages: ChatMessage[] = [];
    if (files.length) contextMessages.push({ message_id: randomUUID(), role: 'context_file', content: encodeContextFiles(files) });
    for (const text of run.plainTexts) contextMessages.push({ message_id: randomUUID(), role: 'plain_text', content: text });
    return { contextMessages, warnings };
  }

  private async isLocal(modelName: string): Promise<boolean> {
    const model = (await this.deps.resolveModel?.(modelName)) ?? null;
    return model ? modelIsLocal(model, this.deps.ownHosts) : false;
  }

  /**
   * `/v1/at-command-preview`: runs the @-commands of the last message for the GUI, privacy
   * applied for the named model (a model that cannot be resolved counts as not local).
   */
  async preview(messages: ReadonlyArray<{ role: string; content: unknown }>, modelName: string, signal: AbortSignal): Promise<AtCommandPreviewResponse> {
    const last = messages[messages.length - 1];
    const content = last?.content;
    // Refact reads the last text part of a multimodal message.
    const text = typeof content === 'string' ? content : Array.isArray(content) ? String([...content].reverse().find((p) => p?.type === 'text')?.text ?? '') : '';
    const model = (await this.deps.resolveModel?.(modelName)) ?? null;
    const run = await this.deps.atCommands.execute(text, { signal, modelIsLocal: model ? modelIsLocal(model, this.deps.ownHosts) : false });
    const shown: AtCommandPreviewResponse['messages'] = [];
    if (run.contextFiles.length) shown.push({ role: 'context_file', content: encodeContextFiles(run.contextFiles) });
    for (const plain of run.plainTexts) shown.push({ role: 'plain_text', content: plain });
    const texts = [formatContextFiles(run.contextFiles), ...run.plainTexts, run.text];
    const counted = await this.countTexts(model?.id ?? null, texts);
    return {
      messages: shown,
      model: model?.id ?? modelName,
      highlight: run.highlights.map(({ kind, pos1, pos2, ok, reason }) => ({ kind, pos1, pos2, ok, reason })),
      current_context: counted.counts.reduce((a, b) => a + b, 0),
      number_context: model?.n_ctx ?? 0,
    };
  }

  /** The selection, or the lines around the cursor, or the whole file; a string says why none. */
  private async activeFile(active: ChatActiveFile, local: boolean): Promise<ChatContextFile | string> {
    const path = uriToPath(active.file_name);
    if (!path) return `the active file '${active.file_name}' is not a file path`;
    const verdict = await this.deps.privacy.check(path, local);
    if (!verdict.allowed) return `the active file is not attached: ${verdict.reason}`;
    if (active.selection && active.line1 && active.line2) {
      return { file_name: path, file_content: active.selection, line1: active.line1, line2: active.line2 };
    }
    const text = await this.deps.readText(path);
    if (text === null) return `the active file ${path} cannot be read`;
    const lines = countLines(text);
    const range = active.line1 && active.line2
      ? resolveLineRange({ line1: active.line1, line2: active.line2 }, lines)
      : lines <= ACTIVE_FILE_WINDOW * 2 || !active.cursor_line
        ? resolveLineRange(null, lines)
        : resolveLineRange({ line1: active.cursor_line - ACTIVE_FILE_WINDOW, line2: active.cursor_line + ACTIVE_FILE_WINDOW }, lines);
    return { file_name: path, file_content: sliceLines(text, range), ...range };
  }

  async prepareRequest(thread: ChatThread, messages: ChatMessage[], model: ChatModelRecord, signal: AbortSignal): Promise<{ messages: OpenAIChatMessage[]; warnings: string[] }> {
    const warnings: string[] = [];
    const local = modelIsLocal(model, this.deps.ownHosts);
    const allowed = await this.deps.privacy.checker(local);
    const entries: Entry[] = [];
    const system = await this.systemPrompt(thread, messages, local, warnings);
    if (system) entries.push({ kind: 'system', full: { role: 'system', content: system } });
    let imagesDropped = 0;
    for (const message of messages) {
      const entry = this.convert(message, model, allowed, warnings, () => imagesDropped++);
      if (entry) entries.push(entry);
    }
    if (imagesDropped) warnings.push(`${imagesDropped} image(s) left out: ${model.id} does not accept images`);

    const window = effectiveWindow(model.n_ctx, thread.context_tokens_cap);
    const budget = window - replyReserve(window);
    const counted = await this.count(model.id, entries);
    const items: FitItem[] = entries.map((entry, i) => ({ kind: entry.kind, tokens: counted.full[i]!, compressedTokens: counted.compressed[i] }));
    const plan = fitHistory(items, { budget, compress: thread.use_compression });
    const how = counted.exact ? `counted with ${counted.tokenizer}` : `estimated: ${counted.reason ?? 'no tokenizer'}`;
    if (plan.dropped || plan.compressed) {
      warnings.push(`to fit ${model.id}'s window of ${window} tokens, ${plan.dropped} earlier message(s) were left out and ${plan.compressed} attachment(s) shortened (${how})`);
    }
    if (!plan.fits) warnings.push(`the conversation takes ${plan.total} tokens, more than the ${budget} that ${model.id} leaves for it (${how}); the model may refuse it`);
    const out: OpenAIChatMessage[] = [];
    entries.forEach((entry, i) => {
      const decision = plan.decisions[i];
      if (decision === 'drop') return;
      pushMerged(out, decision === 'compress' && entry.compressed ? entry.compressed : entry.full);
    });
    return { messages: out, warnings };
  }

  private async systemPrompt(thread: ChatThread, messages: ChatMessage[], local: boolean, warnings: string[]): Promise<string> {
    const own = messages.find((m) => m.role === 'system');
    let text = own ? own.content : '';
    if (!own) {
      const prompts = (await this.deps.customization.load(true)).system_prompts;
      const name = MODE_PROMPTS[thread.mode] ?? 'default';
      const prompt = prompts[name] ?? prompts.default;
      if (!prompt) warnings.push(`customization has no system prompt '${name}' nor 'default'`);
      text = prompt?.text.trim() ?? '';
    }
    if (thread.include_project_info) {
      const instructions = await this.deps.instructions.load(local);
      warnings.push(...instructions.warnings);
      if (instructions.text) text = text ? `${text}\n\n${instructions.text}` : instructions.text;
    }
    return text;
  }

  /** One chat message as an OpenAI message; context files pass privacy for this model. */
  private convert(message: ChatMessage, model: ChatModelRecord, allowed: (path: string) => PrivacyVerdict, warnings: string[], dropImage: () => void): Entry | null {
    switch (message.role) {
      case 'system':
      // A diff reports a tool's edit; the tool message beside it already told the model.
      case 'diff':
        return null;
      case 'user': {
        let content = message.content;
        if (typeof content !== 'string' && !model.supports_multimodality) {
          const images = content.filter((p) => p.type !== 'text').length;
          for (let i = 0; i < images; i++) dropImage();
          content = textOf(content);
        }
        return { kind: 'user', full: { role: 'user', content } };
      }
      case 'assistant':
        // As the plain conversion writes them (tool calls without UI fields, reasoning left behind).
        return { kind: 'other', full: toOpenAIMessages([message])[0]! };
      case 'tool': {
        const full = toOpenAIMessages([message])[0]!;
        const text = typeof full.content === 'string' ? full.content : '';
        return { kind: 'other', full, compressed: text.length > SHORT_CHARS ? { ...full, content: shortened(text) } : undefined };
      }
      case 'context_file': {
        const files = decodeContextFiles(message.content).filter((file) => {
          const verdict = allowed(file.file_name);
          if (!verdict.allowed) warnings.push(`not sent to ${model.id}: ${verdict.reason}`);
          return verdict.allowed;
        });
        if (files.length === 0) return null;
        const stub = files.map((f) => `${f.file_name}:${f.line1}-${f.line2}`).join('\n');
        return {
          kind: 'context',
          full: { role: 'user', content: formatContextFiles(files) },
          compressed: { role: 'user', content: `Files seen earlier (their text is left out to fit the context window):\n${stub}` },
        };
      }
      case 'plain_text':
      case 'cd_instruction':
        return {
          kind: 'context',
          full: { role: 'user', content: message.content },
          compressed: message.content.length > SHORT_CHARS ? { role: 'user', content: shortened(message.content) } : undefined,
        };
      default:
        return null;
    }
  }

  /** Counts with the model's tokenizer, or by the estimate when there is no model or counter. */
  private async countTexts(modelId: string | null, texts: string[]): Promise<{ counts: number[]; exact: boolean; tokenizer: string; reason?: string }> {
    if (!this.deps.tokens || !modelId) return { counts: texts.map(estimateTokens), exact: false, tokenizer: 'estimate', reason: modelId ? 'no token counter' : 'no model' };
    const counter = await this.deps.tokens.counterFor(modelId);
    return { counts: await counter.count(texts), exact: counter.exact, tokenizer: counter.name ?? 'estimate', reason: counter.reason };
  }

  private async count(modelId: string, entries: Entry[]): Promise<{ full: number[]; compressed: (number | undefined)[]; exact: boolean; tokenizer: string; reason?: string }> {
    const texts: string[] = [];
    const images: number[] = [];
    const add = (m: OpenAIChatMessage) => {
      texts.push(typeof m.content === 'string' ? m.content : textOf(m.content as ChatUserContent) + JSON.stringify(m.tool_calls ?? ''));
      images.push(Array.isArray(m.content) ? m.content.filter((p) => p.type !== 'text').length : 0);
    };
    for (const entry of entries) {
      add(entry.full);
      if (entry.compressed) add(entry.compressed);
    }
    const counted = await this.countTexts(modelId, texts);
    const cost = (k: number) => counted.counts[k]! + images[k]! * IMAGE_TOKENS + MESSAGE_OVERHEAD;
    const full: number[] = [];
    const compressed: (number | undefined)[] = [];
    let k = 0;
    for (const entry of entries) {
      full.push(cost(k++));
      compressed.push(entry.compressed ? cost(k++) : undefined);
    }
    return { full, compressed, exact: counted.exact, tokenizer: counted.tokenizer, reason: counted.reason };
  }
}

/** What is kept of a long text or tool output that has to give way. */
const SHORT_CHARS = 300;

function shortened(text: string): string {
  return `${text.slice(0, SHORT_CHARS)}\n[the rest is left out to fit the context window]`;
}

/**
 * Adjacent user messages are sent as one: context, tool output and the question are all the
 * user's side, and many chat templates refuse two user turns in a row.
 */
function pushMerged(out: OpenAIChatMessage[], message: OpenAIChatMessage): void {
  const last = out[out.length - 1];
  if (!last || last.role !== 'user' || message.role !== 'user') {
    out.push({ ...message });
    return;
  }
  if (typeof last.content === 'string' && typeof message.content === 'string') {
    last.content = `${last.content}\n\n${message.content}`;
    return;
  }
  const parts = (c: OpenAIChatMessage['content']) => (typeof c === 'string' ? [{ type: 'text' as const, text: c }] : c ?? []);
  last.content = [...parts(last.content), ...parts(message.content)];
}

/** What `main.ts` has that the chat context is built from. */
export interface TurnContextParts {
  folders: () => string[];
  /** Open editor text by URI, for files with unsaved edits. */
  documents: { get(uri: string): { getText(): string } | undefined };
  /** Lists the workspace's files (the engine's `WorkspaceFiles.list`). */
  listFiles: (folders: readonly string[]) => Promise<{ files: string[] }>;
  ast: AtAstSource | null;
  retrieval: AtCommandsDeps['retrieval'];
  privacy: PrivacyService;
  customization: TurnContextDeps['customization'];
  /** Makes the tokenizer service on the first count (see `startTurnContext`). */
  tokenizer: () => Promise<TokenizerService>;
  resolveModel: TurnContextDeps['resolveModel'];
  /** `--address-url`: its host is the user's own server. */
  addressUrl: string;
  logger: Logger;
}

/** Builds the @-command runner and the turn context over the engine's services. */
export function startTurnContext(parts: TurnContextParts): { atCommands: AtCommandsService; turnContext: ReturnType<typeof createTurnContextService> } {
  const readText = async (path: string): Promise<string | null> => {
    const open = parts.documents.get(pathToUri(path))?.getText();
    if (open !== undefined) return open;
    const bytes = await readFile(path).catch(() => null);
    return bytes && !looksBinary(bytes) ? bytes.toString('utf8') : null;
  };
  const atCommands = new AtCommandsService({
    folders: parts.folders, listFiles: async () => (await parts.listFiles(parts.folders())).files, readText,
    ast: parts.ast, retrieval: parts.retrieval, privacy: parts.privacy, logger: parts.logger,
  });
  let ownHosts: string[] = [];
  try {
    ownHosts = parts.addressUrl ? [new URL(parts.addressUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '')] : [];
  } catch {
    parts.logger.warn(`chat: --address-url '${parts.addressUrl}' is not a URL; privacy treats no remote server as yours`);
  }
  const turnContext = createTurnContextService({
    atCommands, privacy: parts.privacy, instructions: new ProjectInstructionsService({ folders: parts.folders, privacy: parts.privacy }),
    customization: parts.customization, tokens: new LazyCounters(parts.tokenizer), readText, resolveModel: parts.resolveModel, ownHosts, logger: parts.logger,
  });
  return { atCommands, turnContext };
}
