/**
 * Natural-language probes for the retrieval benchmark: what a person (or chat's `@search`)
 * would type to find a function they cannot name. Each is made mechanically from a function's
 * own docstring or leading comment, so nobody hand-picks easy ones: the comment's plain words,
 * minus the function's own name parts (the query must not be the name), a few swapped for
 * synonyms and the order shuffled, at most 12 words. The answer is the file that defines it.
 */
import type { AstDefinition } from '../server/core/ast/types';
import { codeTokens } from '../server/core/retrieval/code-tokens';

/** A small paraphrase table: common docstring verbs and nouns and what else people say. */
const SYNONYMS = new Map<string, string>(Object.entries({
  return: 'give', returns: 'gives', get: 'fetch', gets: 'fetches', create: 'make', creates: 'makes',
  check: 'verify', checks: 'verifies', remove: 'delete', removes: 'deletes', find: 'locate',
  finds: 'locates', convert: 'transform', converts: 'transforms', add: 'append', adds: 'appends',
  list: 'sequence', string: 'text', number: 'count', value: 'result', values: 'results',
  specified: 'given', element: 'item', elements: 'items', current: 'present', default: 'fallback',
  first: 'initial', error: 'failure', errors: 'failures', object: 'instance', build: 'construct',
  builds: 'constructs', parse: 'read', parses: 'reads', whether: 'if', called: 'invoked',
}));

const MAX_WORDS = 12;
/** Words left after the index's stop words, at least. */
const MIN_WORDS = 4;

/** The comment right above a JS/TS declaration, or a Python docstring at the top of the body. */
export function docComment(lines: readonly string[], def: AstDefinition, python: boolean): string {
  if (python) {
    if (def.bodyLine1 <= 0) return '';
    const at = def.bodyLine1 - 1; // the body's first line, 0-based
    const first = lines[at]?.trim() ?? '';
    const quote = first.match(/^[rubRUB]?("""|''')/)?.[1];
    if (!quote) return '';
    const out: string[] = [];
    for (let i = at; i < Math.min(lines.length, at + 30); i++) {
      const line = i === at ? first.slice(first.indexOf(quote) + 3) : lines[i]!;
      const end = line.indexOf(quote);
      out.push(end >= 0 ? line.slice(0, end) : line);
      if (end >= 0) break;
    }
    return out.join('\n');
  }
  let i = def.declLine1 - 2;
  while (i >= 0 && /^\s*@/.test(lines[i]!)) i--; // decorators
  const out: string[] = [];
  if (/\*\/\s*$/.test(lines[i] ?? '')) {
    for (; i >= 0 && out.length < 30; i--) {
      out.unshift(lines[i]!);
      if (/\/\*/.test(lines[i]!)) return out.join('\n');
    }
    return '';
  }
  for (; i >= 0 && /^\s*\/\//.test(lines[i]!) && out.length < 30; i--) out.unshift(lines[i]!);
  return out.join('\n');
}

/**
 * The probe text for `doc` of a definition named `name`, or null when too little is left: only
 * the description (tags like `@param` and what follows are cut), plain lowercase-able words
 * (no `snake_case`, `camelCase`, digits or paths), without the name's parts.
 */
export function paraphrase(doc: string, name: string, seed: number): string | null {
  const description = doc.split(/\n\s*(?:\/?\**\s*)?[@:](?:param|returns?|throws|type|example|see|raises|rtype)\b/)[0]!;
  const own = new Set(codeTokens(name));
  const words: string[] = [];
  for (const raw of description.split(/\s+/)) {
    const word = raw.replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, '');
    if (!/^[A-Za-z][a-z]+$/.test(word) || word.length < 3) continue;
    const lower = word.toLowerCase();
    if (own.has(lower)) continue;
    words.push(lower);
  }
  const picked = words.slice(0, MAX_WORDS);
  // Enough words that carry meaning (the lexical index drops `the`, `for` and the like).
  if (new Set(codeTokens(picked.join(' '))).size < MIN_WORDS) return null;
  let swapped = 0;
  const out = picked.map((w) => (SYNONYMS.has(w) && swapped++ % 2 === 0 ? SYNONYMS.get(w)! : w));
  // A seeded Fisher–Yates shuffle: the same probes every run, in an order nobody wrote.
  let state = (seed + 1) >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = (state >>> 8) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.join(' ');
}
