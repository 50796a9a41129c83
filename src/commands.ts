/**
 * Every command the manifest declares, registered once for the extension's lifetime. Chat
 * commands open the chat view, which says the chat UI arrives in the next release.
 */
import * as vscode from 'vscode';
import { promptApiKey } from './api-key';
import { CHAT_NOT_YET, CHAT_VIEW_ID } from './chat-view';
import type { Ctx } from './ctx';
import { SettingKeys } from './settings';
import { pickModel, showStatusMenu, type StatusMenuActions } from './status/status-bar';

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const menuActions = (): StatusMenuActions => ({
    paused: ctx.settings.pauseCompletion,
    models: () => ctx.completionModels(),
    chooseModel: (model) => ctx.updateSetting(SettingKeys.completionModel, model),
  });
  const openChat = async () => {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    void vscode.window.showInformationMessage(CHAT_NOT_YET);
  };
  const register = vscode.commands.registerCommand;
  return [
    register('refactts.completionManual', () => ctx.inline.triggerManual()),
    register('refactts.pauseCompletion', () => ctx.updateSetting(SettingKeys.pauseCompletion, true)),
    register('refactts.resumeCompletion', () => ctx.updateSetting(SettingKeys.pauseCompletion, false)),
    register('refactts.restartEngine', () =>
      ctx.restartEngine().catch((error) => {
        void vscode.window.showErrorMessage(`Refact TS: the engine did not start: ${(error as Error).message}`, 'Show Logs').then((choice) => choice && ctx.output.show());
      }),
    ),
    register('refactts.showLogs', () => ctx.output.show()),
    register('refactts.openChat', openChat),
    register('refactts.newChat', openChat),
    register('refactts.attachToChat', async (uri?: vscode.Uri) => {
      const editor = vscode.window.activeTextEditor;
      const what = uri ? vscode.workspace.asRelativePath(uri) : editor && !editor.selection.isEmpty ? 'the selection' : editor ? vscode.workspace.asRelativePath(editor.document.uri) : '';
      await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
      void vscode.window.showInformationMessage(`${CHAT_NOT_YET}${what ? ` (${what} will be attached then.)` : ''}`);
    }),
    register('refactts.setApiKey', async () => {
      if (await promptApiKey(ctx.extension.secrets)) void vscode.window.showInformationMessage('Refact TS: API key saved in the system keychain; the engine restarts with it.');
    }),
    register('refactts.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:refact-ts.refact-ts')),
    register('refactts.statusMenu', () => showStatusMenu(menuActions())),
    register('refactts.chooseCompletionModel', () => pickModel(menuActions())),
  ];
}
