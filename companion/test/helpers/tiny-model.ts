import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const TINY_GGUF = join(here, '..', '..', '..', 'test', 'fixtures', 'gen', 'tiny-llama.gguf');

/**
 * The generated tiny GGUF, (re)written when missing or stale, so `npm test` works on a fresh
 * checkout and after the generator changes. Generating takes milliseconds.
 */
export async function tinyGguf(): Promise<string> {
  // @ts-expect-error: the generator is a plain .mjs script without type declarations.
  const gen = (await import('../../../test/fixtures/gen-tiny-gguf.mjs')) as { buildTinyGguf: () => Buffer };
  const bytes = gen.buildTinyGguf();
  if (!existsSync(TINY_GGUF) || !readFileSync(TINY_GGUF).equals(bytes)) {
    mkdirSync(dirname(TINY_GGUF), { recursive: true });
    writeFileSync(TINY_GGUF, bytes);
  }
  return TINY_GGUF;
}
