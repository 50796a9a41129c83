// The webview bundle's esbuild options, shared by esbuild.mjs and the bundle-budget test so the
// test measures exactly what ships.
export const webviewOptions = {
  entryPoints: ['webview/main.tsx'],
  outfile: 'dist/webview/main.js',
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
};

/**
 * Budget for the production bundle (minified JS). Today it is about 110 KiB: preact and signals
 * 21, marked 50, DOMPurify 30, ours 8. The budget leaves room for a theme-following syntax
 * highlighter with common languages (highlight.js core plus a dozen grammars is about 40 KiB),
 * and fails on an accidental heavy dependency (full highlight.js or shiki are hundreds of KiB).
 */
export const WEBVIEW_JS_BUDGET_BYTES = 160 * 1024;
/** The same budget gzipped (about 38 KiB today): what a slow remote link carries. */
export const WEBVIEW_JS_GZIP_BUDGET_BYTES = 55 * 1024;
