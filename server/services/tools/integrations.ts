/**
 * Tool configuration on disk, in Refact's places and formats: `integrations.d/*.yaml` in the
 * config folder and in each workspace's `.refact/integrations.d/` (a project file wins over a
 * global one of the same name): `shell.yaml` (timeout, output filter, confirmation) and
 * `cmdline_<name>.yaml` tools; `builtin_tools.yaml` `tools: {<name>: {enabled}}` switches.
 * Read again when older than a few seconds, so edits apply without a restart.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { parseCmdlineTool, type CmdlineTool } from '../../core/tools/cmdline-spec';
import { DEFAULT_CONFIRMATION, parseConfirmation, type ConfirmationRules } from '../../core/tools/confirmation';

export interface ShellSettings {
  timeoutS: number;
  limitLines: number;
  confirmation: ConfirmationRules;
  configPath: string;
}

export interface LoadedIntegrations {
  shell: ShellSettings;
  cmdline: Array<CmdlineTool & { configPath: string }>;
  /** Tool name → enabled, from `builtin_tools.yaml` and each integration file's `tools:`. */
  enabled: Map<string, boolean>;
  errors: string[];
}

export interface IntegrationsDeps {
  configDir: string;
  folders: () => readonly string[];
  now?: () => number;
}

const RELOAD_MS = 3000;

export class ToolIntegrations {
  private loaded: { at: number; key: string; value: LoadedIntegrations } | null = null;

  constructor(private readonly deps: IntegrationsDeps) {}

  get builtinConfigPath(): string {
    return join(this.deps.configDir, 'builtin_tools.yaml');
  }

  /**
   * Synchronous on purpose: the files are a few small YAMLs, read at most every few seconds, and
   * the session loop asks for the tool list synchronously when it builds a request.
   */
  load(): LoadedIntegrations {
    const now = (this.deps.now ?? Date.now)();
    const key = this.deps.folders().join('\n');
    if (!this.loaded || now - this.loaded.at > RELOAD_MS || this.loaded.key !== key) this.loaded = { at: now, key, value: this.read() };
    return this.loaded.value;
  }

  /** `POST /v1/tools`: records `enabled` under `tools.<name>` in the tool's config file, keeping comments. */
  async setEnabled(configPath: string, name: string, enabled: boolean): Promise<void> {
    const known = [this.builtinConfigPath, ...this.files().map((f) => f.path)];
    if (!known.includes(configPath)) throw new Error(`${configPath} is not a tool configuration file of this engine`);
    const text = existsSync(configPath) ? await readFile(configPath, 'utf8') : '';
    const doc = parseDocument(text);
    doc.setIn(['tools', name, 'enabled'], enabled);
    await mkdir(dirname(configPath), { recursive: true });
    await writeFile(configPath, doc.toString());
    this.loaded = null;
  }

  private files(): Array<{ name: string; path: string }> {
    const byName = new Map<string, string>();
    const dirs = [join(this.deps.configDir, 'integrations.d'), ...this.deps.folders().map((f) => join(f, '.refact', 'integrations.d'))];
    for (const dir of dirs) {
      for (const entry of safeList(dir)) {
        if (/\.ya?ml$/.test(entry)) byName.set(basename(entry).replace(/\.ya?ml$/, ''), join(dir, entry));
      }
    }
    return [...byName].map(([name, path]) => ({ name, path }));
  }

  private read(): LoadedIntegrations {
    const errors: string[] = [];
    const enabled = new Map<string, boolean>();
    const shell: ShellSettings = { timeoutS: 10, limitLines: 40, confirmation: DEFAULT_CONFIRMATION.shell!, configPath: join(this.deps.configDir, 'integrations.d', 'shell.yaml') };
    const cmdline: LoadedIntegrations['cmdline'] = [];
    const readYaml = (path: string): Record<string, unknown> | null => {
      try {
        const value = parse(readFileSync(path, 'utf8')) as unknown;
        return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') errors.push(`${path}: ${(error as Error).message}`);
        return null;
      }
    };
    const noteEnabled = (value: Record<string, unknown> | null) => {
      const tools = value?.tools as Record<string, { enabled?: unknown }> | undefined;
      for (const [name, config] of Object.entries(tools ?? {})) if (typeof config?.enabled === 'boolean') enabled.set(name, config.enabled);
    };
    noteEnabled(readYaml(this.builtinConfigPath));
    for (const { name, path } of this.files()) {
      const value = readYaml(path);
      if (!value) continue;
      noteEnabled(value);
      if (name === 'shell') {
        const t = Number(value.timeout);
        if (Number.isFinite(t) && t > 0) shell.timeoutS = t;
        const limit = Number((value.output_filter as Record<string, unknown> | undefined)?.limit_lines);
        if (Number.isFinite(limit) && limit > 0) shell.limitLines = limit;
        shell.confirmation = parseConfirmation(value.confirmation) ?? shell.confirmation;
        shell.configPath = path;
      } else if (name.startsWith('cmdline_')) {
        const tool = parseCmdlineTool(name, value);
        if (typeof tool === 'string') errors.push(`${path}: ${tool}`);
        else cmdline.push({ ...tool, configPath: path });
      }
    }
    return { shell, cmdline, enabled, errors };
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
