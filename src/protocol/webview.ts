/**
 * postMessage between the extension host and the webview. Two discriminated unions on `type`;
 * this file imports nothing so the webview bundle stays dependency-free.
 */

/** Host → webview. */
export type HostToWebview =
  | { type: 'engine/status'; state: 'starting' | 'running' | 'stopped' | 'error'; httpPort: number | null; message?: string };

/** Webview → host. */
export type WebviewToHost = { type: 'ready' } | { type: 'engine/restart' };
