/**
 * Runs the @-commands of a chat message: `@file` (with `:L1-L2` and path repair),
 * `@definition` and `@references` (the AST index), `@tree` (the workspace tree), `@search`
 * (retrieval) and `@web` (a page fetched and turned into text). Each command yields context
 * files or plain text, a highlight for the GUI, and what replaces it in the message. Every file
 * passes the privacy rules before its text is taken; a refused file is left out with a warning
 * that says why. Expected failures (no such file, index off, offline) are reasons, not throws.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { convert } from 'html-to-text';
import { AstIndex } from '../../core/ast/ast-index';
import { findDefinitions, findUsages, fuzzyDefinitions, type FoundDefinition } from '../../core/ast/queries';
import type { Resolver } from '../../core/ast/resolve';
import { renderTree, workspaceTree, type TreeInput, type WorkspaceTree } from '../../core/ast/workspace-tree';
import { formatLineRange, resolveLineRange, sliceLines, splitLineRange, countLines } from '../../core/chat/at-commands/line-range';
import { completeAtCommand, type CompletionAnswer, type ParamSpec } from '../../core/chat/at-commands/completion';
import { applyClips, findCommands, type AtMember, type Clip } from '../../core/chat/at-commands/parse';
import { nameIndex, repairPath, shortPath, type NameEntry } from '../../core/chat/at-commands/path-repair';
import type { PrivacyVerdict } from '../../core/privacy';
import type { ChatContextFile } from '../../../src/protocol/chat';
import type { VdbSearchResult } from '../../../src/protocol/workspace';
import type { Logger } from '../logger';
import type { PrivacyService } from '../privacy';

/** The part of the AST index service the commands use. */
export interface AtAstSource {
  readonly index: AstIndex;
  readonly resolver: Resolver;
  tree(options?: Omit<TreeInput, 'roots'>): WorkspaceTree;
}

export interface WebPage {
  url: string;
  status: number;
  contentType: string;
  body: string;
}

export interface AtCommandsDeps {
  folders: () => readonly string[];
  /** Absolute paths of the workspace's files (the service keeps them for a few seconds). */
  listFiles: () => Promise<string[]>;
  /** A file's text: the editor's unsaved text when it is open, else the disk's; null if unreadable. */
  readText: (path: string) => Promise<string | null>;
  ast: AtAstSource | null;
  retrieval: { search(query: string, topN: number): Promise<VdbSearchResult> } | null;
  privacy: PrivacyService;
  /** Fetches a page for `@web`; defaults to `fetch` with a time limit. */
  fetchPage?: (url: string, signal: AbortSignal) => Promise<WebPage>;
  logger?: Logger;
  fileListTtlMs?: number;
}

export interface AtExecuteOptions {
  signal?: AbortSignal;
  /** The model runs on a server the user controls (privacy's `only_send_to_servers_I_control`). */
  modelIsLocal: boolean;
  /** Results per command (files for @search, definitions, usages). */
  topN?: number;
}

export interface AtExecution {
  /** The message text with each command replaced as Refact does. */
  text: string;
  contextFiles: ChatContextFile[];
  plainTexts: string[];
  highlights: AtMember[];
  warnings: string[];
}

interface Run {
  args: AtMember[];
  cmd: AtMember;
  opts: Required<Pick<AtExecuteOptions, 'modelIsLocal' | 'topN'>> & { signal: AbortSignal };
  allowed: (path: string) => PrivacyVerdict;
  out: AtExecution;
}

/** What a handler produced: the text that replaces the command, and how many arguments it used. */
interface Done {
  clip: string;
  used: number;
}

const DEFAULT_TOP_N = 10;
/** A file larger than this is cut: one @file must not take the whole window on its own. */
const MAX_FILE_CHARS = 200_000;
const MAX_WEB_CHARS = 100_000;
const WEB_TIMEOUT_MS = 15_000;
const USAGE_CONTEXT_LINES = 2;

export class AtCommandsService {
  private fileList: { at: number; files: Promise<string[]>; refreshing: boolean } | null = null;
  private nameCache: { files: readonly string[]; names: NameEntry[] } | null = null;

