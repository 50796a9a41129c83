/**
 * Hybrid retrieval over the workspace (Refact's VecDB, plus lexical and symbol search): lists
 * the files, reuses what the store knows (same stamp or same content hash), chunks the rest in
 * the worker pool, and keeps the lexical and symbol indexes current from file-system batches,
 * saves and folder changes. With an embedding model from caps, the `Vectorizer` fills the vector
 * index in the background; without one, or while it fails, search still answers from lexical and
 * symbol matches and the status says why vectors are off. Work runs one job at a time.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { VdbSearchResult, VecDbStatus } from '../../src/protocol/workspace';
import { codeTokens, identifiers, queryNames } from '../core/retrieval/code-tokens';
import { endpointUnderUserControl, type PrivacyVerdict } from '../core/privacy';
import { chooseSource, type EmbeddingSource } from '../core/retrieval/embedding-source';
import { cappedStrengths, fuse, relativeStrengths, usefulness, type RankedList } from '../core/retrieval/fuse';
import type { FileChange } from '../core/change-batcher';
import { looksBinary } from '../core/indexing-rules';
import type { ChunkedFile, ChunkInput, ChunkSettings } from '../workers/chunk';
import type { CapsResult } from './caps-service';
import type { DocumentsService } from './documents';
import { createEmbedder, type Embedder } from './embedder';
import type { UpstreamClient } from './upstream/upstream-client';
import { followWorkspace, type FileWatcher } from './file-watcher';
import type { Logger } from './logger';
import { RetrievalRoot } from './retrieval-root';
import { RetrievalStore, type FileStamp } from './retrieval-store';
import { Vectorizer } from './vectorizer';
import type { WorkerPool } from './worker-pool';
import { uriToPath, type WorkspaceService } from './workspace';
import type { WorkspaceFiles } from './workspace-files';

export interface RetrievalDeps {
  workspace: WorkspaceService;
  files: WorkspaceFiles;
  watcher: FileWatcher;
  documents: DocumentsService;
  pool: WorkerPool;
  /** The engine's one client for model providers; a remote embedding endpoint is called through it. */
  upstream: UpstreamClient;
  caps: { getCaps(): Promise<CapsResult> };
  cacheDir: string;
  /** Names the chunker build; stored chunks from another build are made again. */
  chunkerBuild: string;
  logger: Logger;
  /** How often caps are checked for a changed embedding model (ms). */
  capsPollMs?: number;
  /** privacy.yaml: files it refuses to the embedding model are not embedded. */
  privacy?: { checker(modelIsLocal: boolean): Promise<(path: string) => PrivacyVerdict> };
  /** Hosts the user controls besides private addresses (the Address URL's). */
  ownHosts?: readonly string[];
}

export interface SearchOptions {
  /** Results per file, after overlapping chunks are merged. */
  perFile?: number;
  /** Rankers to use (all by default); the benchmark compares them. */
  use?: RankedList['name'][];
  /** Files left out of the answer: the file being edited already is the model's context. */
  excludePaths?: readonly string[];
  /** Weight of symbol matches in the fusion (lexical and vector weigh 1). */
  symbolWeight?: number;
  /**
   * Fuse on ranks alone, with every query identifier a name, as before matches were weighed by
   * how informative they are: the benchmark measures both on one index.
   */
  ranksOnly?: boolean;
}

/** Files read and chunked per step. */
const STEP = 64;
/** Candidates each ranker hands to the fusion. */
const CANDIDATES = 100;
/**
 * A declaration named in the query is the strongest single signal we have without a model: on
 * the benchmark's call sites symbols alone find the defining file more often than BM25 does.
 * Each symbol hit still counts by how rare its names are (see `fuse`), so a hundred chunks that
 * declare `read` weigh less than one clearly best BM25 hit.
 */
const SYMBOL_WEIGHT = 3;

