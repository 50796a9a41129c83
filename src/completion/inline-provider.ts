/**
 * Ghost-text completions from the engine. Each request waits out the adaptive debounce, then
 * asks `refact/getCompletions` with VS Code's cancellation token, so typing on sends
 * `$/cancelRequest` and the engine aborts its upstream request. Accepting with Tab runs the
 * item's command, which reports the acceptance (`refact/acceptCompletion`, the engine then
 * prefetches the next suggestion) and asks VS Code for the next suggestion at once.
 */
import * as vscode from 'vscode';
import type { EngineRequests } from '../engine/lsp-client';
import type { GetCompletionsParams, GetCompletionsResult } from '../protocol/completion';
import { AcceptCompletionRequest, GetCompletionsRequest } from '../protocol/lsp';
import type { StatusEvent } from '../status/status-state';
import { decideAt, DebouncePolicy } from './debounce';
import { codePointColumn, replacedSuffixLength, wantsMultiline } from './ghost-text';
import { skipReason } from './skip-rules';

export const ACCEPTED_COMMAND = 'refactts.inlineAccepted';
const PRIVACY_REFUSAL = /privacy/i;

export interface InlineDeps {
  client: () => EngineRequests | null;
  status: (event: StatusEvent) => void;
  options: () => { paused: boolean; model: string; maxTokens: number };
  log: vscode.LogOutputChannel;
}

export class InlineCompletions implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  readonly debounce = new DebouncePolicy();
  private manualPending = false;
  /** Whether the current pause was already written to the log (once per pause, not per key). */
  private pauseLogged = false;
  private readonly cleanups: vscode.Disposable[] = [];

  constructor(private readonly deps: InlineDeps) {
    this.cleanups.push(
      vscode.languages.registerInlineCompletionItemProvider({ scheme: 'file' }, this),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && event.document === vscode.window.activeTextEditor?.document) this.debounce.keystroke(Date.now());
      }),
      vscode.commands.registerCommand(ACCEPTED_COMMAND, (id: number) => this.accepted(id)),
      vscode.window.onDidChangeActiveTextEditor(() => this.deps.status({ type: 'privacy', blocked: false })),
    );
  }

  /** Alt+Space: ask now, bypassing the pause switch and the engine's cache. */
  async triggerManual(): Promise<void> {
    this.manualPending = true;
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position, context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | null> {
    const manual = this.manualPending && context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    this.manualPending = false;
    const line = document.lineAt(position.line).text;
    const linePrefix = line.slice(0, position.character);
    const lineSuffix = line.slice(position.character);
    const options = this.deps.options();
    const editor = vscode.window.activeTextEditor;
    const hasSelection = editor?.document === document && !editor.selection.isEmpty && context.selectedCompletionInfo === undefined;
    const skip = skipReason({ scheme: document.uri.scheme, lineSuffix, documentChars: document.getText().length, paused: options.paused, manual, hasSelection });
    if (skip === 'paused' && !this.pauseLogged) this.deps.log.info('completion is paused: no suggestions until it is resumed (Alt+Space still asks)');
    if (skip === 'paused') this.pauseLogged = true;
    else if (!options.paused) this.pauseLogged = false;
    if (skip) return null;
    const client = this.deps.client();
    if (!client) return null;

    const wait = decideAt(this.debounce, Date.now(), linePrefix, manual);
    if (wait.delayMs > 0 && !(await delay(wait.delayMs, token))) return null;

    const params: GetCompletionsParams = {
      textDocument: { uri: document.uri.toString() },
      position: { line: position.line, character: codePointColumn(line, position.character) },
      multiline: wantsMultiline(linePrefix),
      ...(options.model ? { model: options.model } : {}),
      ...(options.maxTokens > 0 ? { parameters: { max_new_tokens: options.maxTokens } } : {}),
      ...(manual ? { no_cache: true } : {}),
    };
    const started = Date.now();
    this.deps.status({ type: 'request-start' });
    let result: GetCompletionsResult;
    try {
      result = await client.sendRequest<GetCompletionsResult>(GetCompletionsRequest.method, params, token);
    } catch (error) {
      const message = (error as Error).message;
      const cancelled = token.isCancellationRequested;
      this.deps.status({ type: 'request-end', ...(cancelled ? {} : { error: message }) });
      if (!cancelled) this.deps.log.warn(`completion failed: ${message}`);
      // The engine refuses files its privacy rules keep from every model; the status bar says so
      // until another file is active.
      if (PRIVACY_REFUSAL.test(message)) this.deps.status({ type: 'privacy', blocked: true });
      return null;
    }
    const engineMs = Date.now() - started;
    if (!result.cached) this.debounce.latency(engineMs);
    this.deps.status({ type: 'request-end', model: result.model, waitMs: wait.delayMs, engineMs });
    const text = result.choices[0]?.code_completion ?? '';
    this.deps.log.debug(`completion ${result.snippet_telemetry_id}${result.cached ? ' (cached)' : ''} in ${engineMs} ms after a ${wait.delayMs} ms ${wait.reason} wait: ${JSON.stringify(text)}`);
    if (!text || token.isCancellationRequested) return null;
    const replaced = replacedSuffixLength(lineSuffix, text);
    const range = new vscode.Range(position, position.translate(0, replaced));
    const item = new vscode.InlineCompletionItem(text, range, { title: 'Accept completion', command: ACCEPTED_COMMAND, arguments: [result.snippet_telemetry_id] });
    return [item];
  }

  private async accepted(id: number): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    try {
      await client.sendRequest(AcceptCompletionRequest.method, { snippet_telemetry_id: id });
    } catch (error) {
      this.deps.log.warn(`reporting an accepted completion failed: ${(error as Error).message}`);
    }
    // The engine prefetched what follows the accepted text: ask now instead of waiting for a keystroke.
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  dispose(): void {
    for (const cleanup of this.cleanups.reverse()) cleanup.dispose();
  }
}

/** Resolves true after `ms`, or false as soon as the request is cancelled. */
function delay(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(true);
    }, ms);
    const listener = token.onCancellationRequested(() => {
      clearTimeout(timer);
      listener.dispose();
      resolve(false);
    });
  });
}
