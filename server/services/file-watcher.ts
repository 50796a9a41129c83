/**
 * Watches the workspace folders for changes made outside the editor (git checkout, codegen,
 * another tool) and hands them on in coalesced batches. LSP watched-file events join the same
 * stream, so the index has one source of changes.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import watcher, { type AsyncSubscription, type Event } from '@parcel/watcher';
import { ChangeBatcher, type BatchTiming, type ChangeKind, type FileChange } from '../core/change-batcher';
import type { Logger } from './logger';
import type { WorkspaceService } from './workspace';

/** Directories never worth watching; the rest is filtered by the indexing rules downstream. */
const IGNORED_DIRS = new Set(['.git', 'node_modules', 'target', '__pycache__', '.venv', 'venv']);
const WATCH_IGNORES = [...IGNORED_DIRS].map((name) => `**/${name}`);

const KIND: Record<Event['type'], ChangeKind> = { create: 'created', update: 'changed', delete: 'deleted' };

export class FileWatcher {
  private readonly subscriptions = new Map<string, Promise<AsyncSubscription | null>>();
  private readonly listeners = new Set<(batch: FileChange[]) => void>();
  private readonly batcher: ChangeBatcher;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly logger: Logger, timing: BatchTiming = { quietMs: 150, maxWaitMs: 2000 }) {
    this.batcher = new ChangeBatcher(timing);
  }

  /** Starts watching a folder; resolves once the watch is live. Watching twice is a no-op. */
  async watch(folder: string): Promise<void> {
    if (!this.subscriptions.has(folder)) {
      const subscription = watcher
        .subscribe(folder, (error, events) => this.onEvents(folder, error, events), { ignore: WATCH_IGNORES })
        .catch((error: Error) => {
          this.logger.warn(`watcher: cannot watch ${folder}: ${error.message}`);
          return null;
        });
      this.subscriptions.set(folder, subscription);
    }
    await this.subscriptions.get(folder);
  }

  async unwatch(folder: string): Promise<void> {
    const subscription = this.subscriptions.get(folder);
    this.subscriptions.delete(folder);
    await (await subscription)?.unsubscribe();
  }

  /** Changes reported by the editor (LSP `didChangeWatchedFiles`) join the same batches. */
  report(changes: readonly FileChange[]): void {
    this.batcher.add(changes, Date.now());
    this.schedule();
  }

  onBatch(listener: (batch: FileChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.subscriptions.keys()].map((folder) => this.unwatch(folder)));
    this.listeners.clear();
  }

  private onEvents(folder: string, error: Error | null, events: Event[]): void {
    if (error) {
      this.logger.warn(`watcher: ${folder}: ${error.message}`);
      return;
    }
    this.report(events.map((e) => ({ path: e.path, kind: KIND[e.type] })));
    const created = events.filter((e) => e.type === 'create').map((e) => e.path);
    if (created.length > 0) void this.reportNewFolders(created);
  }

  /**
   * Files written into a folder the moment it is created can land before the watch on that
   * folder exists, and then no event names them (a checkout does this all the time). So a new
   * folder's contents are listed once and reported as created too.
   */
  private async reportNewFolders(paths: readonly string[]): Promise<void> {
    for (const path of paths) {
      const info = await stat(path).catch(() => null);
      if (!info?.isDirectory()) continue;
      const files = await listFiles(path).catch(() => []);
      if (files.length > 0) this.report(files.map((file) => ({ path: file, kind: 'created' as const })));
    }
  }

  private schedule(): void {
    if (this.timer) return;
    const due = this.batcher.dueIn(Date.now());
    if (due === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = this.batcher.take(Date.now());
      if (batch) for (const listener of this.listeners) listener(batch);
      this.schedule();
    }, due);
  }
}

/** Every file below `dir`, skipping the folders the watcher ignores. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Keeps `watcher` in step with the workspace, for a service that indexes from its batches: files
 * the editor saw change (LSP watched files) join the batches, added folders are watched and
 * removed ones dropped, and `onFolders` runs after each folder change (the service rescans).
 * Starts watching the current folders; returns the unsubscribe.
 */
export function followWorkspace(workspace: WorkspaceService, watcher: FileWatcher, onFolders: () => void): () => void {
  const off = workspace.onEvent((event) => {
    if (event.kind === 'created' || event.kind === 'changed' || event.kind === 'deleted') watcher.report([{ path: event.path, kind: event.kind }]);
    if (event.kind === 'folder-added') void watcher.watch(event.path);
    if (event.kind === 'folder-removed') void watcher.unwatch(event.path);
    if (event.kind === 'folder-added' || event.kind === 'folder-removed') onFolders();
  });
  for (const folder of workspace.list()) void watcher.watch(folder);
  return off;
}
