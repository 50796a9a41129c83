/**
 * Small pure pieces of turning an editor position into a `refact/getCompletions` request and
 * its answer into ghost text.
 */

/** VS Code columns count UTF-16 units; Refact's `refact/getCompletions` counts code points. */
export function codePointColumn(lineText: string, utf16Column: number): number {
  return [...lineText.slice(0, utf16Column)].length;
}

/** Refact's rule: a cursor with only whitespace left of it on its line gets a multi-line suggestion. */
export function wantsMultiline(linePrefix: string): boolean {
  return linePrefix.trim() === '';
}

/**
 * How many UTF-16 units right of the cursor the suggestion replaces: the closing brackets and
 * punctuation after the cursor when the suggestion's first line already ends with them (the
 * model wrote `a, b)` before an existing `)`), so they are not shown twice; else none.
 */
export function replacedSuffixLength(lineSuffix: string, completion: string): number {
  const tail = lineSuffix.trimEnd();
  if (tail === '') return 0;
  const firstLine = completion.split('\n', 1)[0]!;
  return firstLine.trimEnd().endsWith(tail) ? tail.length : 0;
}
