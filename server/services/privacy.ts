/**
 * The one place that decides whether a file may be sent to a model: `privacy.yaml` in the
 * config folder (Refact's built-in rules when there is none) plus each workspace folder's
 * `.refact/privacy.yaml`. Every context source (@-commands, project instructions, the active
 * file, completion context, agent tools) asks here before a file's text leaves the engine.
 * Files are read again when they are older than a few seconds, as Refact does, so edits apply
 * without a restart; a file that does not parse blocks everything it covers and says why.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  BLOCK_EVERYTHING,
  compilePrivacy,
  DEFAULT_PRIVACY_YAML,
  parsePrivacyYaml,
  PrivacyLevel,
  privacyVerdict,
  type PrivacyMatch,
  type PrivacySource,
  type PrivacyVerdict,
} from '../core/privacy';
import type { Logger } from './logger';

export interface PrivacyServiceDeps {
  configDir: string;
  /** The workspace folders, asked on each reload. */
  folders: () => readonly string[];
  logger?: Logger;
  now?: () => number;
  /** How long loaded rules are trusted before the files are looked at again (ms). */
  reloadMs?: number;
}

interface Loaded {
  at: number;
  decide: (path: string) => PrivacyMatch;
  errors: string[];
}

/** Refact re-reads privacy.yaml when its copy is older than 3 s. */
const RELOAD_MS = 3000;

export class PrivacyService {
  private loaded: Promise<Loaded> | null = null;
  private loadedAt = -Infinity;
  private readonly now: () => number;

  constructor(private readonly deps: PrivacyServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The global file's path (`<configDir>/privacy.yaml`). */
  get globalPath(): string {
    return join(this.deps.configDir, 'privacy.yaml');
  }

  async levelOf(path: string): Promise<PrivacyMatch> {
    return (await this.rules()).decide(resolve(path));
  }

  async isBlocked(path: string): Promise<boolean> {
    return (await this.levelOf(path)).level === PrivacyLevel.Blocked;
  }

  /** Whether `path` may go to a model; `modelIsLocal`: the model runs on a server the user controls. */
  async check(path: string, modelIsLocal: boolean): Promise<PrivacyVerdict> {
    const absolute = resolve(path);
    return privacyVerdict(absolute, (await this.rules()).decide(absolute), modelIsLocal);
  }

  /** A synchronous checker over the rules as they are now, for loops over many paths. */
  async checker(modelIsLocal: boolean): Promise<(path: string) => PrivacyVerdict> {
    const { decide } = await this.rules();
    return (path) => privacyVerdict(path, decide(path), modelIsLocal);
  }

  /** Problems with the privacy files (each one blocks what it covers). */
  async errors(): Promise<string[]> {
    return (await this.rules()).errors;
  }

  private rules(): Promise<Loaded> {
    const now = this.now();
    if (!this.loaded || now - this.loadedAt >= (this.deps.reloadMs ?? RELOAD_MS)) {
      this.loadedAt = now;
      this.loaded = this.load(now);
    }
    return this.loaded;
  }

  private async load(at: number): Promise<Loaded> {
    const errors: string[] = [];
    const sources: PrivacySource[] = [];
    const global = await readText(this.globalPath);
    sources.push(this.source(this.globalPath, null, global ?? DEFAULT_PRIVACY_YAML, errors));
    for (const folder of this.deps.folders()) {
      const path = join(resolve(folder), '.refact', 'privacy.yaml');
      const text = await readText(path);
      if (text !== null) sources.push(this.source(path, resolve(folder), text, errors));
    }
    return { at, decide: compilePrivacy(sources), errors };
  }

  private source(path: string, projectRoot: string | null, text: string, errors: string[]): PrivacySource {
    const parsed = parsePrivacyYaml(text, path);
    if (parsed.ok) return { path, projectRoot, rules: parsed.rules };
    const error = `${path}: ${parsed.error}; every file it covers is blocked until it is fixed`;
    errors.push(error);
    this.deps.logger?.warn(`privacy: ${error}`);
    return { path, projectRoot, rules: BLOCK_EVERYTHING };
  }
}

async function readText(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  return readFile(path, 'utf8').catch(() => null);
}
