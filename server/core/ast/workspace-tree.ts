/**
 * The workspace as a tree of folders, files and their top-level symbols (class-like ones with
 * their members), as data and as Refact's compact `@tree` text. Big workspaces stay readable:
 * folders are opened breadth-first while a file budget lasts, folders past a depth or beyond
 * the budget are shown collapsed with their file counts, and long listings are cut with a count.
 */
import type { AstIndex } from './ast-index';
import { CLASS_LIKE, type AstDefinition, type SymbolKind } from './types';

export interface TreeSymbol {
  name: string;
  kind: SymbolKind;
  /** 1-based line of the (first) declaration. */
  line: number;
  /** Members of a class-like symbol; empty for functions, variables and the like. */
  children: TreeSymbol[];
  /** Members left out by `maxMembers`; absent when none were. */
  omitted?: number;
}

export interface TreeFile {
  kind: 'file';
  name: string;
  /** The path as the index keys it. */
  path: string;
  symbols: TreeSymbol[];
}

export interface TreeFolder {
  kind: 'folder';
  name: string;
  /** Root-relative, `/`-separated; '' for a root. */
  path: string;
  /** Files anywhere below this folder. */
  fileCount: number;
  /** False when the folder is shown closed (past the depth or the file budget). */
  expanded: boolean;
  children: TreeNode[];
  /** Entries left out of `children` by `maxEntriesPerFolder`. */
  omitted: number;
}

export type TreeNode = TreeFolder | TreeFile;

export interface WorkspaceTree {
  roots: TreeFolder[];
  /** Files in the tree, shown or not. */
  totalFiles: number;
  /** Files listed by name. */
  shownFiles: number;
}

export interface TreeLimits {
  /** Files listed by name, over the whole tree; folders that would exceed it stay closed. */
  maxFiles: number;
  /** Folders deeper than this below a root stay closed (a root is depth 0). */
  maxDepth: number;
  /** Entries listed per folder; the rest are counted in `omitted`. */
  maxEntriesPerFolder: number;
  /** Members listed per class-like symbol. */
  maxMembers: number;
  /** False lists files without symbols. */
  symbols: boolean;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = { maxFiles: 500, maxDepth: 12, maxEntriesPerFolder: 200, maxMembers: 30, symbols: true };

export interface TreeInput {
  /** Workspace roots, as absolute paths in the index's form. */
  roots: readonly string[];
  /** Files to show; defaults to every indexed file. Files outside the roots are left out. */
  files?: Iterable<string>;
  /** Only this folder (or file) below a root, absolute. */
  under?: string;
  limits?: Partial<TreeLimits>;
}

function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter((s) => s !== '');
}

/** The root-relative segments of `file` under the longest root containing it, or null. */
function locate(file: string, roots: readonly string[][]): { root: number; rel: string[] } | null {
  const parts = segments(file);
  let best: { root: number; rel: string[] } | null = null;
  roots.forEach((root, i) => {
    if (root.length >= parts.length || (best && roots[best.root]!.length >= root.length)) return;
    if (root.every((s, k) => parts[k] === s)) best = { root: i, rel: parts.slice(root.length) };
  });
  return best;
}

interface Draft {
  name: string;
  path: string;
  depth: number;
  folders: Map<string, Draft>;
  files: { name: string; path: string }[];
  fileCount: number;
}

function draft(name: string, path: string, depth: number): Draft {
  return { name, path, depth, folders: new Map(), files: [], fileCount: 0 };
}

function symbolsOf(index: AstIndex, path: string, maxMembers: number): TreeSymbol[] {
  const info = index.file(path);
  if (!info) return [];
  const build = (defs: readonly AstDefinition[] | undefined): TreeSymbol[] => {
    const seen = new Map<string, TreeSymbol>();
    for (const def of [...(defs ?? [])].sort((a, b) => a.declLine1 - b.declLine1)) {
      // Overloads and re-declarations show once, at their first line.
      if (seen.has(def.name)) continue;
      const symbol: TreeSymbol = { name: def.name, kind: def.kind, line: def.declLine1, children: [] };
      if (CLASS_LIKE.has(def.kind) || def.kind === 'namespace') {
        const members = build(info.children.get(def.path));
        symbol.children = members.slice(0, maxMembers);
        if (members.length > maxMembers) symbol.omitted = members.length - maxMembers;
      }
      seen.set(def.name, symbol);
    }
    return [...seen.values()];
  };
  return build(info.children.get(info.ast.filePath));
}

