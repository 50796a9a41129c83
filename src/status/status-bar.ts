/**
 * The one status bar item: it renders `statusView` of the reduced state, so every state change
 * goes through `dispatch`, and a click opens the status menu.
 */
import * as vscode from 'vscode';
import { initialStatus, reduceStatus, statusView, type StatusEvent, type StatusState, type StatusView } from './status-state';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: StatusState;
  private readonly changed = new vscode.EventEmitter<StatusState>();
  /** Fires after each state change; the inline provider and tests' logs listen. */
  readonly onDidChange = this.changed.event;

  constructor(options: { paused: boolean; xDebug: boolean; chosenModel: string }) {
    this.current = initialStatus(options);
    this.item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Refact TS';
    this.item.command = 'refactts.statusMenu';
    this.render();
    this.item.show();
  }

  get state(): StatusState {
    return this.current;
  }

  view(): StatusView {
    return statusView(this.current);
  }

  dispatch(event: StatusEvent): void {
    const next = reduceStatus(this.current, event);
    if (next === this.current) return;
    this.current = next;
    this.render();
    this.changed.fire(next);
  }

  private render(): void {
    const view = statusView(this.current);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.severity ? new vscode.ThemeColor(view.severity === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }
}

export interface StatusMenuActions {
  paused: boolean;
  models: () => Promise<{ models: string[]; current: string; reason?: string }>;
  chooseModel: (model: string) => Promise<void>;
}

/** The status menu: pause/resume, completion model, logs, settings, restart. */
export async function showStatusMenu(actions: StatusMenuActions): Promise<void> {
  const items: (vscode.QuickPickItem & { run: () => Thenable<unknown> | Promise<unknown> })[] = [
    actions.paused
      ? { label: '$(debug-start) Resume completion', run: () => vscode.commands.executeCommand('refactts.resumeCompletion') }
      : { label: '$(debug-pause) Pause completion', run: () => vscode.commands.executeCommand('refactts.pauseCompletion') },
    { label: '$(symbol-class) Choose completion model…', run: () => pickModel(actions) },
    { label: '$(output) Show logs', run: () => vscode.commands.executeCommand('refactts.showLogs') },
    { label: '$(gear) Settings', run: () => vscode.commands.executeCommand('refactts.openSettings') },
    { label: '$(key) Set API key…', run: () => vscode.commands.executeCommand('refactts.setApiKey') },
    { label: '$(debug-restart) Restart engine', run: () => vscode.commands.executeCommand('refactts.restartEngine') },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Refact TS', placeHolder: 'What should Refact TS do?' });
  await choice?.run();
}

export async function pickModel(actions: StatusMenuActions): Promise<void> {
  const { models, current, reason } = await actions.models();
  if (models.length === 0) {
    void vscode.window.showWarningMessage(`Refact TS: no completion models to choose from${reason ? `: ${reason}` : ''}.`);
    return;
  }
  const items = [{ label: 'Server default', description: current === '' ? 'current' : '', model: '' }, ...models.map((m) => ({ label: m, description: m === current ? 'current' : '', model: m }))];
  const choice = await vscode.window.showQuickPick(items, { title: 'Completion model', placeHolder: 'The model inline completions use' });
  if (choice) await actions.chooseModel(choice.model);
}
