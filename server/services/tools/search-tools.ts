/**
 * The searching tools: `search_pattern` (a regex over the workspace's file list, which already
 * honours .gitignore and the indexing blocklists, over paths and over file text),
 * `search_symbol_definition` and `search_symbol_usages` (the AST index), `search_semantic`
 * (the retrieval index). Results privacy rules keep from the model are left out.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { ChatContextFile } from '../../../src/protocol/chat';
import type { VdbSearchResult } from '../../../src/protocol/workspace';
import type { AstIndex } from '../../core/ast/ast-index';
import { findDefinitions, findUsages, type FoundDefinition } from '../../core/ast/queries';
import type { Resolver } from '../../core/ast/resolve';
import { commaList, str, type ToolArgs } from '../../core/tools/args';
import { isInside } from '../../core/tools/paths';
import { compileModelRegex } from '../../core/tools/text-edits';
import { allowedFiles, failed, type PrivacyGate, type ToolContext, type ToolResult } from './tool-types';
import { resolveToolPath } from './workspace-paths';

export interface SearchToolDeps {
  privacy: PrivacyGate | null;
  listFiles: () => Promise<string[]>;
  ast: { readonly index: AstIndex; readonly resolver: Resolver } | null;
  retrieval: { search(query: string, topN: number): Promise<VdbSearchResult> } | null;
  readText: (path: string) => Promise<string | null>;
}

const MAX_PATH_MATCHES = 50;
const MAX_TEXT_MATCHES = 200;
const MAX_MATCHES_PER_FILE = 10;
const MAX_LINE_CHARS = 200;
const YIELD_MS = 8;

/** The files a `scope` names: 'workspace', a folder, or one file. */
async function scopeFiles(scope: string, ctx: ToolContext, deps: SearchToolDeps): Promise<string[] | string> {
  const all = await allowedFiles(deps.privacy, await deps.listFiles(), ctx);
  const s = scope.trim();
  if (s === '' || s === 'workspace') return all;
  const resolved = await resolveToolPath(s, ctx.roots);
  if (!resolved.ok) return resolved.error;
  if (!resolved.exists) return `The scope "${s}" does not exist. Use 'workspace', a folder or a file.`;
  const inScope = all.filter((f) => f === resolved.path || isInside(resolved.path, f));
  return inScope.length ? inScope : `The scope "${s}" holds no searchable files (ignored, blocklisted or private).`;
}

export async function searchPatternTool(args: ToolArgs, ctx: ToolContext, deps: SearchToolDeps): Promise<ToolResult> {
  const pattern = str(args, 'pattern');
  const re = compileModelRegex(pattern, false);
  if (typeof re === 'string') return failed(re);
  const files = await scopeFiles(str(args, 'scope'), ctx, deps);
  if (typeof files === 'string') return failed(files);
  const rootOf = (f: string) => ctx.roots.find((r) => isInside(r, f)) ?? '';
  const pathMatches = files.filter((f) => re.test(relative(rootOf(f), f)));
  const hits = await grepFiles(files, re, ctx.signal);
  if (ctx.signal.aborted) return failed('search_pattern was cancelled.');
  const parts: string[] = [];
  if (pathMatches.length) {
    parts.push(`Path matches (${pathMatches.length}${pathMatches.length > MAX_PATH_MATCHES ? `, first ${MAX_PATH_MATCHES} shown` : ''}):\n${pathMatches.slice(0, MAX_PATH_MATCHES).join('\n')}`);
  }
  if (hits.total) {
    const shown = hits.lines.slice(0, MAX_TEXT_MATCHES);
    parts.push(`Text matches (${hits.total} in ${hits.files} files${hits.total > shown.length ? `, ${shown.length} shown` : ''}):\n${shown.join('\n')}`);
  }
  if (!parts.length) return { ok: true, content: `No paths or text matched \`${pattern}\` in ${files.length} files.` };
  return { ok: true, content: parts.join('\n\n') };
}

/**
 * Reads the files one after another with synchronous reads (for many small files they beat
 * the thread pool's round trips by about 1.5x here), giving the event loop a turn every few
 * milliseconds so the engine keeps answering; a file is split into lines only when it matches.
 */
export async function grepFiles(files: readonly string[], re: RegExp, signal: AbortSignal): Promise<{ lines: string[]; total: number; files: number }> {
  const lines: string[] = [];
  let total = 0;
  let matchedFiles = 0;
  let lastYield = performance.now();
  for (const file of files) {
    if (signal.aborted) break;
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (!re.test(text)) continue;
    let count = 0;
    const fileLines = text.split('\n');
    for (let n = 0; n < fileLines.length; n++) {
      if (!re.test(fileLines[n]!)) continue;
      count++;
      if (count <= MAX_MATCHES_PER_FILE && lines.length < MAX_TEXT_MATCHES) lines.push(`${file}:${n + 1}: ${fileLines[n]!.trim().slice(0, MAX_LINE_CHARS)}`);
    }
    if (count === 0) continue;
    if (count > MAX_MATCHES_PER_FILE && lines.length < MAX_TEXT_MATCHES) lines.push(`${file}: ... ${count - MAX_MATCHES_PER_FILE} more matches in this file`);
    total += count;
    matchedFiles++;
  }
  return { lines, total, files: matchedFiles };
}

