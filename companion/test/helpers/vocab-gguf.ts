/**
 * Vocabulary-only GGUFs for tokenizer tests: llama.cpp loads one with `vocabOnly` and tokenizes
 * with it, so a real vocabulary (Llama 2's, Qwen's) can be tokenized by llama.cpp without its
 * weights. The hyperparameters are the tiny GGUF's; there are no tensors.
 */
import { writeFileSync } from 'node:fs';

export type GgufValue = string | number | boolean | string[] | number[];
/** A metadata value with its GGUF type: 'u32', 'i32', 'f32', 'bool', 'string', or an array of one. */
export type Typed = [type: 'u32' | 'i32' | 'f32' | 'bool' | 'string', value: GgufValue];

const TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8 } as const;
const ARRAY = 9;

function scalar(type: keyof typeof TYPE, v: string | number | boolean): Buffer {
  const b = Buffer.alloc(type === 'bool' ? 1 : 4);
  if (type === 'u32') b.writeUInt32LE(v as number);
  else if (type === 'i32') b.writeInt32LE(v as number);
  else if (type === 'f32') b.writeFloatLE(v as number);
  else if (type === 'bool') b[0] = v ? 1 : 0;
  else return str(v as string);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function str(s: string): Buffer {
  const d = Buffer.from(s, 'utf8');
  return Buffer.concat([u64(d.length), d]);
}

function u32(n: number): Buffer {
  return scalar('u32', n);
}

export function writeVocabGguf(path: string, tokenizer: Record<string, Typed>): void {
  const kv: Record<string, Typed> = {
    'general.architecture': ['string', 'llama'],
    'general.name': ['string', 'vocab-only'],
    'llama.context_length': ['u32', 2048],
    'llama.embedding_length': ['u32', 64],
    'llama.block_count': ['u32', 2],
    'llama.feed_forward_length': ['u32', 128],
    'llama.attention.head_count': ['u32', 4],
    'llama.attention.head_count_kv': ['u32', 4],
    'llama.attention.layer_norm_rms_epsilon': ['f32', 1e-5],
    'llama.rope.dimension_count': ['u32', 16],
    ...tokenizer,
  };
  const parts = [Buffer.from('GGUF'), u32(3), u64(0), u64(Object.keys(kv).length)];
  for (const [key, [type, value]] of Object.entries(kv)) {
    parts.push(str(key));
    if (Array.isArray(value)) {
      parts.push(u32(ARRAY), u32(TYPE[type]), u64(value.length));
      for (const x of value) parts.push(scalar(type, x));
    } else {
      parts.push(u32(TYPE[type]), scalar(type, value));
    }
  }
  writeFileSync(path, Buffer.concat(parts));
}
