/**
 * The `chunk` worker task: parses a file (the same tree-sitter extraction as `parse`), splits it
 * into retrieval chunks, and computes what the indexes need from each chunk: its content hash,
 * its lexical term counts (code tokens of the text, plus the file path and the names it
 * declares, weighted up), and those declared names for symbol matching. Windows are counted in
 * the embedding model's tokens when its `tokenizer.json` is given, else estimated.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { chunkFile, estimateTokens, type ChunkKind } from '../core/retrieval/chunk';
import { countTerms } from '../core/retrieval/bm25';
import { codeTokens } from '../core/retrieval/code-tokens';
import type { FileAst } from '../core/ast/types';
import { parse } from './parse';

export interface ChunkInput {
  path: string;
  /** Workspace-relative path: official paths and path tokens are made from it. */
  relPath: string;
  text: string;
}

export interface ChunkSettings {
  windowTokens: number;
  overlapLines: number;
  /** The embedding model's `tokenizer.json`; null counts tokens by the 3.5-characters estimate. */
  tokenizer: string | null;
}

export interface ChunkRecord {
  line1: number;
  line2: number;
  kind: ChunkKind;
  symbol: string;
  text: string;
  /** sha1 of `text`: the chunk's identity, and the embedding cache key. */
  hash: string;
  terms: string[];
  counts: number[];
  /** Lowercased names declared in the chunk. */
  names: string[];
}

export interface ChunkedFile {
  path: string;
  chunks: ChunkRecord[];
  /** Why the syntax tree was not used (unsupported language, too large, ...), or ''. */
  plainBecause: string;
}

/** Path tokens and declared names weigh as much as this many mentions in the text. */
const PATH_WEIGHT = 2;
const NAME_WEIGHT = 3;

// The sanctioned per-worker cache: tokenizers by file, loaded on first use.
const tokenizers = new Map<string, Tokenizer>();

function counter(file: string | null): (text: string) => number {
  if (!file) return estimateTokens;
  let tokenizer = tokenizers.get(file);
  if (!tokenizer) {
    tokenizer = new Tokenizer(JSON.parse(readFileSync(file, 'utf8')) as object, {});
    tokenizers.set(file, tokenizer);
  }
  const t = tokenizer;
  return (text) => t.encode(text, { add_special_tokens: false }).ids.length;
}

export async function chunk(input: { file: ChunkInput; settings: ChunkSettings }): Promise<ChunkedFile> {
  const { file, settings } = input;
  const parsed = await parse({ path: file.path, text: file.text, relPath: file.relPath });
  const ast: FileAst | null = parsed.ok ? parsed.file : null;
  const countTokens = counter(settings.tokenizer);
  const pieces = chunkFile(file.text, ast, { windowTokens: settings.windowTokens, overlapLines: settings.overlapLines, countTokens }, file.path);
  const pathTokens = codeTokens(file.relPath);
  const chunks = pieces.map((piece): ChunkRecord => {
    const names = ast ? declaredNames(ast, piece.line1, piece.line2) : [];
    const counts = countTerms(codeTokens(piece.text));
    countTerms(pathTokens, PATH_WEIGHT, counts);
    for (const name of names) countTerms(codeTokens(name), NAME_WEIGHT, counts);
    return {
      ...piece,
      hash: createHash('sha1').update(piece.text).digest('hex'),
      terms: [...counts.keys()],
      counts: [...counts.values()],
      names: names.map((n) => n.toLowerCase()),
    };
  });
  return { path: file.path, chunks, plainBecause: parsed.ok ? '' : parsed.reason };
}

export async function chunkMany(input: { files: ChunkInput[]; settings: ChunkSettings }): Promise<ChunkedFile[]> {
  const out: ChunkedFile[] = [];
  for (const file of input.files) out.push(await chunk({ file, settings: input.settings }));
  return out;
}

/** Names of definitions whose declaration starts inside the chunk's lines (1-based in the AST). */
function declaredNames(ast: FileAst, line1: number, line2: number): string[] {
  const names: string[] = [];
  for (const def of ast.definitions) {
    const at = def.declLine1 - 1;
    if (at >= line1 && at <= line2 && def.name && def.kind !== 'variable') names.push(def.name);
  }
  return names;
}