  constructor(private readonly deps: AtCommandsDeps) {}

  /** Command names available now (`@definition`/`@references` need the AST index, `@search` retrieval). */
  names(): string[] {
    return ['@file', '@tree', '@web', ...(this.deps.ast ? ['@definition', '@references'] : []), ...(this.deps.retrieval ? ['@search'] : [])];
  }

  /** `/v1/at-command-completion`: command names, file paths and symbols for what is typed. */
  async complete(query: string, cursor: number, topN: number): Promise<CompletionAnswer> {
    const file: ParamSpec = { valid: (v) => v.trim() !== '' && !/^:(\d+)?-?(\d+)?$/.test(v), complete: (v, n) => this.completePath(v, n), completeWhenValid: true };
    const symbol: ParamSpec = {
      valid: (v) => (this.deps.ast ? findDefinitions(this.deps.ast.index, v, 1).some((f) => f.match !== 'fuzzy') : false),
      complete: async (v, n) => (this.deps.ast && v ? [...new Set(fuzzyDefinitions(this.deps.ast.index, v, n * 4).map((f) => f.definition.name))].slice(0, n) : []),
      completeWhenValid: false,
    };
    const url: ParamSpec = { valid: (v) => /^https?:\/\/\S+$/.test(v), complete: async () => [], completeWhenValid: false };
    const all: Record<string, ParamSpec[]> = { '@file': [file], '@definition': [symbol], '@references': [symbol], '@tree': [], '@search': [], '@web': [url] };
    const available = Object.fromEntries(this.names().map((name) => [name, all[name]!]));
    return completeAtCommand(query, cursor, available, topN);
  }

