/**
 * The workspace's syntax index: lists the files, reuses what the store already knows (same size
 * and mtime, or same content hash), parses the rest in the worker pool, and keeps it current
 * from file-system batches, editor edits and folder changes. Work runs one job at a time, so a
 * scan and an update never race; the HTTP API is never blocked, it reads whatever is indexed.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { AstIndex } from '../core/ast/ast-index';
import { StringPool } from '../core/ast/intern';
import { decodeOutcome, encodeOutcome } from '../core/ast/outcome-codec';
import { isTransientOutcome, MAX_PARSE_ATTEMPTS, ParseFailures } from '../core/ast/parse-failures';
import type { ParseInput } from '../core/ast/parse-file';
import { Resolver } from '../core/ast/resolve';
import type { ParseOutcome } from '../core/ast/types';
import { workspaceTree, type TreeInput, type WorkspaceTree } from '../core/ast/workspace-tree';
import type { FileChange } from '../core/change-batcher';
import { looksBinary } from '../core/indexing-rules';
import type { AstState, AstStatus } from '../../src/protocol/workspace';
import { parseFiles, type ParseRunner } from './ast-tasks';
import type { DocumentsService } from './documents';
import { followWorkspace, type FileWatcher } from './file-watcher';
import { IndexStore, type FileStamp, type StoredFile } from './index-store';
import type { Logger } from './logger';
import { pathToUri, uriToPath, type WorkspaceService } from './workspace';
import type { WorkspaceFiles } from './workspace-files';

export interface AstIndexDeps {
  workspace: WorkspaceService;
  files: WorkspaceFiles;
  watcher: FileWatcher;
  documents: DocumentsService;
  pool: ParseRunner;
  cacheDir: string;
  /** Names the extractor build; stored outcomes from another build are parsed again. */
  contentVersion: string;
  logger: Logger;
}

export interface IndexProgress {
  state: AstState;
  done: number;
  total: number;
}

/** Files read and parsed per step: bounds memory and lets updates interleave with a long scan. */
const CHUNK = 128;
/** Editor edits are parsed once typing pauses this long. */
const EDIT_DEBOUNCE_MS = 150;

export class AstIndexService {
  readonly index = new AstIndex();
  readonly resolver = new Resolver(this.index);
  private readonly strings = new StringPool();
  private lastYield = 0;
  private readonly stores = new Map<string, IndexStore>();
  private readonly hashes = new Map<string, string>();
  private readonly failures = new ParseFailures();
  private retryQueued = false;
  private readonly editTimers = new Map<string, NodeJS.Timeout>();
  private readonly progressListeners = new Set<(progress: IndexProgress) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly abort = new AbortController();
  private jobs: Promise<void> = Promise.resolve();
  private state: AstState = 'starting';
  private filesTotal = 0;
  private unparsed = 0;
  private maxFilesHit = false;
  private roots: string[] = [];

  constructor(private readonly deps: AstIndexDeps) {}

  start(): void {
    const { watcher, documents, workspace } = this.deps;
    this.unsubscribe.push(
      watcher.onBatch((batch) => this.enqueue('file changes', () => this.applyChanges(batch))),
      documents.onEvent((event) => this.onDocument(event.kind, event.uri)),
      followWorkspace(workspace, watcher, () => this.enqueue('rescan', () => this.scan())),
    );
    this.enqueue('scan', () => this.scan());
  }

  status(): AstStatus {
    return {
      state: this.state,
      files_unparsed: this.unparsed,
      files_total: this.filesTotal,
      ast_index_files_total: this.index.fileCount,
      ast_index_symbols_total: this.index.definitionTotal,
      ast_index_usages_total: this.index.usageTotal,
      ast_max_files_hit: this.maxFilesHit,
      failed_files: this.failures.givenUp(),
    };
  }

