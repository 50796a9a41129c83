/**
 * Workspace snapshots for undoing an agent's changes: a shadow git repository per workspace
 * folder under the cache dir (`git --git-dir=<cache>/checkpoints/<hash> --work-tree=<folder>`).
 * The user's own repository is never read or written: git runs with the shadow git dir, no
 * global or system config, and skips every `.git` folder in the work tree. The folder's
 * `.gitignore` files apply, and chat trajectories are left out so a restore cannot rewind the
 * chat file under the session. Preview lists what a restore would change; restore brings the
 * files back and tells the index.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Checkpoint, CheckpointFileChange } from '../../../src/protocol/tools';
import type { FileChangeKind } from './editor';

export interface CheckpointsDeps {
  /** `<cacheDir>/checkpoints`. */
  shadowDir: string;
  folders: () => readonly string[];
  onFileChanged: (kind: FileChangeKind, path: string) => void;
}

export interface CheckpointPreview {
  workspace_folder: string;
  files_changed: CheckpointFileChange[];
  /** A snapshot of the files as they are now, so the restore itself can be undone. */
  checkpoint_for_undo: Checkpoint;
  /** RFC 3339, UTC, whole seconds. */
  reverted_to: string;
}

/**
 * Never part of a snapshot: our own state that a restore must not rewind, and dependency and
 * cache folders (Refact leaves the indexing blocklist out too) that would make snapshots huge.
 */
const EXCLUDES = ['.refact/trajectories/', '.git/', 'node_modules/', '__pycache__/', '.venv/', 'venv/'];

export class Checkpoints {
  /** One git operation sequence per folder at a time: two would fight over the shadow index lock. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: CheckpointsDeps) {}

  /** Snapshots every workspace folder (one checkpoint each); taken before an agent turn. */
  async create(message: string): Promise<Checkpoint[]> {
    const out: Checkpoint[] = [];
    for (const folder of this.deps.folders()) out.push(await this.serial(resolve(folder), () => this.snapshot(resolve(folder), message)));
    return out;
  }

  async preview(checkpoint: Checkpoint): Promise<CheckpointPreview> {
    const folder = this.folderOf(checkpoint);
    return this.serial(folder, () => this.previewIn(folder, checkpoint));
  }

  /** Brings the folder back to the checkpoint; returns the files it changed. */
  async restore(checkpoint: Checkpoint): Promise<CheckpointFileChange[]> {
    const folder = this.folderOf(checkpoint);
    return this.serial(folder, () => this.restoreIn(folder, checkpoint));
  }

  private serial<T>(folder: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(folder) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    this.queues.set(folder, tail);
    void tail.then(() => {
      if (this.queues.get(folder) === tail) this.queues.delete(folder);
    });
    return run;
  }

