import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { knownModel } from './registry/known-models';
import { checkWeights, weightsPath } from './registry/weights';

/** A `--model` / `--embedding-model` argument resolved to a name and a GGUF file. */
export interface LocalModelSpec {
  name: string;
  path: string;
  embedding: boolean;
}

/**
 * `PATH.gguf` (named after the file), `NAME=PATH`, or `NAME` (its GGUF must already be in
 * the perm dir: this never downloads, so an offline start fails with a clear message).
 */
export function resolveModelArg(arg: string, permDir: string, embedding: boolean): LocalModelSpec {
  const eq = arg.indexOf('=');
  if (eq > 0) return { name: arg.slice(0, eq), path: resolve(arg.slice(eq + 1)), embedding };
  if (/\.gguf$/i.test(arg) || arg.startsWith('.') || arg.startsWith('/')) {
    return { name: basename(arg).replace(/\.gguf$/i, ''), path: resolve(arg), embedding };
  }
  const path = weightsPath(permDir, arg);
  if (!existsSync(path)) {
    const hint = knownModel(arg) ? `start once with --download ${arg} (needs network), ` : '';
    throw new Error(`model "${arg}" has no weights at ${path}; ${hint}put its GGUF there, or pass --model ${arg}=/path/to/file.gguf`);
  }
  checkWeights(path);
  return { name: arg, path, embedding };
}

/** Upstream arguments: `URL` (discover models) or `MODEL=URL`. */
export interface UpstreamSpec {
  model: string | null;
  url: string;
}

export function parseUpstreamArg(arg: string): UpstreamSpec {
  if (/^https?:\/\//.test(arg)) return { model: null, url: arg.replace(/\/+$/, '') };
  const eq = arg.indexOf('=');
  return { model: arg.slice(0, eq), url: arg.slice(eq + 1).replace(/\/+$/, '') };
}
