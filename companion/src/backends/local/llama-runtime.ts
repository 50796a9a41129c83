import { existsSync } from 'node:fs';
import { getLlama, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel } from 'node-llama-cpp';
import type { ServerConfig } from '../../config';

/**
 * Starting node-llama-cpp: one `Llama` per server (it owns the compute backend), one model
 * and one context per served GGUF, the context split into `parallel` sequences so requests
 * are batched together. Context size and GPU layers default to node-llama-cpp's "auto", which
 * fits them to the free memory of the chosen device.
 */
export async function startLlama(gpu: ServerConfig['gpu']): Promise<Llama> {
  return getLlama({
    gpu: gpu === 'auto' ? 'auto' : gpu === 'cpu' ? false : gpu,
    // Never compile llama.cpp at run time: the prebuilt binaries ship in the npm packages.
    build: 'never',
    // node-llama-cpp logs through console by default; warnings are enough for a server.
    logLevel: 'warn' as never,
  });
}

export interface LoadedModel {
  model: LlamaModel;
  context: LlamaContext;
  sequences: LlamaContextSequence[];
}

export async function loadModel(
  llama: Llama,
  path: string,
  opts: { parallel: number; ctxSize: number | null; gpuLayers: ServerConfig['gpuLayers']; threads: number | null },
): Promise<LoadedModel> {
  if (!existsSync(path)) throw new Error(`model file not found: ${path}`);
  const model = await llama.loadModel({ modelPath: path, gpuLayers: opts.gpuLayers });
  try {
    const context = await model.createContext({
      sequences: opts.parallel,
      contextSize: opts.ctxSize ?? { max: model.trainContextSize },
      ...(opts.threads ? { threads: opts.threads } : {}),
    });
    const sequences = Array.from({ length: opts.parallel }, () => context.getSequence());
    return { model, context, sequences };
  } catch (err) {
    await model.dispose();
    throw err;
  }
}