  private async previewIn(folder: string, checkpoint: Checkpoint): Promise<CheckpointPreview> {
    await this.requireCommit(folder, checkpoint.commit_hash);
    const undo = await this.snapshot(folder, `before restoring ${checkpoint.commit_hash}`);
    const files_changed = await this.changes(folder, undo.commit_hash, checkpoint.commit_hash);
    const when = (await this.git(folder, ['show', '-s', '--format=%ct', checkpoint.commit_hash])).trim();
    return { workspace_folder: folder, files_changed, checkpoint_for_undo: undo, reverted_to: new Date(Number(when) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  private async restoreIn(folder: string, checkpoint: Checkpoint): Promise<CheckpointFileChange[]> {
    await this.requireCommit(folder, checkpoint.commit_hash);
    const now = await this.snapshot(folder, `before restoring ${checkpoint.commit_hash}`);
    const changes = await this.changes(folder, now.commit_hash, checkpoint.commit_hash);
    const restore = changes.filter((c) => c.status !== 'DELETED').map((c) => c.relative_path);
    if (restore.length) await this.git(folder, ['checkout', checkpoint.commit_hash, '--pathspec-from-file=-', '--pathspec-file-nul'], restore.join('\0'));
    for (const change of changes) {
      if (change.status === 'DELETED') await unlink(change.absolute_path).catch(() => undefined);
      this.deps.onFileChanged(change.status === 'ADDED' ? 'created' : change.status === 'DELETED' ? 'deleted' : 'changed', change.absolute_path);
    }
    // The shadow branch moves to the restored state, so the next checkpoint starts from it.
    await this.git(folder, ['reset', '--soft', checkpoint.commit_hash]);
    await this.git(folder, ['add', '-A']);
    return changes;
  }

  gitDirOf(folder: string): string {
    return join(this.deps.shadowDir, createHash('sha1').update(resolve(folder)).digest('hex').slice(0, 16));
  }

  private folderOf(checkpoint: Checkpoint): string {
    const folder = resolve(checkpoint.workspace_folder);
    if (!this.deps.folders().some((f) => resolve(f) === folder)) throw new CheckpointError(`${checkpoint.workspace_folder} is not a workspace folder of this engine`);
    if (!/^[0-9a-f]{7,64}$/.test(checkpoint.commit_hash)) throw new CheckpointError(`'${checkpoint.commit_hash}' is not a checkpoint id`);
    return folder;
  }

  private async requireCommit(folder: string, hash: string): Promise<void> {
    const ok = existsSync(this.gitDirOf(folder)) && (await this.git(folder, ['cat-file', '-e', `${hash}^{commit}`]).then(() => true, () => false));
    if (!ok) throw new CheckpointError(`There is no checkpoint ${hash} for ${folder} (it was never made here, or the cache was cleared)`);
  }

  private async snapshot(folder: string, message: string): Promise<Checkpoint> {
    const gitDir = this.gitDirOf(folder);
    if (!existsSync(join(gitDir, 'HEAD'))) {
      await mkdir(gitDir, { recursive: true });
      await this.git(folder, ['init', '--quiet']);
      await mkdir(join(gitDir, 'info'), { recursive: true });
      await writeFile(join(gitDir, 'info', 'exclude'), `${EXCLUDES.join('\n')}\n`);
    }
    await this.git(folder, ['add', '-A']);
    await this.git(folder, ['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message]);
    return { workspace_folder: folder, commit_hash: (await this.git(folder, ['rev-parse', 'HEAD'])).trim() };
  }

  /** What a restore from `current` to `target` does to each file. */
  private async changes(folder: string, current: string, target: string): Promise<CheckpointFileChange[]> {
    const out = await this.git(folder, ['diff', '--name-status', '--no-renames', '-z', current, target]);
    const parts = out.split('\0').filter(Boolean);
    const changes: CheckpointFileChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const status = parts[i] === 'A' ? 'ADDED' : parts[i] === 'D' ? 'DELETED' : 'MODIFIED';
      changes.push({ relative_path: parts[i + 1]!, absolute_path: join(folder, parts[i + 1]!), status });
    }
    return changes;
  }

  /** The shadow repository is a cache: no user config, no fsync (a lost snapshot is only a lost undo). */
  private git(folder: string, args: string[], input?: string): Promise<string> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.deps.shadowDir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LANG: 'C' };
    const config = ['-c', 'user.name=refact-ts', '-c', 'user.email=checkpoints@refact-ts.invalid', '-c', 'core.autocrlf=false', '-c', 'core.fileMode=false', '-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', '-c', 'core.fsync=none', '-c', 'core.quotePath=false'];
    return new Promise((resolvePromise, reject) => {
      const child = execFile('git', [`--git-dir=${this.gitDirOf(folder)}`, `--work-tree=${folder}`, ...config, ...args], { cwd: folder, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new CheckpointError(`git ${args[0]} failed: ${stderr.trim() || error.message}`));
        else resolvePromise(stdout);
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }
}

/** An expected failure (unknown checkpoint, foreign folder, git missing) with a reason for the user. */
export class CheckpointError extends Error {}
