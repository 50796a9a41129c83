/**
 * Saved chats: `<project>/.refact/trajectories/<chat_id>.json`, one file per chat in Refact's
 * format. A write goes to a temporary file that is renamed over the old one, so a crash leaves
 * either the old chat or the new one, never half of one. Listeners hear `created`, `updated`
 * and `deleted` for `GET /v1/trajectories/subscribe`.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrajectoryData, TrajectoryEvent, TrajectoryMeta } from '../../../src/protocol/chat';
import { fromTrajectory, isSafeChatId, trajectoryMeta, type LoadedChat } from '../../core/chat/trajectory';
import type { Logger } from '../logger';

export interface TrajectoriesStoreOptions {
  /** The project whose `.refact/trajectories` holds the chats; null keeps chats in memory only. */
  projectRoot: () => string | null;
  logger: Logger;
  newId: () => string;
  now: () => string;
}

export class TrajectoriesStore {
  private readonly listeners = new Set<(event: TrajectoryEvent) => void>();
  private tmpCounter = 0;

  constructor(private readonly options: TrajectoriesStoreOptions) {}

  dir(): string | null {
    const root = this.options.projectRoot();
    return root ? join(root, '.refact', 'trajectories') : null;
  }

  async load(chatId: string): Promise<LoadedChat | null> {
    const file = this.fileOf(chatId);
    if (!file) return null;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const loaded = fromTrajectory(chatId, JSON.parse(text), this.options.newId, this.options.now());
      if (!loaded) this.options.logger.warn(`trajectory ${file} is not a chat; starting it afresh`);
      return loaded;
    } catch (error) {
      this.options.logger.warn(`trajectory ${file} is not JSON (${(error as Error).message}); starting it afresh`);
      return null;
    }
  }

  async read(chatId: string): Promise<TrajectoryData | null> {
    const file = this.fileOf(chatId);
    if (!file) return null;
    try {
      return JSON.parse(await readFile(file, 'utf8')) as TrajectoryData;
    } catch {
      return null;
    }
  }

  /** Writes atomically (temp file, then rename) and tells listeners. */
  async save(data: TrajectoryData, created: boolean): Promise<void> {
    const dir = this.dir();
    const file = this.fileOf(data.id);
    if (!dir || !file) return;
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${++this.tmpCounter}.tmp`;
    await writeFile(tmp, JSON.stringify(data, null, 2));
    await rename(tmp, file);
    this.notify({ type: created ? 'created' : 'updated', id: data.id, updated_at: data.updated_at, title: data.title });
  }

  async remove(chatId: string): Promise<boolean> {
    const file = this.fileOf(chatId);
    if (!file) return false;
    try {
      await rm(file);
    } catch {
      return false;
    }
    this.notify({ type: 'deleted', id: chatId });
    return true;
  }

  /** Every saved chat, newest first; unreadable files are skipped with a warning. */
  async list(): Promise<TrajectoryMeta[]> {
    const dir = this.dir();
    if (!dir) return [];
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const metas: TrajectoryMeta[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const data = JSON.parse(await readFile(join(dir, name), 'utf8')) as TrajectoryData;
        if (typeof data?.id === 'string' && Array.isArray(data.messages)) metas.push(trajectoryMeta(data));
      } catch (error) {
        this.options.logger.warn(`trajectory ${name} skipped: ${(error as Error).message}`);
      }
    }
    return metas.sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0));
  }

  onEvent(listener: (event: TrajectoryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(event: TrajectoryEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private fileOf(chatId: string): string | null {
    const dir = this.dir();
    return dir && isSafeChatId(chatId) ? join(dir, `${chatId}.json`) : null;
  }
}
