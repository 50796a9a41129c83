/** Activation: build the context, register commands, start (or connect to) the engine. */
import * as vscode from 'vscode';
import { ChatViewPlaceholder, CHAT_VIEW_ID } from './chat-view';
import { registerCommands } from './commands';
import { Ctx } from './ctx';

let ctx: Ctx | null = null;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  const started = Date.now();
  const current = new Ctx(extension);
  ctx = current;
  current.pushExtCleanup(...registerCommands(current), vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, new ChatViewPlaceholder()));
  await current.init();
  // The engine starts in the background: activation returns at once and the status bar follows it.
  void current.startEngine().then(
    () => current.output.info(`activated in ${Date.now() - started} ms; engine ready`),
    (error: Error) => {
      current.output.error(`engine: ${error.message}`);
      void vscode.window.showErrorMessage(`Refact TS: ${error.message}`, 'Show Logs', 'Retry').then((choice) => {
        if (choice === 'Show Logs') current.output.show();
        if (choice === 'Retry') void vscode.commands.executeCommand('refactts.restartEngine');
      });
    },
  );
  current.output.info(`activate returned after ${Date.now() - started} ms`);
}

export function deactivate(): Promise<void> | undefined {
  const current = ctx;
  ctx = null;
  return current?.dispose();
}