/** Builds the tree; pure over the index and the given paths. */
export function workspaceTree(index: AstIndex, input: TreeInput): WorkspaceTree {
  const limits = { ...DEFAULT_TREE_LIMITS, ...input.limits };
  const rootParts = input.roots.map(segments);
  const under = input.under ? segments(input.under) : null;
  const drafts = input.roots.map((root) => draft(segments(root).pop() ?? root, '', 0));
  let totalFiles = 0;
  for (const file of input.files ?? index.paths()) {
    const found = locate(file, rootParts);
    if (!found) continue;
    if (under && !under.every((s, k) => segments(file)[k] === s)) continue;
    totalFiles++;
    let node = drafts[found.root]!;
    node.fileCount++;
    for (const part of found.rel.slice(0, -1)) {
      let next = node.folders.get(part);
      if (!next) node.folders.set(part, (next = draft(part, node.path ? `${node.path}/${part}` : part, node.depth + 1)));
      node = next;
      node.fileCount++;
    }
    node.files.push({ name: found.rel[found.rel.length - 1]!, path: file });
  }

  // Breadth-first: a folder opens when its depth allows and its own files fit the budget, so
  // the top of a big workspace is seen whole before any deep corner of it.
  const open = new Set<Draft>();
  let budget = limits.maxFiles;
  const queue = drafts.filter((d) => d.fileCount > 0);
  while (queue.length > 0) {
    const folder = queue.shift()!;
    const cost = Math.min(folder.files.length, limits.maxEntriesPerFolder);
    if (folder.depth > limits.maxDepth || cost > budget) continue;
    budget -= cost;
    open.add(folder);
    queue.push(...sortedFolders(folder));
  }

  let shownFiles = 0;
  const finish = (d: Draft): TreeFolder => {
    if (!open.has(d)) return { kind: 'folder', name: d.name, path: d.path, fileCount: d.fileCount, expanded: false, children: [], omitted: 0 };
    const entries: TreeNode[] = [];
    for (const sub of sortedFolders(d)) entries.push(finish(sub));
    for (const f of [...d.files].sort((a, b) => a.name.localeCompare(b.name))) {
      entries.push({ kind: 'file', name: f.name, path: f.path, symbols: limits.symbols ? symbolsOf(index, f.path, limits.maxMembers) : [] });
    }
    const kept = entries.slice(0, limits.maxEntriesPerFolder);
    shownFiles += kept.filter((e) => e.kind === 'file').length;
    return { kind: 'folder', name: d.name, path: d.path, fileCount: d.fileCount, expanded: true, children: kept, omitted: entries.length - kept.length };
  };
  const roots = drafts.filter((d) => d.fileCount > 0).map(finish);
  return { roots, totalFiles, shownFiles };
}

function sortedFolders(d: Draft): Draft[] {
  return [...d.folders.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function renderSymbol(s: TreeSymbol): string {
  const members = [...s.children.map(renderSymbol), ...(s.omitted ? [`… ${s.omitted} more`] : [])];
  return members.length ? `${s.name} (${members.join(', ')})` : s.name;
}

/**
 * The text form: two spaces per level, folders end in `/`, a file's symbols follow it in
 * brackets with members in parentheses; closed folders show their file count.
 */
export function renderTree(tree: WorkspaceTree): string {
  const lines: string[] = [];
  const walk = (node: TreeNode, depth: number) => {
    const pad = '  '.repeat(depth);
    if (node.kind === 'file') {
      lines.push(`${pad}${node.name}${node.symbols.length ? ` [${node.symbols.map(renderSymbol).join(', ')}]` : ''}`);
      return;
    }
    if (!node.expanded) {
      lines.push(`${pad}${node.name}/ (${node.fileCount} file${node.fileCount === 1 ? '' : 's'}, not expanded)`);
      return;
    }
    lines.push(`${pad}${node.name}/`);
    for (const child of node.children) walk(child, depth + 1);
    if (node.omitted > 0) lines.push(`${pad}  … ${node.omitted} more`);
  };
  for (const root of tree.roots) walk(root, 0);
  if (tree.shownFiles < tree.totalFiles) lines.push(`(${tree.shownFiles} of ${tree.totalFiles} files shown)`);
  return lines.join('\n');
}
