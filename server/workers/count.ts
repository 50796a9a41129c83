/**
 * The `count` worker task: token counts with tiktoken encodings. Each encoder is built once per
 * worker, on first use (building cl100k takes about 0.3 s, o200k about 0.7 s).
 */
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';

export type EncodingName = 'cl100k_base' | 'o200k_base';

export const ENCODINGS: readonly EncodingName[] = ['cl100k_base', 'o200k_base'];

export interface CountInput {
  encoding: EncodingName;
  texts: string[];
}

export interface CountOutput {
  counts: number[];
}

// The sanctioned per-worker cache: built lazily, kept for the worker's life.
const encoders = new Map<EncodingName, Promise<Tiktoken>>();

async function loadRanks(encoding: EncodingName): Promise<TiktokenBPE> {
  if (encoding === 'cl100k_base') return (await import('js-tiktoken/ranks/cl100k_base')).default;
  if (encoding === 'o200k_base') return (await import('js-tiktoken/ranks/o200k_base')).default;
  throw new Error(`unknown encoding '${String(encoding)}'; known: ${ENCODINGS.join(', ')}`);
}

function encoder(encoding: EncodingName): Promise<Tiktoken> {
  let found = encoders.get(encoding);
  if (!found) {
    found = loadRanks(encoding).then((ranks) => new Tiktoken(ranks));
    found.catch(() => encoders.delete(encoding));
    encoders.set(encoding, found);
  }
  return found;
}

/** Counts tokens of each text. Special-token text (`<|endoftext|>`) in a file counts as plain text. */
export async function count(input: CountInput): Promise<CountOutput> {
  const enc = await encoder(input.encoding);
  return { counts: input.texts.map((text) => enc.encode(text, [], []).length) };
}

/** Token ids of one text, for tests and for budget trimming. */
export async function encode(input: { encoding: EncodingName; text: string }): Promise<{ tokens: number[] }> {
  const enc = await encoder(input.encoding);
  return { tokens: enc.encode(input.text, [], []) };
}