  private async completePath(typed: string, topN: number): Promise<string[]> {
    const roots = this.deps.folders();
    const { path, range } = splitLineRange(typed);
    const files = await this.files();
    if (path.trim() === '') return [...files].sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, topN).map((f) => shortPath(f, roots));
    const repair = repairPath({ query: path, files, roots, limit: topN, names: this.namesOf(files) });
    const paths = repair.kind === 'exact' ? [repair.path] : repair.kind === 'none' ? [] : repair.paths;
    return paths.map((p) => shortPath(p, roots) + formatLineRange(range));
  }

  /**
   * Workspace files. Listing runs git and stats every file, so the list is kept: a request
   * older than a few seconds gets the kept list at once and starts a fresh listing beside it.
   */
  files(): Promise<string[]> {
    const now = Date.now();
    if (!this.fileList) this.fileList = { at: now, files: this.listNow(), refreshing: false };
    else if (now - this.fileList.at > (this.deps.fileListTtlMs ?? 5000) && !this.fileList.refreshing) {
      const kept = this.fileList;
      kept.refreshing = true;
      void this.listNow().then((files) => {
        if (this.fileList === kept) this.fileList = { at: Date.now(), files: Promise.resolve(files), refreshing: false };
      });
    }
    return this.fileList.files;
  }

  /** The lower-cased names of the kept listing, made once per listing. */
  private namesOf(files: readonly string[]): NameEntry[] {
    if (this.nameCache?.files !== files) this.nameCache = { files, names: nameIndex(files) };
    return this.nameCache.names;
  }

  private listNow(): Promise<string[]> {
    return this.deps.listFiles().catch((error) => {
      this.deps.logger?.warn(`at-commands: cannot list workspace files: ${(error as Error).message}`);
      return [];
    });
  }

  async execute(text: string, options: AtExecuteOptions): Promise<AtExecution> {
    const out: AtExecution = { text, contextFiles: [], plainTexts: [], highlights: [], warnings: [] };
    // Every command is parsed, also those whose index is off, so the user is told why.
    const commands = findCommands(text);
    if (commands.length === 0) return out;
    const allowed = await this.deps.privacy.checker(options.modelIsLocal);
    const opts = { modelIsLocal: options.modelIsLocal, topN: options.topN ?? DEFAULT_TOP_N, signal: options.signal ?? new AbortController().signal };
    const clips: Clip[] = [];
    for (const { cmd, args } of commands) {
      const run: Run = { cmd, args, opts, allowed, out };
      let done: Done | string;
      try {
        done = await this.handler(cmd.text)(run);
      } catch (error) {
        done = `${cmd.text} failed: ${(error as Error).message}`;
      }
      if (typeof done === 'string') {
        cmd.ok = false;
        cmd.reason = done;
        out.warnings.push(done);
        out.highlights.push(cmd, ...args.slice(0, 1));
        continue;
      }
      const used = args.slice(0, done.used);
      out.highlights.push(cmd, ...used);
      clips.push({ pos1: cmd.pos1, pos2: used.length ? used[used.length - 1]!.pos2 : cmd.pos2, text: done.clip });
    }
    out.text = applyClips(text, clips);
    return out;
  }

  private handler(name: string): (run: Run) => Promise<Done | string> {
    switch (name) {
      case '@file': return (run) => this.file(run);
      case '@definition': return (run) => this.definition(run);
      case '@references': return (run) => this.references(run);
      case '@tree': return (run) => this.tree(run);
      case '@search': return (run) => this.search(run);
      case '@web': return (run) => this.web(run);
      default: return async () => `unknown command ${name}`;
    }
  }

  /** Resolves a typed path to one workspace file, or says why not (with the closest names). */
  async resolvePath(typed: string): Promise<{ ok: true; path: string } | { ok: false; reason: string }> {
    const roots = this.deps.folders();
    const direct = await this.directPath(typed, roots);
    if (direct) return { ok: true, path: direct };
    const files = await this.files();
    const repair = repairPath({ query: typed, files, roots, names: this.namesOf(files) });
    if (repair.kind === 'exact') return { ok: true, path: repair.path };
    if (repair.kind === 'none') return { ok: false, reason: `The path '${typed}' does not exist. There are no similar names either.` };
    // The closest name is taken, as Refact's path correction does, unless others are as close.
    if (repair.kind === 'fuzzy' && repair.confident) return { ok: true, path: repair.paths[0]! };
    const names = repair.paths.map((p) => shortPath(p, roots)).join(', ');
    return repair.kind === 'suffix'
      ? { ok: false, reason: `The path '${typed}' is ambiguous. It could be: ${names}` }
      : { ok: false, reason: `The path '${typed}' does not exist. There are paths with similar names: ${names}` };
  }

  /**
   * A path that names a file as typed (relative to a root, or absolute), also one the kept
   * listing does not have yet. It must stay inside a root, symbolic links resolved.
   */
  private async directPath(typed: string, roots: readonly string[]): Promise<string | null> {
    for (const root of roots) {
      const path = resolve(root, typed);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) continue;
      const [real, realRoot] = await Promise.all([realpath(path).catch(() => null), realpath(root).catch(() => root)]);
      if (real && real.startsWith(`${realRoot}/`)) return path;
    }
    return null;
  }

  private async file(run: Run): Promise<Done | string> {
    const arg = run.args.find((a) => a.text.trim() !== '');
    if (!arg) return '@file needs a file name';
    const { path: typed, range } = splitLineRange(arg.text);
    const resolved = await this.resolvePath(typed);
    if (!resolved.ok) return this.argFailed(run, arg, resolved.reason);
    const added = await this.addFile(run, resolved.path, (text) => resolveLineRange(range, countLines(text)));
    if (typeof added === 'string') return this.argFailed(run, arg, added);
    const short = shortPath(resolved.path, this.deps.folders()) + formatLineRange(range);
    // At the start of a message the command is only an attachment; inside a sentence the path reads on.
    return { clip: run.cmd.pos1 === 0 ? '' : short, used: run.args.indexOf(arg) + 1 };
  }

  /** Adds lines of a file as context, after the privacy check; a string says why it was not added. */
  private async addFile(run: Run, path: string, lines: (text: string) => { line1: number; line2: number }): Promise<ChatContextFile | string> {
    const verdict = run.allowed(path);
    if (!verdict.allowed) return verdict.reason;
    const text = await this.deps.readText(path);
    if (text === null) return `cannot read ${path}`;
    const range = lines(text);
    let content = sliceLines(text, range);
    if (content.length > MAX_FILE_CHARS) {
      content = content.slice(0, MAX_FILE_CHARS);
      run.out.warnings.push(`${path}: only the first ${MAX_FILE_CHARS} characters of lines ${range.line1}-${range.line2} were attached`);
    }
    const file: ChatContextFile = { file_name: path, file_content: content, ...range };
    run.out.contextFiles.push(file);
    return file;
  }

  private argFailed(run: Run, arg: AtMember, reason: string): string {
    arg.ok = false;
    arg.reason = reason;
    return reason;
  }

  private symbolArg(run: Run, command: string): { ast: AtAstSource; arg: AtMember } | string {
    const ast = this.deps.ast;
    if (!ast) return `${command} needs the AST index, which is turned off (start the engine with --ast)`;
    const arg = run.args[0];
    if (!arg) return `${command} needs a symbol name`;
    return { ast, arg };
  }

  /** Definitions by exact, qualified or plain name; when none, the closest name (a typo repaired). */
  private lookup(ast: AtAstSource, symbol: string, limit: number): FoundDefinition[] {
    const found = findDefinitions(ast.index, symbol, limit);
    const exact = found.filter((f) => f.match !== 'fuzzy');
    if (exact.length) return exact;
    const best = found[0];
    return best ? found.filter((f) => f.definition.name === best.definition.name) : [];
  }

  private async definition(run: Run): Promise<Done | string> {
    const found = this.symbolArg(run, '@definition');
    if (typeof found === 'string') return found;
    const defs = this.lookup(found.ast, found.arg.text, run.opts.topN);
    if (defs.length === 0) return this.argFailed(run, found.arg, `no definition of '${found.arg.text}' in the index`);
    let added = 0;
    for (const { file, definition: d } of defs) {
      const line2 = d.bodyLine2 > 0 ? d.bodyLine2 : d.declLine2;
      const result = await this.addFile(run, file, () => ({ line1: d.declLine1, line2: Math.max(d.declLine1, line2) }));
      if (typeof result === 'string') run.out.warnings.push(result);
      else added++;
    }
    if (added === 0) return this.argFailed(run, found.arg, `every definition of '${found.arg.text}' is in a file privacy rules keep from this model`);
    return { clip: found.arg.text, used: 1 };
  }

  private async references(run: Run): Promise<Done | string> {
    const found = this.symbolArg(run, '@references');
    if (typeof found === 'string') return found;
    const defs = this.lookup(found.ast, found.arg.text, run.opts.topN);
    if (defs.length === 0) return this.argFailed(run, found.arg, `no definition of '${found.arg.text}' in the index`);
    const usages = defs.flatMap((d) => findUsages(found.ast.index, found.ast.resolver, d.definition.path, 200));
    if (usages.length === 0) return this.argFailed(run, found.arg, `no usages of '${found.arg.text}' found`);
    const byFile = new Map<string, number[]>();
    for (const u of usages) byFile.set(u.file, [...(byFile.get(u.file) ?? []), u.usage.line]);
    for (const [file, lines] of [...byFile].slice(0, run.opts.topN)) {
      // Nearby usages share one excerpt.
      const ranges: { line1: number; line2: number }[] = [];
      for (const line of [...new Set(lines)].sort((a, b) => a - b)) {
        const last = ranges[ranges.length - 1];
        if (last && line - USAGE_CONTEXT_LINES <= last.line2 + 1) last.line2 = line + USAGE_CONTEXT_LINES;
        else ranges.push({ line1: Math.max(1, line - USAGE_CONTEXT_LINES), line2: line + USAGE_CONTEXT_LINES });
      }
      for (const range of ranges) {
        const result = await this.addFile(run, file, (text) => resolveLineRange(range, countLines(text)));
        if (typeof result === 'string') {
          run.out.warnings.push(result);
          break;
        }
      }
    }
    return { clip: found.arg.text, used: 1 };
  }

  private async tree(run: Run): Promise<Done | string> {
    const roots = this.deps.folders();
    if (roots.length === 0) return '@tree: the engine has no workspace folder';
    // Names of blocked files are left out too: their existence can be a secret.
    const files = (await this.files()).filter((f) => run.allowed(f).allowed);
    const under = run.args[0] ? folderNamed(run.args[0].text, roots, files) : undefined;
    const tree = this.deps.ast ? this.deps.ast.tree({ files, under }) : workspaceTree(new AstIndex(), { roots, files, under, limits: { symbols: false } });
    run.out.plainTexts.push(renderTree(tree));
    return { clip: '', used: under ? 1 : 0 };
  }

  private async search(run: Run): Promise<Done | string> {
    const query = run.args.map((a) => a.text).join(' ').trim();
    if (!this.deps.retrieval) return '@search needs the search index, which is turned off (start the engine with --vecdb)';
    if (query === '') return '@search needs a query';
    const result = await this.deps.retrieval.search(query, run.opts.topN * 2);
    const files = new Set<string>();
    for (const hit of result.results) {
      if (files.size >= run.opts.topN && !files.has(hit.file_path)) continue;
      const added = await this.addFile(run, hit.file_path, (text) => resolveLineRange({ line1: hit.start_line + 1, line2: hit.end_line + 1 }, countLines(text)));
      if (typeof added === 'string') run.out.warnings.push(added);
      else files.add(hit.file_path);
    }
    if (files.size === 0) return `@search found nothing for '${query}'`;
    return { clip: query, used: run.args.length };
  }

  private async web(run: Run): Promise<Done | string> {
    const arg = run.args[0];
    if (!arg) return '@web needs a URL';
    let url: URL;
    try {
      url = new URL(arg.text);
    } catch {
      return this.argFailed(run, arg, `'${arg.text}' is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return this.argFailed(run, arg, `@web fetches http and https pages only, not ${url.protocol}`);
    const signal = AbortSignal.any([run.opts.signal, AbortSignal.timeout(WEB_TIMEOUT_MS)]);
    let page: WebPage;
    try {
      page = await (this.deps.fetchPage ?? fetchPage)(url.href, signal);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      return this.argFailed(run, arg, `cannot fetch ${url.href}: ${why} (is this machine offline?)`);
    }
    if (page.status >= 400) return this.argFailed(run, arg, `${url.href} answered HTTP ${page.status}`);
    let text = /html|xml/i.test(page.contentType) || /^\s*</.test(page.body) ? pageToText(page.body) : page.body;
    if (text.length > MAX_WEB_CHARS) text = `${text.slice(0, MAX_WEB_CHARS)}\n[page cut at ${MAX_WEB_CHARS} characters]`;
    run.out.plainTexts.push(`${page.url}\n\n${text.trim()}`);
    return { clip: url.href, used: 1 };
  }
}

/**
 * The folder `@tree` is asked for: below a root as written, else the shortest folder whose path
 * ends with it (`geometry` for `src/geometry`); undefined when the word names no folder, and
 * then it is not the command's argument.
 */
function folderNamed(typed: string, roots: readonly string[], files: readonly string[]): string | undefined {
  const wanted = typed.replace(/^\.?\/+|\/+$/g, '');
  if (wanted === '') return undefined;
  const holds = (dir: string) => files.some((f) => f.startsWith(`${dir}/`));
  const rooted = roots.map((r) => `${r.replace(/\/+$/, '')}/${wanted}`).find(holds);
  if (rooted) return rooted;
  let best: string | undefined;
  for (const file of files) {
    const at = file.indexOf(`/${wanted}/`);
    if (at < 0) continue;
    const dir = file.slice(0, at + wanted.length + 1);
    if (roots.some((r) => dir.startsWith(`${r.replace(/\/+$/, '')}/`)) && (!best || dir.length < best.length)) best = dir;
  }
  return best;
}

/** Bytes of a page read at most: a page is read for its text, and a huge one must not fill memory. */
const MAX_WEB_BYTES = 4 * 1024 * 1024;

async function fetchPage(url: string, signal: AbortSignal): Promise<WebPage> {
  const response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.5' } });
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader && size < MAX_WEB_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader?.cancel().catch(() => undefined);
  const body = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_WEB_BYTES));
  return { url: response.url || url, status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

/** Readable text of an HTML page: scripts, styles and navigation left out, links kept as text. */
export function pageToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
    ],
  });
}