function noAst(name: string): ToolResult {
  return failed(`${name} needs the AST index, which is turned off (start the engine with --ast).`);
}

/** Definitions by name; a typo gets the closest name, as @definition does. */
function lookup(index: AstIndex, symbol: string): FoundDefinition[] {
  const found = findDefinitions(index, symbol, 10);
  const exact = found.filter((f) => f.match !== 'fuzzy');
  if (exact.length) return exact;
  const best = found[0];
  return best ? found.filter((f) => f.definition.name === best.definition.name) : [];
}

export async function symbolDefinitionTool(args: ToolArgs, ctx: ToolContext, deps: SearchToolDeps): Promise<ToolResult> {
  if (!deps.ast) return noAst('search_symbol_definition');
  const files: ChatContextFile[] = [];
  const lines: string[] = [];
  for (const symbol of commaList(str(args, 'symbols'))) {
    const defs = lookup(deps.ast.index, symbol);
    if (!defs.length) {
      lines.push(`${symbol}: no definition found in the index`);
      continue;
    }
    for (const { file, definition: d, match } of defs) {
      const [allowed] = await allowedFiles(deps.privacy, [file], ctx);
      if (!allowed) continue;
      const text = await deps.readText(file);
      if (text === null) continue;
      const line2 = Math.max(d.declLine1, d.bodyLine2 > 0 ? d.bodyLine2 : d.declLine2);
      files.push({ file_name: file, file_content: text.split('\n').slice(d.declLine1 - 1, line2).join('\n'), line1: d.declLine1, line2 });
      lines.push(`${symbol}: ${d.path} in ${file}:${d.declLine1}-${line2}${match === 'fuzzy' ? ` (closest name to '${symbol}')` : ''}`);
    }
  }
  return { ok: files.length > 0, content: lines.join('\n') || 'No symbols given.', contextFiles: files };
}

export async function symbolUsagesTool(args: ToolArgs, ctx: ToolContext, deps: SearchToolDeps): Promise<ToolResult> {
  if (!deps.ast) return noAst('search_symbol_usages');
  const lines: string[] = [];
  let found = 0;
  for (const symbol of commaList(str(args, 'symbols'))) {
    const defs = lookup(deps.ast.index, symbol);
    const usages = defs.flatMap((d) => findUsages(deps.ast!.index, deps.ast!.resolver, d.definition.path, 200));
    const visible = new Set(await allowedFiles(deps.privacy, [...new Set(usages.map((u) => u.file))], ctx));
    const shown = usages.filter((u) => visible.has(u.file));
    if (!shown.length) {
      lines.push(`${symbol}: no usages found`);
      continue;
    }
    found += shown.length;
    lines.push(`${symbol}: ${shown.length} usages`);
    for (const u of shown.slice(0, 50)) lines.push(`  ${u.file}:${u.usage.line}`);
  }
  return { ok: found > 0, content: lines.join('\n') || 'No symbols given.' };
}

export async function searchSemanticTool(args: ToolArgs, ctx: ToolContext, deps: SearchToolDeps): Promise<ToolResult> {
  if (!deps.retrieval) return failed('search_semantic needs the search index, which is turned off (start the engine with --vecdb).');
  const scope = await scopeFiles(str(args, 'scope'), ctx, deps);
  if (typeof scope === 'string') return failed(scope);
  const inScope = new Set(scope);
  const files: ChatContextFile[] = [];
  const lines: string[] = [];
  for (const query of commaList(str(args, 'queries'))) {
    const result = await deps.retrieval.search(query, 20);
    const hits = result.results.filter((h) => inScope.has(h.file_path)).slice(0, 8);
    lines.push(`${query}: ${hits.length} results`);
    for (const hit of hits) {
      const text = await deps.readText(hit.file_path);
      if (text === null) continue;
      const [line1, line2] = [hit.start_line + 1, hit.end_line + 1];
      files.push({ file_name: hit.file_path, file_content: text.split('\n').slice(line1 - 1, line2).join('\n'), line1, line2 });
      lines.push(`  ${hit.file_path}:${line1}-${line2}`);
    }
  }
  return { ok: files.length > 0, content: lines.join('\n'), contextFiles: files };
}
