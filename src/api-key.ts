/**
 * The API key lives in VS Code's SecretStorage (the OS keychain), never in settings.json, which
 * users share and sync. A key left in the old plain `refactts.apiKey` setting is moved once.
 */
import * as vscode from 'vscode';
import { LEGACY_API_KEY_SETTING, SETTINGS_SECTION } from './settings';

export const API_KEY_SECRET = 'refactts.apiKey';

export async function readApiKey(secrets: vscode.SecretStorage): Promise<string> {
  return (await secrets.get(API_KEY_SECRET)) ?? '';
}

/** Moves a key found in the old setting into SecretStorage and clears the setting everywhere. */
export async function migrateLegacyApiKey(secrets: vscode.SecretStorage, log: vscode.LogOutputChannel): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const found = config.inspect<string>(LEGACY_API_KEY_SETTING);
  const legacy = found?.globalValue || found?.workspaceValue || found?.workspaceFolderValue || '';
  if (!legacy) return;
  if (!(await secrets.get(API_KEY_SECRET))) await secrets.store(API_KEY_SECRET, legacy);
  const targets: [unknown, vscode.ConfigurationTarget][] = [
    [found?.globalValue, vscode.ConfigurationTarget.Global],
    [found?.workspaceValue, vscode.ConfigurationTarget.Workspace],
    [found?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
  ];
  for (const [value, target] of targets) {
    if (value === undefined) continue;
    try {
      await config.update(LEGACY_API_KEY_SETTING, undefined, target);
    } catch (error) {
      log.warn(`could not clear the old apiKey setting: ${(error as Error).message}`);
    }
  }
  log.info('moved the API key from the refactts.apiKey setting into secret storage');
}

/** "Set API Key": an empty answer removes the key. */
export async function promptApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Refact TS: API key',
    prompt: 'The key your inference server (Address URL) expects. It is kept in the system keychain. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return false;
  if (value.trim() === '') await secrets.delete(API_KEY_SECRET);
  else await secrets.store(API_KEY_SECRET, value.trim());
  return true;
}
