/**
 * Splits a file into retrieval chunks. With a syntax tree (`FileAst`): each top-level
 * declaration that fits the window is one chunk; a class that does not fit gives a skeleton
 * chunk (its signature and its members' signatures) and then its members, each by the same
 * rule; a body that still does not fit is cut into line windows with a small overlap. Lines
 * outside any declaration (imports, top-level statements) are windowed as plain text. Without a
 * tree, Markdown is cut at headings and other text at blank lines, then windowed. Windows are
 * counted in the embedding model's own tokens through `countTokens`.
 *
 * Lines are 0-based and inclusive, as Refact reports them in `/v1/vdb-search`.
 */
import { CLASS_LIKE, type AstDefinition, type FileAst } from '../ast/types';

export type ChunkKind = 'declaration' | 'skeleton' | 'window' | 'text' | 'markdown';

export interface Chunk {
  line1: number;
  line2: number;
  kind: ChunkKind;
  /** Official path of the declaration the chunk shows, '' for plain windows. */
  symbol: string;
  text: string;
}

export interface ChunkOptions {
  /** Most tokens in one chunk (Refact: the embedding model's n_ctx / 2). */
  windowTokens: number;
  /** Lines repeated between consecutive windows of one long body. */
  overlapLines: number;
  countTokens: (text: string) => number;
}

export const DEFAULT_CHUNK_OPTIONS: Omit<ChunkOptions, 'countTokens'> = { windowTokens: 256, overlapLines: 3 };

