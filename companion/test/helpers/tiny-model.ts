import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const TINY_GGUF = join(here, '..', '..', '..', 'test', 'fixtures', 'gen', 'tiny-llama.gguf');

/** The generated tiny GGUF; made on demand so `npm test` works on a fresh checkout. */
export async function tinyGguf(): Promise<string> {
  if (!existsSync(TINY_GGUF)) {
    // @ts-expect-error: the generator is a plain .mjs script without type declarations.
    const gen = (await import('../../../test/fixtures/gen-tiny-gguf.mjs')) as { buildTinyGguf: () => Buffer };
    mkdirSync(dirname(TINY_GGUF), { recursive: true });
    writeFileSync(TINY_GGUF, gen.buildTinyGguf());
  }
  return TINY_GGUF;
}
