// Bundles the companion server into dist/main.js (and the admin UI into dist/ui/app.js).
// node-llama-cpp stays external: it ships native binaries and must be resolved from
// node_modules at run time.
import { build } from 'esbuild';

const production = process.argv.includes('--production');

await Promise.all([
  build({
    entryPoints: { main: 'src/main.ts' },
    outdir: 'dist',
    // The local backend is a separate chunk, loaded only when a GGUF is served.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['node-llama-cpp'],
    sourcemap: !production,
    minify: production,
    banner: {
      // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
      js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  }),
  build({
    entryPoints: ['src/ui/app.tsx'],
    outfile: 'dist/ui/app.js',
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    logLevel: 'warning',
  }),
]);
