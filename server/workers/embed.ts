/**
 * The `embed` worker task: a sentence-embedding ONNX model (BERT signature: `input_ids`,
 * `attention_mask`, optionally `token_type_ids`) with its HF `tokenizer.json`. Texts are
 * tokenized and truncated to the model's context, batched with padding, run on the CPU, then
 * mean-pooled over the attention mask and L2-normalized. A model whose output is already
 * pooled ([batch, dim]) is only normalized. Session and tokenizer load once per worker.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { InferenceSession, Tensor } from 'onnxruntime-node';

export interface LocalModel {
  /** Absolute path of the `.onnx` file. */
  model: string;
  /** Absolute path of its `tokenizer.json`. */
  tokenizer: string;
  /** Most tokens per text, special tokens included; longer texts are cut. */
  maxTokens: number;
}

export interface EmbedInput {
  model: LocalModel;
  texts: string[];
}

export interface EmbedOutput {
  dims: number;
  /** `texts.length × dims` floats, row by row, each row of length 1. */
  vectors: Float32Array;
}

interface Loaded {
  session: InferenceSession;
  tokenizer: Tokenizer;
  padId: number;
}

// The sanctioned per-worker cache: sessions by model file, loaded on first use.
const loaded = new Map<string, Promise<Loaded>>();

async function load(model: LocalModel): Promise<Loaded> {
  const key = `${model.model}\0${model.tokenizer}`;
  let found = loaded.get(key);
  if (!found) {
    found = (async () => {
      const tokenizer = new Tokenizer(JSON.parse(readFileSync(model.tokenizer, 'utf8')) as object, {});
      // One intra-op thread: the pool's workers are the parallelism, one per core.
      const session = await InferenceSession.create(model.model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
      const padId = tokenizer.token_to_id('[PAD]') ?? tokenizer.token_to_id('<pad>') ?? 0;
      return { session, tokenizer, padId };
    })();
    found.catch(() => loaded.delete(key));
    loaded.set(key, found);
  }
  return found;
}

/** Token ids with the tokenizer's special tokens, cut to `max` keeping the final (separator) token. */
export function encodeTruncated(tokenizer: Tokenizer, text: string, max: number): number[] {
  const ids = tokenizer.encode(text).ids;
  if (ids.length <= max) return ids;
  return [...ids.slice(0, max - 1), ids[ids.length - 1]!];
}

export async function embed(input: EmbedInput): Promise<EmbedOutput> {
  const { session, tokenizer, padId } = await load(input.model);
  const encoded = input.texts.map((text) => encodeTruncated(tokenizer, text, Math.max(2, input.model.maxTokens)));
  const batch = encoded.length;
  const seq = Math.max(1, ...encoded.map((ids) => ids.length));
  const ids = new BigInt64Array(batch * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * seq);
  encoded.forEach((row, b) => {
    for (let t = 0; t < row.length; t++) {
      ids[b * seq + t] = BigInt(row[t]!);
      mask[b * seq + t] = 1n;
    }
  });
  const feeds: Record<string, Tensor> = {
    input_ids: new Tensor('int64', ids, [batch, seq]),
    attention_mask: new Tensor('int64', mask, [batch, seq]),
  };
  if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', new BigInt64Array(batch * seq), [batch, seq]);
  const outputs = await session.run(feeds);
  const name = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0]!;
  const output = outputs[name]!;
  const data = output.data as Float32Array;
  const dims = Number(output.dims[output.dims.length - 1]);
  const vectors = new Float32Array(batch * dims);
  if (output.dims.length === 3) meanPool(data, encoded, seq, dims, vectors);
  else vectors.set(data.subarray(0, batch * dims));
  for (let b = 0; b < batch; b++) normalize(vectors.subarray(b * dims, (b + 1) * dims));
  return { dims, vectors };
}

function meanPool(hidden: Float32Array, encoded: number[][], seq: number, dims: number, out: Float32Array): void {
  encoded.forEach((row, b) => {
    const target = out.subarray(b * dims, (b + 1) * dims);
    for (let t = 0; t < row.length; t++) {
      const base = (b * seq + t) * dims;
      for (let d = 0; d < dims; d++) target[d]! += hidden[base + d]!;
    }
    for (let d = 0; d < dims; d++) target[d]! /= Math.max(1, row.length);
  });
}

function normalize(v: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
}

/** Token counts with the model's tokenizer (special tokens included), for sizing chunks. */
export async function countModelTokens(input: { model: LocalModel; texts: string[] }): Promise<number[]> {
  const { tokenizer } = await load(input.model);
  return input.texts.map((text) => tokenizer.encode(text).ids.length);
}