  onProgress(listener: (progress: IndexProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** The indexed files under the workspace roots, with their symbols (for `@tree` and the tree tool). */
  tree(options: Omit<TreeInput, 'roots'> = {}): WorkspaceTree {
    return workspaceTree(this.index, { ...options, roots: [...this.roots].sort() });
  }

  /** Resolves when the job queue is empty, retries queued meanwhile included (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    for (let jobs = this.jobs; ; jobs = this.jobs) {
      await jobs;
      if (jobs === this.jobs) return;
    }
  }

  async dispose(): Promise<void> {
    this.abort.abort();
    for (const off of this.unsubscribe) off();
    for (const timer of this.editTimers.values()) clearTimeout(timer);
    await this.jobs;
    for (const store of this.stores.values()) store.close();
    this.stores.clear();
  }

  private enqueue(name: string, job: () => Promise<void>): void {
    this.jobs = this.jobs.then(async () => {
      if (this.abort.signal.aborted) return;
      try {
        await job();
      } catch (error) {
        this.deps.logger.error(`ast: ${name} failed: ${(error as Error).stack ?? error}`);
      }
    });
  }

  private setState(state: AstState): void {
    this.state = state;
    this.emitProgress();
  }

  private emitProgress(): void {
    const progress = { state: this.state, done: this.filesTotal - this.unparsed, total: this.filesTotal };
    for (const listener of this.progressListeners) listener(progress);
  }

  /** A full pass: what is listed is indexed, what is not is forgotten. */
  private async scan(): Promise<void> {
    const started = Date.now();
    this.setState('starting');
    const { files, workspace, logger } = this.deps;
    const folders = workspace.list();
    const listing = await files.list(folders);
    this.roots = files.roots(folders).sort((a, b) => b.length - a.length);
    this.filesTotal = listing.files.length;
    this.unparsed = listing.files.length;
    this.maxFilesHit = listing.maxFilesHit;
    const listed = new Set(listing.files);
    for (const path of [...this.index.paths()]) if (!listed.has(path)) this.forget(path);
    this.failures.keepOnly(listed);
    const stored = this.loadStores(listed);

    // Stored outcomes are applied first; a file whose stat (taken while listing) disagrees with
    // its stored stamp is then read again, and parsed again if its content changed.
    const fromStore = new Set<string>();
    for (const [root, store] of [...this.stores]) {
      try {
        for (const { path, outcome } of store.outcomes()) {
          if (!stored.has(path) || this.openText(path) !== null) continue;
          const decoded = decodeOutcome(outcome, this.strings);
          // Older builds stored passing failures; those files are parsed again.
          if (!decoded || isTransientOutcome(decoded)) continue;
          this.apply(path, stored.get(path)!.hash, decoded, false);
          fromStore.add(path);
          await this.yieldSometimes();
        }
      } catch (error) {
        this.recover(root, store, error);
      }
    }
    const toRead: { path: string; size: number; mtimeMs: number }[] = [];
    for (const path of listing.files) {
      const info = listing.stamps.get(path)!;
      const row = stored.get(path);
      if (fromStore.has(path) && row && row.size === info.size && row.mtimeMs === info.mtimeMs) this.unparsed--;
      else toRead.push({ path, ...info });
    }
    const reused = listing.files.length - toRead.length;
    this.setState('parsing');
    for (let i = 0; i < toRead.length && !this.abort.signal.aborted; i += CHUNK) {
      await this.parseChunk(toRead.slice(i, i + CHUNK), stored);
      this.emitProgress();
    }
    this.setState('done');
    const skipped = Object.entries(listing.rejected).map(([reason, n]) => `${n} ${reason}`).join(', ');
    logger.info(
      `ast: ${this.index.fileCount} files, ${this.index.definitionTotal} symbols, ${this.index.usageTotal} usages in ${Date.now() - started} ms ` +
        `(${reused} reused from the store, ${toRead.length} read${skipped ? `; left out: ${skipped}` : ''})`,
    );
  }

  /** Reads, hashes and parses files, reusing stored outcomes whose content hash still matches. */
  private async parseChunk(chunk: { path: string; size: number; mtimeMs: number }[], stored: Map<string, FileStamp>): Promise<void> {
    const rows: StoredFile[] = [];
    const restamped: FileStamp[] = [];
    const inputs: ParseInput[] = [];
    const meta = new Map<string, { hash: string; size: number; mtimeMs: number }>();
    for (const file of chunk) {
      const text = await this.readText(file.path);
      this.unparsed--;
      if (text === null) continue;
      const hash = sha1(text);
      const reused = stored.get(file.path)?.hash === hash ? this.storedOutcome(file.path) : null;
      if (reused) {
        this.apply(file.path, hash, reused, false);
        restamped.push({ path: file.path, hash, size: file.size, mtimeMs: file.mtimeMs });
        continue;
      }
      meta.set(file.path, { hash, size: file.size, mtimeMs: file.mtimeMs });
      inputs.push({ path: file.path, text, relPath: this.relPath(file.path) });
    }
    const outcomes = await parseFiles(this.deps.pool, inputs, { batch: 8, signal: this.abort.signal });
    for (const outcome of outcomes) {
      const path = outcome.ok ? outcome.file.path : outcome.path;
      const info = meta.get(path)!;
      if (this.apply(path, info.hash, outcome, true)) rows.push({ path, ...info, outcome: encodeOutcome(outcome) });
      await this.yieldSometimes();
    }
    this.persist(rows);
    // Each chunk is committed on its own, so a killed engine keeps what it finished.
    this.deps.logger.debug(`ast: stored ${rows.length} parse outcomes`);
    this.queueRetries();
    for (const [store, stamps] of this.groupByStore(restamped, (stamp) => stamp.path)) store.restamp(stamps);
  }

  /** File-system batches: deletions forget, other changes parse again when the content changed. */
  private async applyChanges(batch: FileChange[]): Promise<void> {
    const inputs: { input: ParseInput; hash: string; size: number; mtimeMs: number }[] = [];
    const deleted: string[] = [];
    for (const change of batch) {
      const root = this.rootOf(change.path);
      if (!root) {
        this.failures.clear(change.path);
        continue;
      }
      if (change.kind === 'deleted' || this.deps.files.reasonToSkip(change.path, root)) {
        // A deleted folder may come as one event for the folder alone (git checkout does this);
        // a path that was an indexed file needs no look below it.
        const under = `${change.path}/`;
        const below = this.index.file(change.path) ? [] : [...this.index.paths()].filter((p) => p.startsWith(under));
        for (const path of [change.path, ...below]) {
          this.forget(path);
          deleted.push(path);
        }
        continue;
      }
      if (this.openText(change.path) !== null) continue;
      const info = await stat(change.path).catch(() => null);
      const text = info ? await this.readText(change.path) : null;
      if (!info || text === null) {
        this.failures.clear(change.path);
        continue;
      }
      const hash = sha1(text);
      if (this.hashes.get(change.path) === hash) continue;
      inputs.push({ input: { path: change.path, text, relPath: this.relPath(change.path) }, hash, size: info.size, mtimeMs: Math.floor(info.mtimeMs) });
    }
    for (const [store, paths] of this.groupByStore(deleted, (path) => path)) store.delete(paths);
    if (inputs.length === 0) return;
    const outcomes = await parseFiles(this.deps.pool, inputs.map((i) => i.input), { batch: 8, signal: this.abort.signal });
    const rows: StoredFile[] = [];
    outcomes.forEach((outcome, i) => {
      const { input, hash, size, mtimeMs } = inputs[i]!;
      if (this.apply(input.path, hash, outcome, true)) rows.push({ path: input.path, hash, size, mtimeMs, outcome: encodeOutcome(outcome) });
    });
    this.persist(rows);
    this.queueRetries();
    this.deps.logger.debug(`ast: updated ${inputs.length} files, removed ${deleted.length}`);
  }

  /** Editor edits are parsed from memory after a pause; closing a document goes back to the disk. */
  private onDocument(kind: 'opened' | 'changed' | 'closed' | 'saved', uri: string): void {
    const path = uriToPath(uri);
    if (!path || !this.rootOf(path)) return;
    if (kind === 'closed' || kind === 'saved') {
      this.enqueue('document', () => this.applyChanges([{ path, kind: 'changed' }]));
      return;
    }
    clearTimeout(this.editTimers.get(path));
    this.editTimers.set(
      path,
      setTimeout(() => {
        this.editTimers.delete(path);
        this.enqueue('edit', () => this.parseOpenDocument(path));
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private async parseOpenDocument(path: string): Promise<void> {
    const text = this.openText(path);
    if (text === null) return;
    const hash = sha1(text);
    if (this.hashes.get(path) === hash) return;
    const [outcome] = await parseFiles(this.deps.pool, [{ path, text, relPath: this.relPath(path) }], { signal: this.abort.signal });
    // Unsaved text is indexed but not stored: the store mirrors the disk.
    if (outcome) this.apply(path, hash, outcome, true);
    this.queueRetries();
  }

  /** Files whose parse task failed for a passing reason are tried again in a job of their own. */
  private queueRetries(): void {
    if (this.retryQueued || this.failures.due().length === 0) return;
    this.retryQueued = true;
    this.enqueue('retry', async () => {
      this.retryQueued = false;
      const due = this.failures.due();
      this.deps.logger.info(`ast: parsing ${due.length} files again after a failed parse task`);
      const open = due.filter((path) => this.openText(path) !== null);
      for (const path of open) await this.parseOpenDocument(path);
      await this.applyChanges(due.filter((path) => !open.includes(path)).map((path) => ({ path, kind: 'changed' as const })));
    });
  }

  /**
   * `fresh` outcomes were just parsed; stored ones were logged when they were. Returns whether
   * the outcome is worth storing: a passing failure (crash, timeout) is not; the file's hash is
   * not recorded either, so that the same content is parsed again.
   */
  private apply(path: string, hash: string, outcome: ParseOutcome, fresh: boolean): boolean {
    if (!outcome.ok) this.index.removeFile(path);
    if (!outcome.ok && isTransientOutcome(outcome)) {
      this.hashes.delete(path);
      // Our own abort means the index is stopping: nothing to count or retry. (A full pool
      // queue also comes back as 'aborted'; that file is retried like a crash.)
      if (this.abort.signal.aborted) return false;
      const attempts = this.failures.note(path, hash, outcome);
      const next = attempts < MAX_PARSE_ATTEMPTS ? 'will try again' : 'giving up until it changes';
      this.deps.logger.warn(`ast: parse task for ${path} failed (attempt ${attempts} of ${MAX_PARSE_ATTEMPTS}, ${next}): ${outcome.reason}: ${outcome.message}`);
      return false;
    }
    this.failures.clear(path);
    this.hashes.set(path, hash);
    if (outcome.ok) {
      // Stored outcomes were pooled as they were decoded; fresh ones come from a worker.
      this.index.setFile(fresh ? this.strings.internFile(outcome.file) : outcome.file);
      return true;
    }
    if (fresh && outcome.reason !== 'unsupported-language') this.deps.logger.info(`ast: skipped ${path}: ${outcome.reason}: ${outcome.message}`);
    return true;
  }

  private storedOutcome(path: string): ParseOutcome | null {
    const text = this.storeFor(path)?.outcome(path);
    const outcome = text ? decodeOutcome(text, this.strings) : null;
    return outcome && !isTransientOutcome(outcome) ? outcome : null;
  }

  /**
   * Long loops on the main thread give the event loop a turn every few milliseconds, so the
   * HTTP API and LSP keep answering while thousands of files are applied.
   */
  private async yieldSometimes(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < 8) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }

  private forget(path: string): void {
    this.hashes.delete(path);
    this.failures.clear(path);
    this.index.removeFile(path);
  }

  private loadStores(listed: Set<string>): Map<string, FileStamp> {
    const stored = new Map<string, FileStamp>();
    for (const [root, store] of this.stores) {
      if (!this.roots.includes(root)) {
        store.close();
        this.stores.delete(root);
      }
    }
    for (const root of this.roots) {
      const store = this.storeFor(`${root}/`)!;
      try {
        const gone: string[] = [];
        for (const row of store.stamps()) {
          if (listed.has(row.path)) stored.set(row.path, row);
          else gone.push(row.path);
        }
        store.delete(gone);
      } catch (error) {
        this.recover(root, store, error);
      }
    }
    return stored;
  }

  /** A store that fails a read is set aside and replaced by an empty one: its files parse again. */
  private recover(root: string, store: IndexStore, error: unknown): void {
    this.deps.logger.warn(`ast: index store for ${root} failed a read: ${(error as Error).message}`);
    this.stores.set(root, IndexStore.reset(store, this.deps.cacheDir, root, this.deps.contentVersion, this.deps.logger));
  }

  private persist(rows: StoredFile[]): void {
    for (const [store, batch] of this.groupByStore(rows, (row) => row.path)) store.put(batch);
  }

  private groupByStore<T>(items: readonly T[], pathOf: (item: T) => string): Map<IndexStore, T[]> {
    const groups = new Map<IndexStore, T[]>();
    for (const item of items) {
      const store = this.storeFor(pathOf(item));
      if (!store) continue;
      const group = groups.get(store);
      if (group) group.push(item);
      else groups.set(store, [item]);
    }
    return groups;
  }

  private storeFor(path: string): IndexStore | undefined {
    const root = this.rootOf(path);
    if (!root) return undefined;
    let store = this.stores.get(root);
    if (!store) {
      store = IndexStore.open(this.deps.cacheDir, root, this.deps.contentVersion, this.deps.logger);
      this.stores.set(root, store);
    }
    return store;
  }

  /** The innermost root holding `path` (roots are sorted longest first). */
  private rootOf(path: string): string | undefined {
    return this.roots.find((root) => path === root || path.startsWith(`${root}/`));
  }

  private relPath(path: string): string {
    const root = this.rootOf(path);
    return root ? relative(root, path) : path;
  }

  private openText(path: string): string | null {
    for (const uri of [pathToUri(path), path]) {
      const document = this.deps.documents.get(uri);
      if (document) return document.getText();
    }
    return null;
  }

  private async readText(path: string): Promise<string | null> {
    const open = this.openText(path);
    if (open !== null) return open;
    const bytes = await readFile(path).catch(() => null);
    if (!bytes || looksBinary(bytes)) return null;
    return bytes.toString('utf8');
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
