/** Activation: build the context, register commands, start (or connect to) the engine. */
import * as vscode from 'vscode';
import { Ctx } from './ctx';

let ctx: Ctx | null = null;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  const current = new Ctx(extension);
  ctx = current;
  current.pushExtCleanup(
    vscode.commands.registerCommand('refactts.showLogs', () => current.output.show()),
    vscode.commands.registerCommand('refactts.restartEngine', async () => {
      await current.stopEngine();
      await current.startEngine();
    }),
  );
  try {
    await current.startEngine();
  } catch (error) {
    const message = (error as Error).message;
    current.setStatus('$(error) Refact TS', `Engine failed: ${message}`);
    void vscode.window.showErrorMessage(`Refact TS: the engine did not start: ${message}`, 'Show Logs').then((choice) => {
      if (choice) current.output.show();
    });
    throw error;
  }
}

export function deactivate(): Promise<void> | undefined {
  const current = ctx;
  ctx = null;
  return current?.dispose();
}
