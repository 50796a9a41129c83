/**
 * Completion for models without FIM (chat-only providers): the chat model is shown the code
 * with a marked hole and asked for the hole's text only, between tags; the answer is then cut
 * down to the inserted text, whatever the model wrapped around it (code fences, the tags, the
 * line it was completing, the code after the hole).
 */

export const HOLE = '{{FILL_HERE}}';
const OPEN_TAG = '<COMPLETION>';
const CLOSE_TAG = '</COMPLETION>';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface HoleInput {
  path: string;
  /** Code before the cursor (already cut to a budget by the caller). */
  prefix: string;
  /** Code after the cursor. */
  suffix: string;
  multiline: boolean;
  /** Context snippets already rendered (path comments), or ''. */
  context?: string;
}

const SYSTEM = [
  'You are a code completion engine. You are given a file with one hole marked ' + HOLE + '.',
  'Answer with exactly the text that belongs in the hole, between ' + OPEN_TAG + ' and ' + CLOSE_TAG + ', and nothing else:',
  'no explanation, no code fences, no repetition of the code before or after the hole. Keep the file\'s indentation.',
].join('\n');

export function buildHoleMessages(input: HoleInput): ChatMessage[] {
  const scope = input.multiline
    ? 'Fill the hole with the code that most likely belongs there: a line or a short block.'
    : 'Fill the hole with the rest of the current line only (no line break).';
  const context = input.context ? `Other files of the project:\n${input.context}\n` : '';
  const user = `${context}File ${input.path}:\n${input.prefix}${HOLE}${input.suffix}\n\n${scope}`;
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

/** Max characters of prefix or suffix compared when trimming repeats (a line or so). */
const OVERLAP_WINDOW = 400;

/**
 * The inserted text from a chat answer: inside the tags (or the first code fence, or the whole
 * answer), with a repeated end of the prefix and a repeated start of the suffix removed.
 */
export function extractHoleText(answer: string, prefix: string, suffix: string): string {
  let text = answer.replace(/\r/g, '');
  const open = text.indexOf(OPEN_TAG);
  if (open !== -1) {
    const close = text.indexOf(CLOSE_TAG, open + OPEN_TAG.length);
    text = text.slice(open + OPEN_TAG.length, close === -1 ? undefined : close);
  }
  const fence = /```[^\n]*\n([\s\S]*?)(?:\n?```|$)/.exec(text);
  if (fence) text = fence[1]!;
  // A model that echoes the marker put its text around it: keep what replaces it.
  const hole = text.indexOf(HOLE);
  if (hole !== -1) text = text.slice(0, hole) + text.slice(hole + HOLE.length);
  if (text.startsWith('\n') && !answer.includes(`${OPEN_TAG}\n`)) text = text.slice(1);
  text = stripPrefixEcho(text, prefix);
  text = stripSuffixEcho(text, suffix);
  return text;
}

/**
 * Drops a repeated end of the prefix from the start of `text`: at least the current line's code
 * (shorter overlaps are coincidence), with or without the line's indentation.
 */
function stripPrefixEcho(text: string, prefix: string): string {
  const tail = prefix.slice(-OVERLAP_WINDOW);
  const current = tail.slice(tail.lastIndexOf('\n') + 1).trimStart();
  if (current === '') return text;
  for (let k = Math.min(tail.length, text.length + 200); k >= current.length; k--) {
    const end = tail.slice(tail.length - k);
    if (text.startsWith(end)) return text.slice(k);
    const atLineStart = k === tail.length || tail[tail.length - k - 1] === '\n';
    const bare = end.trimStart();
    if (atLineStart && bare.length >= current.length && text.startsWith(bare)) return text.slice(bare.length);
  }
  return text;
}

/**
 * Drops the longest end of `text` that repeats the start of the suffix: whole lines, or the whole
 * suffix, of more than one character. A lone closer (`)`) is left to post-processing, which
 * knows whether the completion opened it.
 */
function stripSuffixEcho(text: string, suffix: string): string {
  const head = suffix.slice(0, OVERLAP_WINDOW).trimEnd();
  for (let k = Math.min(head.length, text.length); k > 0; k--) {
    const start = head.slice(0, k);
    if (start.trim().length < 2) break;
    const wholeLines = k === head.length || head[k] === '\n';
    if (wholeLines && text.endsWith(start)) return text.slice(0, text.length - k);
  }
  return text;
}
