/**
 * Serves the merged customization: built-in defaults, the caps server's `customization`, and
 * `customization.yaml` in the config folder, read fresh on each call (it is small and rarely
 * asked for, and edits should show at once).
 */
import { readFile } from 'node:fs/promises';
import type { CustomizationResponse } from '../../src/protocol/http';
import { mergeCustomization } from '../core/customization/merge';
import type { CapsService } from './caps-service';

export class CustomizationService {
  constructor(
    private readonly path: string,
    private readonly caps: CapsService,
    private readonly experimental: boolean,
  ) {}

  /** `includeHidden` also returns prompts marked `show: never` (the agent's own prompts). */
  async load(includeHidden = false): Promise<CustomizationResponse> {
    const [text, readError] = await readFile(this.path, 'utf8').then(
      (t) => [t, null] as const,
      (e: NodeJS.ErrnoException) => [null, e.code === 'ENOENT' ? null : e.message] as const,
    );
    const caps = await this.caps.getCaps();
    const result = mergeCustomization({
      user: { path: this.path, text },
      caps: { source: this.caps.serverCaps()?.url ?? 'caps', text: caps.ok ? caps.caps.customization : '' },
      experimental: this.experimental,
      includeHidden,
    });
    // Without caps the defaults and the user's file still apply; the log says what is missing.
    if (!caps.ok) result.error_log.push({ path: 'caps', error_line: 0, error_msg: caps.detail });
    if (readError) result.error_log.push({ path: this.path, error_line: 0, error_msg: `cannot read: ${readError}` });
    return result;
  }
}
