/**
 * Builds the agent's tool services for the composition root: the editor (every file write),
 * the integrations on disk, the registry, and the checkpoints.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChatToolStates } from './chat-tool-states';
import { Checkpoints } from './checkpoints';
import { Editor, type FileChangeKind } from './editor';
import { ToolIntegrations } from './integrations';
import { McpTools } from './mcp/mcp-tools';
import { ToolRegistry, type ToolRegistryDeps } from './tool-registry';
import type { PrivacyGate } from './tool-types';

export interface ToolServicesDeps {
  configDir: string;
  cacheDir: string;
  folders: () => readonly string[];
  /** Workspace files with gitignore and indexing blocklists applied (cached briefly). */
  listFiles: () => Promise<string[]>;
  /** Tells the indexes a file changed on disk (the LSP watched-files path). */
  onFileChanged: (kind: FileChangeKind, path: string) => void;
  privacy: PrivacyGate | null;
  ast: ToolRegistryDeps['ast'];
  retrieval: ToolRegistryDeps['retrieval'];
  /** The IDE's text of open documents: it wins when attaching definitions and search hits, and edits never overwrite unsaved changes. */
  openText?: (path: string) => string | null;
  fetchPage?: ToolRegistryDeps['fetchPage'];
  onShellSpawn?: (pid: number) => void;
  /** Where MCP servers' start failures and unset `$NAME` references are reported. */
  log?: (message: string) => void;
}

export interface ToolServices {
  editor: Editor;
  integrations: ToolIntegrations;
  registry: ToolRegistry;
  checkpoints: Checkpoints;
  /** MCP servers (`mcp_*.yaml`); the composition root disposes it on shutdown. */
  mcp: McpTools;
  /** Per-chat tool state, shared by the session loop and the tool routes. */
  chats: ChatToolStates;
}

export function startTools(deps: ToolServicesDeps): ToolServices {
  const editor = new Editor({ onFileChanged: deps.onFileChanged, openText: deps.openText });
  const integrations = new ToolIntegrations({ configDir: deps.configDir, folders: deps.folders });
  // MCP servers start now, in the background: their tools are listed once each has answered.
  const mcp = new McpTools({ configDir: deps.configDir, folders: deps.folders, integrations, log: deps.log });
  mcp.start();
  const readText = async (path: string) => deps.openText?.(path) ?? (await readFile(path, 'utf8').catch(() => null));
  const registry = new ToolRegistry({
    editor, integrations, privacy: deps.privacy, listFiles: deps.listFiles, readText,
    ast: deps.ast, retrieval: deps.retrieval, fetchPage: deps.fetchPage, onShellSpawn: deps.onShellSpawn,
    extraTools: () => mcp.tools(),
  });
  const checkpoints = new Checkpoints({ shadowDir: join(deps.cacheDir, 'checkpoints'), folders: deps.folders, onFileChanged: deps.onFileChanged });
  return { editor, integrations, registry, checkpoints, mcp, chats: new ChatToolStates() };
}
