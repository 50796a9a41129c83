import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Its own folder: a tokenizer.json beside the tiny GGUF would be served as that model's tokenizer.
export const GEN_DIR = join(__dirname, '..', 'fixtures', 'gen', 'embedder');

/** The generated tiny ONNX embedder and its tokenizer, written on demand (milliseconds). */
export async function tinyEmbedder(): Promise<{ model: string; tokenizer: string; dims: number }> {
  const model = join(GEN_DIR, 'tiny-embedder.onnx');
  const tokenizer = join(GEN_DIR, 'tokenizer.json');
  // @ts-expect-error: the generator is a plain .mjs script without type declarations.
  const gen = (await import('../fixtures/gen-tiny-embedder.mjs')) as { writeTinyEmbedder: (dir: string) => Promise<{ model: string; tokenizer: string; dims: number }>; EMBEDDER_DIMS: number };
  if (!existsSync(model) || !existsSync(tokenizer)) return gen.writeTinyEmbedder(GEN_DIR);
  return { model, tokenizer, dims: gen.EMBEDDER_DIMS };
}
