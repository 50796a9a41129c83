export * from './errors';
export * from './caps';
export * from './http';
export * from './lsp';
export * from './webview';
export * from './workspace';
export * from './openai';
