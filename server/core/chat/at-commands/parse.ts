/**
 * Finding @-commands in a chat message, as Refact does: the text splits into words (`@?\S+`,
 * trailing `!.,?` trimmed), a word that names a command starts one, and the words after it,
 * up to the next command, are its arguments. Positions are UTF-16 offsets into the text, the
 * same offsets the GUI highlights and `replace` ranges use.
 */

export interface Word {
  text: string;
  pos1: number;
  pos2: number;
}

/** A command or an argument as the preview highlights it. */
export interface AtMember extends Word {
  kind: 'cmd' | 'arg';
  ok: boolean;
  reason: string;
}

export interface ParsedCommand {
  cmd: AtMember;
  /** Every word up to the next command; the command keeps those it uses. */
  args: AtMember[];
}

export const AT_COMMAND_NAMES = ['@file', '@definition', '@references', '@tree', '@search', '@web'] as const;
export type AtCommandName = (typeof AT_COMMAND_NAMES)[number];

export function parseWords(line: string): Word[] {
  const words: Word[] = [];
  for (const match of line.matchAll(/@?\S+/g)) {
    const text = match[0].replace(/[!.,?]+$/, '');
    if (text !== '') words.push({ text, pos1: match.index!, pos2: match.index! + text.length });
  }
  return words;
}

export function findCommands(text: string, names: readonly string[] = AT_COMMAND_NAMES): ParsedCommand[] {
  const words = parseWords(text);
  const known = new Set(names);
  const found: ParsedCommand[] = [];
  words.forEach((word, i) => {
    if (!known.has(word.text)) return;
    const args: AtMember[] = [];
    for (const next of words.slice(i + 1)) {
      if (known.has(next.text)) break;
      args.push({ ...next, kind: 'arg', ok: true, reason: '' });
    }
    found.push({ cmd: { ...word, kind: 'cmd', ok: true, reason: '' }, args });
  });
  return found;
}

/** What replaces a command and the arguments it used in the text the model sees. */
export interface Clip {
  pos1: number;
  pos2: number;
  text: string;
}

/** Applies clips from the end backwards, so earlier offsets stay valid. */
export function applyClips(text: string, clips: readonly Clip[]): string {
  let out = text;
  for (const clip of [...clips].sort((a, b) => b.pos1 - a.pos1)) out = out.slice(0, clip.pos1) + clip.text + out.slice(clip.pos2);
  return out;
}
