/**
 * The activity-bar chat view. The chat UI arrives with the next release; until then the view
 * says so and offers what already works.
 */
import * as vscode from 'vscode';

export const CHAT_VIEW_ID = 'refactts.chatView';
export const CHAT_NOT_YET = 'Refact TS: chat arrives in the next release. Inline completion works now.';

export class ChatViewPlaceholder implements vscode.WebviewViewProvider {
  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: false };
    view.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head>
<body style="font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 8px">
<h3>Refact TS chat</h3>
<p>Chat arrives in the next release.</p>
<p>Inline completion already works: type in a file and press <b>Tab</b> to accept a suggestion, <b>Alt+Space</b> to ask for one.</p>
</body></html>`;
  }
}
