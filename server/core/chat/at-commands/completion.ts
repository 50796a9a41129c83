/**
 * Completion of @-commands as the user types, with Refact's rules: only the cursor's line
 * counts; the words before the cursor, back to the command, are its arguments; an unknown or
 * partial command under the cursor completes to command names, a focused argument to its
 * values; `is_cmd_executable` says the command has all its arguments. Values come from
 * callbacks (files, symbols), so the rules stay pure.
 */
import { parseWords } from './parse';

export interface ParamSpec {
  valid(value: string): boolean | Promise<boolean>;
  complete(value: string, topN: number): Promise<string[]>;
  /** Offer completions for a value that is already valid (a file name may have longer siblings). */
  completeWhenValid: boolean;
}

export interface CompletionAnswer {
  completions: string[];
  replace: [number, number];
  is_cmd_executable: boolean;
}

interface LineArg {
  value: string;
  pos1: number;
  pos2: number;
  focused: boolean;
}

const NOTHING: CompletionAnswer = { completions: [], replace: [-1, -1], is_cmd_executable: false };

/** The line holding `cursor`, the cursor's offset in it, and the line's start; null past the end. */
export function lineWithCursor(query: string, cursor: number): { line: string; cursorInLine: number; lineStart: number } | null {
  let rest = cursor;
  let start = 0;
  for (const line of query.split('\n')) {
    if (rest <= line.length) return { line, cursorInLine: rest, lineStart: start };
    rest -= line.length + 1;
    start += line.length + 1;
  }
  return null;
}

/** Words of the line before the cursor, back to the nearest command (kept as the first). */
export function argsBeforeCursor(line: string, cursorInLine: number, lineStart: number, names: readonly string[]): LineArg[] {
  const args: LineArg[] = [];
  for (const word of parseWords(line.slice(0, cursorInLine)).reverse()) {
    if (names.includes(word.text) && args.some((a) => (a.value.includes('@') && a.focused) || names.includes(a.value))) break;
    const focused = cursorInLine >= word.pos1 && cursorInLine <= word.pos2;
    args.push({ value: word.text, pos1: word.pos1 + lineStart, pos2: word.pos2 + lineStart, focused });
  }
  return args.reverse();
}

export async function completeAtCommand(query: string, cursor: number, commands: Readonly<Record<string, readonly ParamSpec[]>>, topN: number): Promise<CompletionAnswer> {
  const where = lineWithCursor(query, cursor);
  if (!where) return NOTHING;
  const names = Object.keys(commands);
  const args = argsBeforeCursor(where.line, where.cursorInLine, where.lineStart, names);
  const at = args.findIndex((a) => a.value.startsWith('@'));
  if (at < 0) return NOTHING;
  const typed = args[at]!;
  const params = commands[typed.value];
  if (!params) {
    if (!typed.focused) return NOTHING;
    const matching = names.filter((n) => n.startsWith(typed.value)).sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, 5);
    return answer(matching, false, typed.pos1, typed.pos2);
  }
  const given = args.slice(at + 1, at + 1 + params.length);
  const executable = given.length === params.length;
  for (let i = 0; i < given.length; i++) {
    const arg = given[i]!;
    const param = params[i]!;
    const isValid = await param.valid(arg.value);
    if (!isValid) return arg.focused ? answer(await param.complete(arg.value, topN), executable, arg.pos1, arg.pos2) : NOTHING;
    if (arg.focused && param.completeWhenValid) return answer(await param.complete(arg.value, topN), executable, arg.pos1, arg.pos2);
  }
  if (executable) return { ...NOTHING, is_cmd_executable: true };
  // The command is typed and the cursor is past it: suggest values for the next argument.
  const next = params[given.length];
  if (!typed.focused && next) return answer(await next.complete('', topN), false, cursor, cursor);
  return NOTHING;
}

function answer(values: string[], executable: boolean, pos1: number, pos2: number): CompletionAnswer {
  return { completions: [...new Set(values)].map((v) => `${v} `), replace: [pos1, pos2], is_cmd_executable: executable };
}
