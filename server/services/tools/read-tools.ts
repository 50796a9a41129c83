/**
 * The reading tools: `cat` (files and folders; what it returns is recorded per chat so a later
 * edit can tell the file changed since) and `tree` (the workspace tree, with symbols from the
 * AST index when asked). Files privacy rules keep from the model are left out with the reason.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatContextFile } from '../../../src/protocol/chat';
import { AstIndex } from '../../core/ast/ast-index';
import { renderTree, workspaceTree, type TreeInput, type WorkspaceTree } from '../../core/ast/workspace-tree';
import { bool, commaList, str, type ToolArgs } from '../../core/tools/args';
import type { Editor } from './editor';
import { allowedFiles, failed, privacyRefusal, type PrivacyGate, type ToolContext, type ToolResult } from './tool-types';
import { resolveToolPath } from './workspace-paths';

export interface ReadToolDeps {
  editor: Editor;
  privacy: PrivacyGate | null;
  /** The workspace's files (gitignore and indexing blocklists applied). */
  listFiles: () => Promise<string[]>;
  ast: { tree(options?: Omit<TreeInput, 'roots'>): WorkspaceTree } | null;
}

/** A file bigger than this is cut: one `cat` must not take the whole context window. */
const MAX_CAT_CHARS = 256_000;
const MAX_DIR_FILES = 50;
const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg)$/i;

export async function catTool(args: ToolArgs, ctx: ToolContext, deps: ReadToolDeps): Promise<ToolResult> {
  const found: string[] = [];
  const problems: string[] = [];
  const files: ChatContextFile[] = [];
  for (const typed of commaList(str(args, 'paths'))) {
    const resolved = await resolveToolPath(typed, ctx.roots);
    if (!resolved.ok) {
      problems.push(`${typed}: ${resolved.error}`);
      continue;
    }
    if (!resolved.exists) {
      problems.push(`${typed}: no such file or directory`);
      continue;
    }
    const info = await stat(resolved.path);
    const paths = info.isDirectory() ? await filesUnder(resolved.path, deps, problems) : [resolved.path];
    for (const path of paths) {
      if (ctx.signal.aborted) return failed('cat was cancelled.');
      if (IMAGE.test(path)) {
        problems.push(`${path}: images are not supported by this engine's cat yet`);
        continue;
      }
      const refused = await privacyRefusal(deps.privacy, path, ctx);
      if (refused) {
        problems.push(refused);
        continue;
      }
      const read = await deps.editor.read(path);
      if (!read.ok) {
        problems.push(read.error);
        continue;
      }
      const lines = read.text === '' ? 0 : read.text.replace(/\n$/, '').split('\n').length;
      let content = read.text;
      if (content.length > MAX_CAT_CHARS) {
        content = content.slice(0, MAX_CAT_CHARS);
        problems.push(`${path}: only the first ${MAX_CAT_CHARS} characters are shown (the file is larger)`);
      } else deps.editor.noteRead(ctx.files, path, read.hash);
      files.push({ file_name: path, file_content: content, line1: 1, line2: Math.max(1, lines) });
      found.push(path);
    }
  }
  let text = found.length ? `Paths found:\n${found.join('\n')}\n` : '';
  if (problems.length) text += `${text ? '\n' : ''}Problems:\n${problems.join('\n')}\n`;
  return { ok: found.length > 0, content: text || 'Nothing was read.', contextFiles: files };
}

/** The workspace files below a folder, as the index lists them (ignored files stay out). */
async function filesUnder(dir: string, deps: ReadToolDeps, problems: string[]): Promise<string[]> {
  const listed = (await deps.listFiles()).filter((f) => f.startsWith(`${dir}/`));
  const files = listed.length ? listed : (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => join(dir, e.name));
  if (files.length > MAX_DIR_FILES) problems.push(`${dir}: holds ${files.length} files, only the first ${MAX_DIR_FILES} are shown; name files to see others`);
  return files.slice(0, MAX_DIR_FILES);
}

export async function treeTool(args: ToolArgs, ctx: ToolContext, deps: ReadToolDeps): Promise<ToolResult> {
  let under: string | undefined;
  const typed = str(args, 'path').trim();
  if (typed !== '') {
    const resolved = await resolveToolPath(typed, ctx.roots);
    if (!resolved.ok) return failed(resolved.error);
    if (!resolved.exists) return failed(`"${typed}" does not exist.`);
    under = resolved.path;
  }
  // Names of files privacy rules block stay out too: their existence can be a secret.
  const files = await allowedFiles(deps.privacy, await deps.listFiles(), ctx);
  const useAst = bool(args, 'use_ast');
  const tree = useAst && deps.ast ? deps.ast.tree({ files, under }) : workspaceTree(new AstIndex(), { roots: ctx.roots, files, under, limits: { symbols: false } });
  const note = useAst && !deps.ast ? '(symbols are not shown: the AST index is turned off)\n' : '';
  return { ok: true, content: note + renderTree(tree) };
}
