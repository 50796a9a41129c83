/**
 * tiktoken rank files: one `<base64 token> <rank>` per line, as OpenAI publishes its encodings
 * (`cl100k_base.tiktoken`) and Meta ships Llama 3's `tokenizer.model`. Told apart from a
 * `tokenizer.json` by content, not by name, since a URL or a cache file may be named either way.
 */

export const RANK_LINE = /^[A-Za-z0-9+/]+={0,2} \d+$/;

/** Whether text reads as a tiktoken rank file (its first 4 KB, whole lines only). */
export function looksLikeRanks(text: string): boolean {
  const lines = text.slice(0, 4096).split('\n');
  if (text.length > 4096) lines.pop();
  const full = lines.map((l) => l.trim()).filter(Boolean);
  return full.length > 0 && full.every((l) => RANK_LINE.test(l));
}

/** js-tiktoken's rank format (`! <rank> <token>` lines) from a rank file's lines; throws naming a bad line. */
export function toJsTiktokenRanks(text: string, source: string): { bpeRanks: string; size: number } {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = lines.findIndex((l) => !RANK_LINE.test(l));
  if (lines.length === 0 || bad !== -1) throw new Error(`${source} is not a tiktoken rank file (line ${bad + 1}: ${JSON.stringify((lines[bad] ?? '').slice(0, 40))})`);
  const bpeRanks = lines.map((l) => `! ${l.slice(l.indexOf(' ') + 1)} ${l.slice(0, l.indexOf(' '))}`).join('\n');
  return { bpeRanks, size: lines.length };
}
