/**
 * The `parse` worker task: web-tree-sitter parses a file and the pure core extracts its
 * definitions and usages. The parser and each grammar are loaded once per worker, on first use.
 * Called directly in tests, and by name through the worker pool in the engine.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { GRAMMAR_FILES } from '../core/ast/languages';
import { extractFromTree, precheck, type ParseInput } from '../core/ast/parse-file';
import type { SyntaxNode } from '../core/ast/syntax';
import type { LanguageId, ParseOutcome } from '../core/ast/types';

export type { ParseInput } from '../core/ast/parse-file';

interface Runtime {
  parser: Parser;
  languages: Map<LanguageId, Promise<Language>>;
}

// The sanctioned per-worker cache: the wasm runtime and grammars, loaded lazily, kept for the worker's life.
let runtime: Promise<Runtime> | null = null;

/** Finds a wasm file: beside the bundle (`dist/server/grammars/`), else in node_modules when run from sources. */
export function locateWasm(pkg: string, file: string): string {
  const bundled = join(__dirname, '..', 'grammars', file);
  if (existsSync(bundled)) return bundled;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg, file);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`cannot find ${pkg}/${file} beside the engine or in node_modules`);
}

function getRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    const wasm = locateWasm('web-tree-sitter', 'web-tree-sitter.wasm');
    await Parser.init({ locateFile: () => wasm });
    return { parser: new Parser(), languages: new Map() };
  })();
  runtime.catch(() => (runtime = null));
  return runtime;
}

function getLanguage(rt: Runtime, id: LanguageId): Promise<Language> {
  let language = rt.languages.get(id);
  if (!language) {
    const { pkg, file } = GRAMMAR_FILES[id];
    language = Language.load(locateWasm(pkg, file));
    language.catch(() => rt.languages.delete(id));
    rt.languages.set(id, language);
  }
  return language;
}

export async function parse(input: ParseInput): Promise<ParseOutcome> {
  const checked = precheck(input);
  if (!checked.ok) return checked;
  const { language, limits } = checked;
  const rt = await getRuntime();
  const deadline = performance.now() + limits.parseBudgetMs;
  try {
    rt.parser.setLanguage(await getLanguage(rt, language));
    const tree = rt.parser.parse(input.text, null, { progressCallback: () => performance.now() > deadline });
    if (!tree) return { ok: false, path: input.path, reason: 'parse-timeout', message: `parsing took over ${limits.parseBudgetMs} ms` };
    try {
      return extractFromTree(tree.rootNode as unknown as SyntaxNode, input, language, limits);
    } finally {
      tree.delete();
    }
  } catch (error) {
    // A grammar that throws may leave the parser in a bad state: start a fresh one next time.
    rt.parser.delete();
    rt.parser = new Parser();
    return { ok: false, path: input.path, reason: 'parse-failed', message: (error as Error).message };
  }
}

/** Parses several files in one task, which saves the per-task overhead on small files. */
export async function parseMany(input: { files: ParseInput[] }): Promise<ParseOutcome[]> {
  const outcomes: ParseOutcome[] = [];
  for (const file of input.files) outcomes.push(await parse(file));
  return outcomes;
}
