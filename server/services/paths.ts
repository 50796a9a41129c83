/** Where the engine keeps configuration and caches, following DESIGN.md. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface EnginePaths {
  /** `~/.config/refact-ts`: providers.d, customization.yaml, privacy.yaml, indexing.yaml. */
  configDir: string;
  /** `~/.cache/refact-ts`: logs, index store, tokenizers. */
  cacheDir: string;
}

export function resolvePaths(configDir: string, cacheDir: string): EnginePaths {
  const home = homedir();
  return {
    configDir: configDir ? resolve(configDir) : join(home, '.config', 'refact-ts'),
    cacheDir: cacheDir ? resolve(cacheDir) : join(home, '.cache', 'refact-ts'),
  };
}
