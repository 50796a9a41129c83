/**
 * Project instructions: what the project tells an assistant about itself, in Refact's file
 * (`.refact/instructions.md`) and in the files other assistants read (`AGENTS.md`,
 * `CLAUDE.md`, `.github/copilot-instructions.md`, Cursor's rules). Found files are joined into
 * one block for the system prompt, each under its path, within a size budget. Pure.
 */

/** Files read from each workspace folder, in this order. */
export const INSTRUCTION_FILES = ['.refact/instructions.md', 'AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md', '.cursorrules'] as const;

/** Folders whose `.md` and `.mdc` files are rules (Cursor's, one rule per file). */
export const INSTRUCTION_DIRS = ['.cursor/rules'] as const;

export function isRuleFile(name: string): boolean {
  return /\.(md|mdc)$/i.test(name);
}

export interface InstructionFile {
  /** Absolute path. */
  path: string;
  /** The path as shown to the model: relative to its workspace folder. */
  shown: string;
  text: string;
}

/** Per file and in all: instructions should steer the model, not fill its window. */
export const MAX_INSTRUCTION_FILE_CHARS = 16_000;
export const MAX_INSTRUCTIONS_CHARS = 48_000;

/** Cursor's `.mdc` rules start with YAML front matter (description, globs); the model needs the body. */
export function stripFrontMatter(text: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/.exec(text);
  return m ? text.slice(m[0].length) : text;
}

export interface AssembledInstructions {
  text: string;
  /** Files cut or left out for size. */
  cut: string[];
}

export function assembleInstructions(files: readonly InstructionFile[], maxChars = MAX_INSTRUCTIONS_CHARS): AssembledInstructions {
  const parts: string[] = [];
  const cut: string[] = [];
  let used = 0;
  const seen = new Set<string>();
  for (const file of files) {
    let body = stripFrontMatter(file.text).trim();
    // The same text under two names (CLAUDE.md a copy or link of AGENTS.md) is said once.
    if (body === '' || seen.has(body)) continue;
    seen.add(body);
    if (body.length > MAX_INSTRUCTION_FILE_CHARS) {
      body = `${body.slice(0, MAX_INSTRUCTION_FILE_CHARS)}\n[cut at ${MAX_INSTRUCTION_FILE_CHARS} characters]`;
      cut.push(file.shown);
    }
    const part = `From ${file.shown}:\n${body}`;
    if (used + part.length > maxChars) {
      cut.push(file.shown);
      continue;
    }
    parts.push(part);
    used += part.length;
  }
  return { text: parts.length ? `# Project instructions\n\n${parts.join('\n\n')}` : '', cut };
}