/** Refact's "fake" tokenizer: about 3.5 characters per token, used when no model tokenizer is known. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

const CHUNKED_KINDS = new Set(['function', 'method', 'class', 'struct', 'interface', 'enum', 'trait', 'namespace', 'type_alias']);

export function chunkFile(text: string, ast: FileAst | null, options: ChunkOptions, path = ''): Chunk[] {
  const lines = text.split('\n');
  if (ast && ast.definitions.length > 0) return new AstSplitter(lines, ast, options).split();
  if (/\.(md|markdown|mdx|rst)$/i.test(path)) return markdownChunks(lines, options);
  return paragraphChunks(lines, 0, lines.length - 1, options, 'text');
}

class AstSplitter {
  private readonly children = new Map<string, AstDefinition[]>();
  private readonly chunks: Chunk[] = [];
  private readonly lineTokens: number[];

  constructor(
    private readonly lines: string[],
    private readonly ast: FileAst,
    private readonly options: ChunkOptions,
  ) {
    this.lineTokens = lines.map((line) => (line.trim() ? options.countTokens(line) + 1 : 1));
    const known = new Set(ast.definitions.map((d) => d.path));
    for (const def of ast.definitions) {
      if (!CHUNKED_KINDS.has(def.kind)) continue;
      const parent = def.parent !== null && known.has(def.parent) ? def.parent : ast.filePath;
      const list = this.children.get(parent) ?? [];
      list.push(def);
      this.children.set(parent, list);
    }
  }

  split(): Chunk[] {
    const covered = this.splitMembers(this.ast.filePath, 0, this.lines.length - 1);
    this.windowGaps(covered, 0, this.lines.length - 1);
    return this.chunks.sort((a, b) => a.line1 - b.line1 || a.line2 - b.line2 || kindOrder(a.kind) - kindOrder(b.kind));
  }

  /** Chunks the declarations under `parent` that lie within [from, to]; returns the line ranges they cover. */
  private splitMembers(parent: string, from: number, to: number): [number, number][] {
    const covered: [number, number][] = [];
    const defs = (this.children.get(parent) ?? []).filter((d) => d.declLine1 - 1 >= from && end(d) - 1 <= to).sort((a, b) => a.declLine1 - b.declLine1);
    let lastEnd = from - 1;
    for (const def of defs) {
      let line1 = def.declLine1 - 1;
      const line2 = end(def) - 1;
      // Nested inside an earlier sibling (a function in a function): already chunked with it.
      if (line1 <= lastEnd) continue;
      line1 = this.withLeadingComments(line1, lastEnd + 1);
      this.splitDefinition(def, line1, line2);
      covered.push([line1, line2]);
      lastEnd = line2;
    }
    return covered;
  }

  private splitDefinition(def: AstDefinition, line1: number, line2: number): void {
    if (this.tokens(line1, line2) <= this.options.windowTokens) {
      this.chunks.push({ line1, line2, kind: 'declaration', symbol: def.path, text: this.text(line1, line2) });
      return;
    }
    const members = this.children.get(def.path) ?? [];
    if ((CLASS_LIKE.has(def.kind) || def.kind === 'namespace') && members.length > 0) {
      // The skeleton claims only the declaration's head lines, so that merging search hits
      // does not widen a member's hit to the whole class.
      const skeleton = this.skeleton(def);
      const head2 = Math.max(line1, Math.min(line2, def.declLine2 - 1));
      for (const piece of windowText(skeleton, line1, head2, this.options)) this.chunks.push({ ...piece, kind: 'skeleton', symbol: def.path });
      const covered = this.splitMembers(def.path, line1, line2);
      // What lies between members (fields, the class line itself) is in the skeleton already.
      void covered;
      return;
    }
    for (const piece of this.windows(line1, line2)) this.chunks.push({ ...piece, kind: 'window', symbol: def.path });
  }

  /** Doc comments, decorators and attributes right above a declaration belong to it. */
  private withLeadingComments(line1: number, floor: number): number {
    let start = line1;
    while (start - 1 >= floor && /^\s*(\/\/|\/\*|\*|#|@|"""|''')/.test(this.lines[start - 1]!) && !/^\s*#\s*(include|import|define|if|endif|pragma)\b/.test(this.lines[start - 1]!)) start--;
    return start;
  }

  private windowGaps(covered: [number, number][], from: number, to: number): void {
    let next = from;
    const flush = (gapEnd: number) => {
      if (gapEnd >= next) this.chunks.push(...paragraphChunks(this.lines, next, gapEnd, this.options, 'window', this.lineTokens));
    };
    for (const [line1, line2] of covered.sort((a, b) => a[0] - b[0])) {
      flush(line1 - 1);
      next = Math.max(next, line2 + 1);
    }
    flush(to);
  }

  /** The declaration's line, then its members' signatures, bodies elided. */
  private skeleton(def: AstDefinition): string {
    const indentOf = (line: number) => /^\s*/.exec(this.lines[line] ?? '')![0];
    const out: string[] = [];
    const head = this.lines.slice(def.declLine1 - 1, Math.max(def.declLine2, def.declLine1)).join('\n');
    out.push(head);
    const members = [...(this.children.get(def.path) ?? [])].sort((a, b) => a.declLine1 - b.declLine1);
    for (const member of members) out.push(`${indentOf(member.declLine1 - 1)}${member.signature}${member.bodyLine1 > 0 ? ' ...' : ''}`);
    const last = end(def) - 1;
    if (last > def.declLine2 - 1) out.push(this.lines[last]!.trim() ? this.lines[last]! : '');
    return out.join('\n');
  }

  private windows(line1: number, line2: number): Omit<Chunk, 'kind' | 'symbol'>[] {
    return lineWindows(this.lines, line1, line2, this.options, this.lineTokens);
  }

  private tokens(line1: number, line2: number): number {
    let sum = 0;
    for (let i = line1; i <= line2; i++) sum += this.lineTokens[i]!;
    return sum;
  }

  private text(line1: number, line2: number): string {
    return this.lines.slice(line1, line2 + 1).join('\n');
  }
}

function end(def: AstDefinition): number {
  return Math.max(def.declLine2, def.bodyLine2, def.declLine1);
}

function kindOrder(kind: ChunkKind): number {
  return kind === 'skeleton' ? 0 : 1;
}

/** Consecutive lines up to the window, the next window starting `overlapLines` before the last one ended. */
export function lineWindows(lines: readonly string[], line1: number, line2: number, options: ChunkOptions, lineTokens?: readonly number[]): Omit<Chunk, 'kind' | 'symbol'>[] {
  const cost = (i: number) => lineTokens?.[i] ?? (lines[i]!.trim() ? options.countTokens(lines[i]!) + 1 : 1);
  const out: Omit<Chunk, 'kind' | 'symbol'>[] = [];
  let start = line1;
  while (start <= line2) {
    while (start <= line2 && !lines[start]!.trim()) start++;
    if (start > line2) break;
    let stop = start;
    let sum = cost(start);
    while (stop + 1 <= line2 && sum + cost(stop + 1) <= options.windowTokens) sum += cost(++stop);
    let last = stop;
    while (last > start && !lines[last]!.trim()) last--;
    out.push({ line1: start, line2: last, text: lines.slice(start, last + 1).join('\n') });
    if (stop >= line2) break;
    // Short windows overlap less, so that each line is repeated at most once or so.
    const overlap = Math.min(options.overlapLines, Math.floor((stop - start) / 3));
    start = stop + 1 - overlap;
  }
  return out;
}

/** Paragraphs (blank-line separated) packed into windows; a paragraph over the window is windowed by lines. */
export function paragraphChunks(lines: readonly string[], line1: number, line2: number, options: ChunkOptions, kind: ChunkKind, lineTokens?: readonly number[]): Chunk[] {
  const cost = (i: number) => lineTokens?.[i] ?? (lines[i]!.trim() ? options.countTokens(lines[i]!) + 1 : 1);
  const out: Chunk[] = [];
  let start = -1;
  let sum = 0;
  let lastText = -1;
  const flush = () => {
    if (start >= 0 && lastText >= start) out.push({ line1: start, line2: lastText, kind, symbol: '', text: lines.slice(start, lastText + 1).join('\n') });
    start = -1;
    sum = 0;
  };
  for (let i = line1; i <= line2; i++) {
    const blank = !lines[i]!.trim();
    if (start < 0) {
      if (blank) continue;
      start = i;
    }
    const c = cost(i);
    if (sum + c > options.windowTokens) {
      if (blank) {
        flush();
        continue;
      }
      // Over the window in the middle of a paragraph: close at the last blank line if there is one.
      let cut = -1;
      for (let j = i - 1; j > start; j--) if (!lines[j]!.trim()) {
        cut = j;
        break;
      }
      if (cut > start) {
        const resume = cut + 1;
        lastText = cut - 1;
        while (lastText > start && !lines[lastText]!.trim()) lastText--;
        flush();
        i = resume - 1;
        continue;
      }
      // One long paragraph: window it by lines, overlap included.
      let paraEnd = i;
      while (paraEnd + 1 <= line2 && lines[paraEnd + 1]!.trim()) paraEnd++;
      for (const piece of lineWindows(lines, start, paraEnd, options, lineTokens)) out.push({ ...piece, kind, symbol: '' });
      start = -1;
      sum = 0;
      i = paraEnd;
      continue;
    }
    sum += c;
    if (!blank) lastText = i;
  }
  flush();
  return out;
}

/** Markdown sections at headings, each packed like paragraphs; the heading path is not repeated. */
function markdownChunks(lines: readonly string[], options: ChunkOptions): Chunk[] {
  const out: Chunk[] = [];
  let sectionStart = 0;
  let fenced = false;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && /^\s*(```|~~~)/.test(lines[i]!)) fenced = !fenced;
    const heading = i < lines.length && !fenced && /^#{1,6}\s/.test(lines[i]!);
    if ((heading && i > sectionStart) || i === lines.length) {
      out.push(...paragraphChunks(lines, sectionStart, i - 1, options, 'markdown'));
      sectionStart = i;
    }
  }
  return out;
}

/** Cuts a made-up text (a skeleton) into windows; all pieces keep the declaration's line range. */
function windowText(text: string, line1: number, line2: number, options: ChunkOptions): Omit<Chunk, 'kind' | 'symbol'>[] {
  const lines = text.split('\n');
  return lineWindows(lines, 0, lines.length - 1, options).map((piece) => ({ line1, line2, text: piece.text }));
}
