/**
 * A fixture workspace for the tool tests: `test/fixtures/tools-workspace` copied into a temp
 * folder (plus files its .gitignore leaves out, which git would not commit), a config dir with
 * a privacy.yaml that blocks `*.env`, and the real tool services over it (editor, registry,
 * integrations, checkpoints, privacy, workspace file listing). No index: AST/retrieval off.
 */
import { cpSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../server/services/logger';
import { PrivacyService } from '../../server/services/privacy';
import { newChatToolState, type ChatToolState } from '../../server/services/tools/tool-registry';
import { startTools, type ToolServices, type ToolServicesDeps } from '../../server/services/tools/start';
import type { ToolContext } from '../../server/services/tools/tool-types';
import { WorkspaceFiles } from '../../server/services/workspace-files';

export interface ToolsKit extends ToolServices {
  root: string;
  configDir: string;
  cacheDir: string;
  outside: string;
  changes: Array<{ kind: string; path: string }>;
  state: ChatToolState;
  ctx(overrides?: Partial<ToolContext>): ToolContext;
}

export function makeToolsKit(extra: Partial<ToolServicesDeps> = {}): ToolsKit {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'tools-')));
  const root = join(base, 'ws');
  cpSync(join(__dirname, '..', 'fixtures', 'tools-workspace'), root, { recursive: true });
  mkdirSync(join(root, 'ignored'));
  writeFileSync(join(root, 'ignored', 'copy.ts'), 'greet() ignored copy\n');
  writeFileSync(join(root, 'debug.log'), 'greet log line\n');
  const configDir = join(base, 'config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'privacy.yaml'), 'privacy_rules:\n  blocked:\n    - "*.env"\n  only_send_to_servers_I_control: []\n');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');
  const cacheDir = join(base, 'cache');
  const logger = createLogger({ kind: 'stderr' }, 'error');
  const files = new WorkspaceFiles({ configDir, home: base, logger, maxFiles: 50_000 });
  const changes: Array<{ kind: string; path: string }> = [];
  const folders = () => [root];
  const services = startTools({
    configDir, cacheDir, folders,
    listFiles: async () => (await files.list(folders())).files,
    onFileChanged: (kind, path) => changes.push({ kind, path }),
    privacy: new PrivacyService({ configDir, folders, logger }),
    ast: null, retrieval: null,
    ...extra,
  });
  const state = newChatToolState();
  return {
    ...services, root, configDir, cacheDir, outside, changes, state,
    ctx: (overrides = {}) => ({ chatId: 'c1', signal: new AbortController().signal, roots: [root], files: state.files, modelIsLocal: false, ...overrides }),
  };
}