export class RetrievalService {
  private readonly roots = new Map<string, RetrievalRoot>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly abort = new AbortController();
  private readonly vectorizer: Vectorizer;
  private jobs: Promise<void> = Promise.resolve();
  private lastYield = 0;
  private state: VecDbStatus['state'] = 'starting';
  private filesTotal = 0;
  private unprocessed = 0;
  private maxFilesHit = false;
  private queued = 0;
  private settings: ChunkSettings = { windowTokens: 256, overlapLines: 3, tokenizer: null };
  private sourceKey = '';
  private source: EmbeddingSource | null = null;
  private embedder: Embedder | null = null;
  private vectorsOff = 'checking caps for an embedding model';
  private pollTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RetrievalDeps) {
    this.vectorizer = new Vectorizer({
      logger: deps.logger, roots: () => [...this.roots.values()], pause: () => this.yieldSometimes(),
      ...(deps.privacy ? { mayEmbed: () => this.mayEmbed(deps.privacy!) } : {}),
    });
  }

  start(): void {
    const { watcher, documents, workspace } = this.deps;
    this.unsubscribe.push(
      watcher.onBatch((batch) => this.enqueue('file changes', () => this.applyChanges(batch))),
      documents.onEvent((event) => {
        const path = uriToPath(event.uri);
        if (path && (event.kind === 'saved' || event.kind === 'closed')) this.enqueue('document', () => this.applyChanges([{ path, kind: 'changed' }]));
      }),
      followWorkspace(workspace, watcher, () => this.enqueue('rescan', () => this.scan())),
    );
    this.enqueue('setup', () => this.setup());
    this.enqueue('scan', () => this.scan());
    const poll = this.deps.capsPollMs ?? 60_000;
    this.pollTimer = setInterval(() => this.enqueue('caps check', async () => {
      if (await this.setup()) await this.scan();
    }), poll);
    this.pollTimer.unref();
  }

  /** Resolves when every job queued so far, and the vectors they asked for, are done. */
  async idle(): Promise<void> {
    for (;;) {
      const jobs = this.jobs;
      await jobs;
      await this.vectorizer.idle();
      if (jobs === this.jobs) return;
    }
  }

  async dispose(): Promise<void> {
    this.abort.abort();
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const off of this.unsubscribe) off();
    await this.jobs;
    await this.vectorizer.dispose();
    for (const root of this.roots.values()) root.close();
    this.roots.clear();
  }

  status(): VecDbStatus {
    let chunks = 0;
    let vectors = 0;
    let pending = 0;
    let cache = 0;
    for (const root of this.roots.values()) {
      chunks += root.chunks.size;
      vectors += root.vectors?.size ?? 0;
      pending += root.vectors ? root.pending.size : 0;
      if (this.embedder) cache += root.store.cacheSize(this.embedder.key);
    }
    const counters = this.vectorizer.counters();
    // Vectors still coming count as work in progress, unless the embedder is failing (then the
    // error says why and `vectors_pending` how many wait); queued file changes are a cooldown.
    const vectoring = pending > 0 && this.vectorizer.lastError() === '';
    const state = this.state !== 'done' ? this.state : this.queued > 0 ? 'cooldown' : vectoring ? 'parsing' : 'done';
    return {
      files_unprocessed: this.unprocessed,
      files_total: this.filesTotal,
      requests_made_since_start: counters.requests,
      vectors_made_since_start: counters.vectors,
      db_size: vectors,
      db_cache_size: cache,
      state,
      queue_additions: this.queued > 0,
      vecdb_max_files_hit: this.maxFilesHit,
      vecdb_errors: counters.errors,
      chunks_total: chunks,
      vectors_pending: pending,
      embedding_model: this.embedder ? (this.source?.name ?? '') : '',
      vectors_off_reason: this.vectorsOff,
      chunks_privacy_refused: counters.refused,
    };
  }

  /** The last vector error while vectors are configured, '' otherwise: `vec_db_error` of rag-status. */
  lastError(): string {
    return this.embedder ? this.vectorizer.lastError() : '';
  }

  /** Lexical, symbol and (when available) vector matches fused; answers in Refact's shape. */
  async search(query: string, topN: number, options: SearchOptions = {}): Promise<VdbSearchResult> {
    const use = new Set(options.use ?? ['lexical', 'symbol', 'vector']);
    const tokens = use.has('lexical') ? codeTokens(query) : [];
    const names = !use.has('symbol') ? [] : options.ranksOnly ? identifiers(query) : queryNames(query);
    const roots = [...this.roots.values()];
    const keyOf = (slot: number, id: number) => slot * 2 ** 32 + id;
    const lexical: { key: number; score: number }[] = [];
    const symbol: { key: number; score: number }[] = [];
    roots.forEach((root, slot) => {
      for (const hit of root.lexical(tokens, CANDIDATES)) lexical.push({ key: keyOf(slot, hit.id), score: hit.score });
      for (const hit of root.symbols.search(names, CANDIDATES)) symbol.push({ key: keyOf(slot, hit.id), score: hit.score });
    });
    const excluded = new Set(options.excludePaths ?? []);
    const lookup = (key: number) => {
      const ref = roots[Math.floor(key / 2 ** 32)]?.chunks.get(key % 2 ** 32);
      return ref && !excluded.has(ref.path) ? ref : undefined;
    };
    // Strengths are measured against the best hit that can be answered: the file being edited
    // is usually the best lexical match for its own text, and would make every other hit look weak.
    const answerable = options.ranksOnly ? () => true : (h: { key: number }) => lookup(h.key) !== undefined;
    const lexicalBest = best(lexical.filter(answerable));
    const symbolBest = best(symbol.filter(answerable));
    const lists: RankedList[] = [
      { name: 'lexical', weight: 1, ids: lexicalBest.map((h) => h.key), strengths: relativeStrengths(lexicalBest.map((h) => h.score)) },
      { name: 'symbol', weight: options.symbolWeight ?? SYMBOL_WEIGHT, ids: symbolBest.map((h) => h.key), strengths: cappedStrengths(symbolBest.map((h) => h.score)) },
    ];
    if (use.has('vector') && this.embedder && roots.some((r) => r.vectors && r.vectors.size > 0)) {
      const vector = await this.vectorizer.embedQuery(query);
      if (vector) {
        const hits: { key: number; score: number; distance: number }[] = [];
        roots.forEach((root, slot) => {
          // Cosine similarity: higher is better, and its ratio to the best one is the strength.
          for (const hit of root.vectorSearch(vector, CANDIDATES)) hits.push({ key: keyOf(slot, hit.id), score: 1 - hit.distance, distance: hit.distance });
        });
        const nearest = best(hits.filter(answerable));
        lists.push({ name: 'vector', weight: 1, ids: nearest.map((h) => h.key), strengths: relativeStrengths(nearest.map((h) => h.score)), distances: new Map(hits.map((h) => [h.key, h.distance])) });
      }
    }
    // The benchmark's baseline: the fusion before issue 9, on ranks alone.
    if (options.ranksOnly) for (const list of lists) delete list.strengths;
    const hits = fuse(lists, lookup, { k: 60, perFile: options.perFile ?? 2, limit: Math.max(1, topN) });
    const top = hits[0]?.score ?? 0;
    return {
      query_text: query,
      results: hits.map((hit) => ({
        vector: null,
        file_path: hit.path,
        start_line: hit.line1,
        end_line: hit.line2,
        distance: round(hit.distance ?? 1 - hit.score / top),
        usefulness: round(usefulness(hit.score, top)),
      })),
    };
  }


  private enqueue(name: string, job: () => Promise<unknown>): void {
    this.queued++;
    this.jobs = this.jobs.then(async () => {
      this.queued--;
      if (this.abort.signal.aborted) return;
      try {
        await job();
      } catch (error) {
        this.deps.logger.error(`retrieval: ${name} failed: ${(error as Error).stack ?? error}`);
      }
    });
  }

  /** The privacy rules for the embedder in use: an in-process model or one on a server the user controls is local. */
  private async mayEmbed(privacy: NonNullable<RetrievalDeps['privacy']>): Promise<(path: string) => boolean> {
    const source = this.source;
    const local = !source || source.kind !== 'remote' || endpointUnderUserControl(source.endpoint, this.deps.ownHosts ?? []);
    const check = await privacy.checker(local);
    return (path) => check(path).allowed;
  }

  /** Reads the embedding model from caps; returns true when it changed what chunks or vectors look like. */
  private async setup(): Promise<boolean> {
    const caps = await this.deps.caps.getCaps();
    const choice = caps.ok ? chooseSource(caps.caps.embedding_model) : { ok: false as const, why: `no caps: ${caps.detail}` };
    const key = choice.ok ? JSON.stringify(choice.source) : `off:${choice.why}`;
    if (key === this.sourceKey) return false;
    this.sourceKey = key;
    this.vectorizer.setEmbedder(null, 0);
    this.embedder = null;
    this.source = null;
    let settings: ChunkSettings = { windowTokens: 256, overlapLines: 3, tokenizer: null };
    if (!choice.ok) {
      this.vectorsOff = choice.why;
    } else {
      const made = await createEmbedder(choice.source, this.deps.pool, this.deps.upstream, join(this.deps.cacheDir, 'models'), (p) => this.vectorizer.noteDownload(p), this.abort.signal);
      if (!made.ok) {
        this.vectorsOff = `embedding model '${choice.source.name}' is not usable: ${made.error}`;
        this.deps.logger.warn(`retrieval: ${this.vectorsOff}`);
      } else {
        this.embedder = made.embedder;
        this.source = choice.source;
        this.vectorsOff = '';
        settings = { windowTokens: choice.source.windowTokens, overlapLines: 3, tokenizer: made.embedder.tokenizer };
      }
    }
    const chunkerChanged = JSON.stringify(settings) !== JSON.stringify(this.settings);
    this.settings = settings;
    if (chunkerChanged) {
      // Chunks sized for another window are made again: the stores reopen and drop them.
      for (const root of this.roots.values()) root.close();
      this.roots.clear();
    }
    this.deps.logger.info(`retrieval: ${this.embedder ? `vectors from '${this.source!.name}' (${this.source!.kind})` : `vectors off: ${this.vectorsOff}`}; chunks of ${settings.windowTokens} tokens`);
    this.vectorizer.setEmbedder(this.embedder, this.source?.batch ?? 0);
    for (const root of this.roots.values()) this.attach(root);
    return true;
  }

  private chunkerVersion(): string {
    return createHash('sha1').update(`${this.deps.chunkerBuild}\0${JSON.stringify(this.settings)}`).digest('hex').slice(0, 16);
  }

  private attach(root: RetrievalRoot): void {
    if (!this.embedder || !this.source) {
      root.detachVectors();
      return;
    }
    const slug = this.embedder.key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    const file = `${root.store.file.replace(/\.sqlite$/, '')}.${createHash('sha1').update(this.embedder.key).digest('hex').slice(0, 8)}-${slug}.hnsw`;
    // Dimensions: from caps, else from the first cached or fresh vector (the vectorizer attaches then).
    const dims = this.source.dims || this.vectorizer.knownDims();
    if (dims > 0) root.attachVectors(this.embedder.key, dims, file, this.deps.logger);
    else root.detachVectors();
    this.vectorizer.noteFile(root, file);
  }

  /** A full pass: what is listed is indexed, what is not is forgotten. */
  private async scan(): Promise<void> {
    const started = Date.now();
    const { files, workspace, logger } = this.deps;
    const folders = workspace.list();
    const listing = await files.list(folders);
    const rootPaths = files.roots(folders).sort((a, b) => b.length - a.length);
    for (const [path, root] of this.roots) {
      if (!rootPaths.includes(path)) {
        root.close();
        this.roots.delete(path);
      }
    }
    this.state = 'parsing';
    for (const path of rootPaths) if (!this.roots.has(path)) await this.openRoot(path);
    this.filesTotal = listing.files.length;
    this.unprocessed = listing.files.length;
    this.maxFilesHit = listing.maxFilesHit;
    const listed = new Set(listing.files);
    const stamps = new Map<string, FileStamp>();
    for (const root of this.roots.values()) {
      const gone: string[] = [];
      for (const stamp of root.store.stamps()) {
        if (listed.has(stamp.path)) stamps.set(stamp.path, stamp);
        else gone.push(stamp.path);
      }
      root.removeFiles(gone);
    }
    const toRead: { path: string; size: number; mtimeMs: number }[] = [];
    for (const path of listing.files) {
      const info = await stat(path).catch(() => null);
      await this.yieldSometimes();
      if (!info) {
        this.unprocessed--;
        continue;
      }
      const stored = stamps.get(path);
      const file = { path, size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
      if (stored && stored.size === file.size && stored.mtimeMs === file.mtimeMs) this.unprocessed--;
      else toRead.push(file);
    }
    const reused = listing.files.length - toRead.length;
    for (let i = 0; i < toRead.length && !this.abort.signal.aborted; i += STEP) {
      await this.chunkFiles(toRead.slice(i, i + STEP), stamps);
    }
    this.state = 'done';
    this.vectorizer.kick();
    let chunks = 0;
    for (const root of this.roots.values()) chunks += root.chunks.size;
    logger.info(`retrieval: ${listing.files.length} files, ${chunks} chunks in ${Date.now() - started} ms (${reused} reused from the store, ${toRead.length} read)`);
  }

  private async openRoot(path: string): Promise<void> {
    const store = RetrievalStore.open(this.deps.cacheDir, path, this.chunkerVersion(), this.deps.logger);
    const root = new RetrievalRoot(path, store);
    this.roots.set(path, root);
    await root.load(() => this.yieldSometimes());
    this.attach(root);
  }

  /** Reads, hashes and chunks files; a file whose content hash did not change is only restamped. */
  private async chunkFiles(batch: { path: string; size: number; mtimeMs: number }[], stamps: Map<string, FileStamp>): Promise<void> {
    const inputs: { input: ChunkInput; stamp: FileStamp }[] = [];
    for (const file of batch) {
      const root = this.rootOf(file.path);
      const text = root ? await readText(file.path) : null;
      this.unprocessed--;
      if (!root || text === null) continue;
      const hash = sha1(text);
      const stamp = { path: file.path, hash, size: file.size, mtimeMs: file.mtimeMs };
      if (stamps.get(file.path)?.hash === hash) {
        root.store.restamp([stamp]);
        continue;
      }
      inputs.push({ input: { path: file.path, relPath: relative(root.root, file.path), text }, stamp });
    }
    await this.chunkAndStore(inputs);
  }

  private async chunkAndStore(inputs: { input: ChunkInput; stamp: FileStamp }[]): Promise<void> {
    const settings = this.settings;
    let next = 0;
    const lane = async () => {
      while (next < inputs.length && !this.abort.signal.aborted) {
        const group = inputs.slice(next, next + 8);
        next += 8;
        const outcome = await this.deps.pool.run<{ files: ChunkInput[]; settings: ChunkSettings }, ChunkedFile[]>('chunk', 'chunkMany', { files: group.map((g) => g.input), settings }, { signal: this.abort.signal });
        if (!outcome.ok) {
          if (outcome.reason !== 'aborted' && outcome.reason !== 'closed') this.deps.logger.warn(`retrieval: chunking ${group.length} files failed: ${outcome.message}`);
          continue;
        }
        outcome.value.forEach((chunked, i) => {
          const { stamp } = group[i]!;
          this.rootOf(stamp.path)?.replaceFile(stamp, chunked.chunks);
        });
        await this.yieldSometimes();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.deps.pool.threads, Math.ceil(inputs.length / 8))) }, lane));
    this.vectorizer.kick();
  }

  /** File-system batches: deletions leave every index, changed content is chunked again. */
  private async applyChanges(batch: FileChange[]): Promise<void> {
    const deleted = new Map<RetrievalRoot, string[]>();
    const changed: { path: string; size: number; mtimeMs: number }[] = [];
    const stamps = new Map<string, FileStamp>();
    for (const change of batch) {
      const root = this.rootOf(change.path);
      if (!root) continue;
      const info = change.kind === 'deleted' ? null : await stat(change.path).catch(() => null);
      if (!info || !info.isFile() || this.deps.files.reasonToSkip(change.path, root.root)) {
        deleted.set(root, [...(deleted.get(root) ?? []), change.path]);
        continue;
      }
      changed.push({ path: change.path, size: info.size, mtimeMs: Math.floor(info.mtimeMs) });
    }
    let removed = 0;
    for (const [root, paths] of deleted) removed += root.removeFiles(paths);
    for (const root of this.roots.values()) for (const s of root.store.stamps()) if (changed.some((c) => c.path === s.path)) stamps.set(s.path, s);
    const saved = this.unprocessed;
    await this.chunkFiles(changed, stamps);
    this.unprocessed = saved;
    this.deps.logger.debug(`retrieval: updated ${changed.length} files, removed ${deleted.size ? [...deleted.values()].flat().length : 0} (${removed} chunks)`);
  }

  private rootOf(path: string): RetrievalRoot | undefined {
    for (const [root, index] of this.roots) if (path === root || path.startsWith(`${root}/`)) return index;
    return undefined;
  }

  /** Long loops on the main thread give the event loop a turn every few milliseconds. */
  private async yieldSometimes(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < 8) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }
}

/** The best `CANDIDATES` hits over every root, best first. */
function best<T extends { key: number; score: number }>(hits: T[]): T[] {
  return hits.sort((a, b) => b.score - a.score).slice(0, CANDIDATES);
}

async function readText(path: string): Promise<string | null> {
  const bytes = await readFile(path).catch(() => null);
  if (!bytes || looksBinary(bytes)) return null;
  return bytes.toString('utf8');
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
