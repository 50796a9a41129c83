// Builds every target: node esbuild.mjs [--production] [--watch] [target ...]
// Targets: extension, engine, workers, webview. Type checking is separate (npm run typecheck).
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { copyRuntimeModules } from './scripts/runtime-modules.mjs';
import { webviewOptions } from './scripts/webview-build.mjs';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const wanted = args.filter((a) => !a.startsWith('--'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

function gitCommit() {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};
const node = { ...common, platform: 'node', target: 'node20', format: 'cjs' };
// Native addons stay external and ship in node_modules beside the bundle.
// piscina is external too: it starts its own worker.js from its package folder.
const nativeExternals = ['onnxruntime-node', 'hnswlib-node', 'node-llama-cpp', '@parcel/watcher', 'libsql', 'piscina'];
const workerEntries = readdirSync('server/workers').filter((f) => f.endsWith('.ts')).map((f) => `server/workers/${f}`);

const targets = {
  extension: { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  engine: {
    ...node,
    entryPoints: ['server/main.ts'],
    outfile: 'dist/server/main.js',
    external: nativeExternals,
    banner: { js: '#!/usr/bin/env node' },
    define: { __ENGINE_VERSION__: JSON.stringify(pkg.version), __ENGINE_COMMIT__: JSON.stringify(gitCommit()) },
  },
  workers: workerEntries.length
    ? {
        ...node,
        entryPoints: workerEntries,
        outdir: 'dist/server/workers',
        external: nativeExternals,
        // ESM dependencies (web-tree-sitter) read import.meta.url, which a CJS bundle lacks.
        define: { 'import.meta.url': 'importMetaUrl' },
        banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      }
    : null,
  webview: { ...common, ...webviewOptions },
};

const names = wanted.length ? wanted : Object.keys(targets);
for (const name of names) {
  if (!(name in targets)) {
    console.error(`unknown target '${name}'; targets: ${Object.keys(targets).join(', ')}`);
    process.exit(2);
  }
}
const started = Date.now();
await Promise.all(
  names.map(async (name) => {
    const options = targets[name];
    if (!options) return;
    if (watch) {
      const context = await esbuild.context(options);
      await context.watch();
      console.log(`[watch] ${name}`);
      return;
    }
    const result = await esbuild.build(options);
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    console.log(`built ${name.padEnd(9)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB`);
  }),
);
// The parse worker loads web-tree-sitter's runtime and each grammar's .wasm from dist/server/grammars/.
function copyGrammars() {
  const packages = ['web-tree-sitter', ...Object.keys(pkg.devDependencies ?? {}).filter((n) => /(^|\/)tree-sitter-/.test(n))];
  mkdirSync('dist/server/grammars', { recursive: true });
  let count = 0;
  for (const name of packages) {
    const dir = `node_modules/${name}`;
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.wasm') || file.endsWith('_only.wasm')) continue;
      copyFileSync(`${dir}/${file}`, `dist/server/grammars/${file}`);
      count++;
    }
  }
  console.log(`copied ${count} grammar wasm files`);
}
if (names.includes('engine') || names.includes('workers')) {
  copyGrammars();
  const modules = copyRuntimeModules(nativeExternals.filter((n) => n in (pkg.dependencies ?? {})), 'node_modules', 'dist/node_modules');
  console.log(`runtime modules: ${modules.total} packages in dist/node_modules (${modules.copied} copied)`);
}
if (!watch) console.log(`done in ${Date.now() - started} ms`);
