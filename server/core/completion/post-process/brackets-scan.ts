/**
 * A rough bracket scanner for one piece of code: strings (single, double, back quotes) are
 * skipped so that `")"` is no bracket. Comments are not recognised; completions are short and
 * the filters that use this only ever cut or keep, never insert.
 */

const PAIRS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
const OPENERS = new Set(['(', '[', '{']);

export interface Scan {
  /** Openers not closed, innermost last. */
  open: string[];
  /** Offsets of closers that matched no opener. */
  strayClosers: number[];
}

/** Scans `text`, starting with the openers `open` already unclosed before it. */
export function scanBrackets(text: string, open: readonly string[] = []): Scan {
  const stack = [...open];
  const strayClosers: number[] = [];
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote || (c === '\n' && quote !== '`')) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (OPENERS.has(c)) stack.push(c);
    else if (c in PAIRS) {
      if (stack.length > 0 && stack[stack.length - 1] === PAIRS[c]) stack.pop();
      else strayClosers.push(i);
    }
  }
  return { open: stack, strayClosers };
}

/** How far from balanced a piece is: unclosed openers plus closers that close nothing. */
export function imbalance(text: string): number {
  const scan = scanBrackets(text);
  return scan.open.length + scan.strayClosers.length;
}
