/**
 * The providers.d folder on disk: listing, a cheap change stamp, reads, atomic writes and
 * deletes. Knows files, not providers; parsing is `core/providers`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { YamlError } from '../../src/protocol/http';
import type { ProviderFile } from '../core/providers/load';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

export interface ProviderFiles {
  files: ProviderFile[];
  errors: YamlError[];
}

export class ProvidersStore {
  constructor(readonly dir: string) {}

  pathOf(name: string): string {
    return join(this.dir, `${name}.yaml`);
  }

  /** File names in a stable order, so that later files override earlier defaults predictably. */
  private async names(): Promise<string[] | null> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      return entries.filter((e) => e.isFile() && YAML_EXTENSIONS.has(extname(e.name))).map((e) => e.name).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Changes whenever a provider file is added, removed, edited or touched. One directory read
   * and a stat per file: cheap enough to call on every caps access.
   */
  async stamp(): Promise<string> {
    let names: string[] | null;
    try {
      names = await this.names();
    } catch (error) {
      return `unreadable:${(error as Error).message}`;
    }
    if (names === null) return 'absent';
    const parts = await Promise.all(
      names.map(async (name) => {
        const info = await stat(join(this.dir, name)).catch(() => null);
        return info ? `${name}:${info.mtimeMs}:${info.size}` : `${name}:gone`;
      }),
    );
    return parts.join('|');
  }

  async readAll(): Promise<ProviderFiles> {
    const files: ProviderFile[] = [];
    const errors: YamlError[] = [];
    let names: string[] | null = [];
    try {
      names = await this.names();
    } catch (error) {
      errors.push({ path: this.dir, error_line: 0, error_msg: `cannot read the providers folder: ${(error as Error).message}` });
    }
    for (const fileName of names ?? []) {
      const path = join(this.dir, fileName);
      try {
        files.push({ name: fileName.slice(0, -extname(fileName).length), path, text: await readFile(path, 'utf8') });
      } catch (error) {
        errors.push({ path, error_line: 0, error_msg: `cannot read: ${(error as Error).message}` });
      }
    }
    return { files, errors };
  }

  /** The file's text, or null when there is none. */
  async read(name: string): Promise<string | null> {
    for (const ext of YAML_EXTENSIONS) {
      try {
        return await readFile(join(this.dir, `${name}${ext}`), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return null;
  }

  /** Existing `.yml` files are rewritten in place; new files get `.yaml`. */
  private async existingPath(name: string): Promise<string | null> {
    for (const ext of YAML_EXTENSIONS) {
      const path = join(this.dir, `${name}${ext}`);
      if (await stat(path).then(() => true, () => false)) return path;
    }
    return null;
  }

  /** Writes beside the target and renames over it, so a reader never sees half a file. */
  async write(name: string, text: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const path = (await this.existingPath(name)) ?? this.pathOf(name);
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text, 'utf8');
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return path;
  }

  /** True when a file was removed. */
  async remove(name: string): Promise<boolean> {
    const path = await this.existingPath(name);
    if (!path) return false;
    await rm(path);
    return true;
  }
}
