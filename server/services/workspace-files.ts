/**
 * Lists the files of the workspace the way Refact does: `git ls-files` per repository (tracked
 * and untracked-but-not-ignored), a walk elsewhere, then `indexing.yaml` blocklists, additional
 * indexing dirs, and the binary/size checks. Reports why files were left out.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import ignore, { type Ignore } from 'ignore';
import {
  compileBlocklist,
  defaultIndexingSettings,
  hasBinaryExtension,
  MAX_FILE_BYTES,
  mergeIndexing,
  parseIndexingYaml,
  type IndexingSettings,
} from '../core/indexing-rules';
import type { Logger } from './logger';

const run = promisify(execFile);

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export interface FileListing {
  /** Absolute paths, sorted, without duplicates, at most `maxFiles`. */
  files: string[];
  /** Size and mtime of each listed file, as seen while listing (so callers need not stat again). */
  stamps: Map<string, FileStat>;
  /** Reason → how many files it left out. */
  rejected: Record<string, number>;
  maxFilesHit: boolean;
  vcsRoots: string[];
}

export interface WorkspaceFilesDeps {
  configDir: string;
  home: string;
  logger: Logger;
  maxFiles: number;
}

export class WorkspaceFiles {
  constructor(private readonly deps: WorkspaceFilesDeps) {}

  /** The global `indexing.yaml` merged with the project's `.refact/indexing.yaml`; defaults if absent. */
  indexingFor(projectRoot: string | null): IndexingSettings {
    const global = this.load(join(this.deps.configDir, 'indexing.yaml'), null) ?? defaultIndexingSettings();
    const project = projectRoot ? this.load(join(projectRoot, '.refact', 'indexing.yaml'), projectRoot) : null;
    return mergeIndexing(global, project);
  }

  /** The folders and the additional indexing dirs their settings name: each file belongs to one. */
  roots(folders: readonly string[]): string[] {
    const roots = folders.map((f) => resolve(f));
    for (const folder of [...roots]) {
      for (const extra of this.indexingFor(folder).additionalIndexingDirs) if (!roots.includes(extra)) roots.push(extra);
    }
    return roots;
  }

  async list(folders: readonly string[]): Promise<FileListing> {
    const rejected: Record<string, number> = {};
    const reject = (reason: string) => (rejected[reason] = (rejected[reason] ?? 0) + 1);
    const vcsRoots: string[] = [];
    const seen = new Set<string>();
    const accepted: string[] = [];
    const stamps = new Map<string, FileStat>();
    for (const root of this.roots(folders)) {
      const blocked = compileBlocklist(this.indexingFor(root).blocklist, root);
      const candidates = await this.candidates(root, vcsRoots);
      for (const path of candidates) {
        if (seen.has(path)) continue;
        seen.add(path);
        const checked = blocked(path) ? 'blocklisted' : checkFile(path);
        if (typeof checked === 'string') reject(checked);
        else {
          accepted.push(path);
          stamps.set(path, checked);
        }
      }
    }
    accepted.sort();
    const maxFilesHit = accepted.length > this.deps.maxFiles;
    if (maxFilesHit) rejected['over max files'] = accepted.length - this.deps.maxFiles;
    const files = accepted.slice(0, this.deps.maxFiles);
    for (const path of accepted.slice(this.deps.maxFiles)) stamps.delete(path);
    return { files, stamps, rejected, maxFilesHit, vcsRoots };
  }

  /** Why a single path (from a file event) is not indexed, or null if it is. */
  reasonToSkip(path: string, projectRoot: string): string | null {
    if (compileBlocklist(this.indexingFor(projectRoot).blocklist, projectRoot)(path)) return 'blocklisted';
    const checked = checkFile(path);
    return typeof checked === 'string' ? checked : null;
  }

  private async candidates(root: string, vcsRoots: string[]): Promise<string[]> {
    const fromGit = await gitFiles(root);
    if (fromGit) {
      vcsRoots.push(fromGit.top);
      return fromGit.files;
    }
    return walk(root, compileBlocklist(this.indexingFor(root).blocklist, root), vcsRoots);
  }

  private load(path: string, projectRoot: string | null): IndexingSettings | null {
    if (!existsSync(path)) return null;
    const parsed = parseIndexingYaml(readFileSync(path, 'utf8'), this.deps.home, projectRoot);
    if (parsed.ok) return parsed.settings;
    this.deps.logger.warn(`${path}: ${parsed.error}; using defaults`);
    return null;
  }
}

/** Why a file is left out, or its size and mtime (whole milliseconds) when it is kept. */
function checkFile(path: string): string | FileStat {
  if (hasBinaryExtension(path)) return 'binary';
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 'missing';
  }
  if (!stat.isFile()) return 'not a file';
  return stat.size > MAX_FILE_BYTES ? 'over 4 MB' : { size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) };
}

/** Tracked and untracked-but-not-ignored files under `root`, or null when it is not in a repository. */
async function gitFiles(root: string): Promise<{ top: string; files: string[] } | null> {
  try {
    const top = (await run('git', ['-C', root, 'rev-parse', '--show-toplevel'])).stdout.trim();
    const { stdout } = await run('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 512 * 1024 * 1024 });
    return { top, files: stdout.split('\0').filter(Boolean).map((relative) => join(root, relative)) };
  } catch {
    return null;
  }
}

/** A directory's `.gitignore` rules, applied to paths below it. */
interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

/**
 * Walks a folder outside any repository, honouring `.gitignore` files on the way (an unpacked
 * tarball of a project still has them); repositories found inside are listed by git.
 */
async function walk(root: string, blocked: (path: string) => boolean, vcsRoots: string[]): Promise<string[]> {
  const files: string[] = [];
  const pending: { dir: string; scopes: IgnoreScope[] }[] = [{ dir: root, scopes: [] }];
  while (pending.length > 0) {
    const { dir, scopes: parentScopes } = pending.pop()!;
    if (dir !== root && existsSync(join(dir, '.git'))) {
      const repo = await gitFiles(dir);
      if (repo) {
        vcsRoots.push(repo.top);
        files.push(...repo.files);
        continue;
      }
    }
    let entries: Dirent[];
    try {
      // Entry types come with the listing: no stat per entry.
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    const scopes = entries.some((e) => e.name === '.gitignore') ? [...parentScopes, await ignoreScope(dir)] : parentScopes;
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!blocked(`${path}/`) && !ignored(scopes, path, true)) pending.push({ dir: path, scopes });
      } else if (entry.isFile() && !ignored(scopes, path, false)) files.push(path);
    }
  }
  return files;
}

async function ignoreScope(dir: string): Promise<IgnoreScope> {
  const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => '');
  return { dir, rules: ignore().add(text) };
}

function ignored(scopes: readonly IgnoreScope[], path: string, isDir: boolean): boolean {
  return scopes.some(({ dir, rules }) => rules.ignores(relative(dir, path) + (isDir ? '/' : '')));
}
