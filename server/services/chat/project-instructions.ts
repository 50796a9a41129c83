/**
 * Reads the project instructions of each workspace folder (see `core/chat/instructions.ts`),
 * after the privacy check: an instructions file that privacy rules keep from the model is left
 * out, with a warning that says so. Read on each request: they are small, and edits show at once.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assembleInstructions, INSTRUCTION_DIRS, INSTRUCTION_FILES, isRuleFile, type InstructionFile } from '../../core/chat/instructions';
import type { PrivacyService } from '../privacy';

export interface ProjectInstructions {
  /** The block for the system prompt; '' when the project has none. */
  text: string;
  /** Absolute paths of the files used. */
  files: string[];
  warnings: string[];
}

/** Larger files are not instructions; they are not read at all. */
const MAX_FILE_BYTES = 256 * 1024;

export class ProjectInstructionsService {
  constructor(private readonly deps: { folders: () => readonly string[]; privacy: PrivacyService }) {}

  async load(modelIsLocal: boolean): Promise<ProjectInstructions> {
    const allowed = await this.deps.privacy.checker(modelIsLocal);
    const found: InstructionFile[] = [];
    const warnings: string[] = [];
    for (const folder of this.deps.folders()) {
      const candidates: string[] = [...INSTRUCTION_FILES];
      for (const dir of INSTRUCTION_DIRS) {
        const names = await readdir(join(folder, dir)).catch(() => [] as string[]);
        candidates.push(...names.filter(isRuleFile).sort().map((name) => `${dir}/${name}`));
      }
      for (const shown of candidates) {
        const path = join(folder, shown);
        const info = await stat(path).catch(() => null);
        if (!info?.isFile() || info.size > MAX_FILE_BYTES) continue;
        const verdict = allowed(path);
        if (!verdict.allowed) {
          warnings.push(`project instructions ${shown} not sent: ${verdict.reason}`);
          continue;
        }
        const text = await readFile(path, 'utf8').catch(() => null);
        if (text !== null) found.push({ path, shown, text });
      }
    }
    const assembled = assembleInstructions(found);
    for (const shown of assembled.cut) warnings.push(`project instructions ${shown} were cut to fit the size limit`);
    return { text: assembled.text, files: found.map((f) => f.path), warnings };
  }
}
