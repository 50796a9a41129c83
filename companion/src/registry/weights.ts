import { createHash } from 'node:crypto';
import { closeSync, createReadStream, constants, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { knownModel } from './known-models';

/**
 * What we know of a GGUF in `<permDir>/weights/`: its checksum and size when it was saved and
 * where it came from, kept beside it as `<file>.json`. A start checks the size (cheap), so a
 * truncated or replaced file is caught without hashing gigabytes every time.
 */
export interface WeightsRecord {
  sha256: string;
  size: number;
  source: string;
  saved: string;
}

export interface WeightsFile {
  name: string;
  path: string;
  size: number;
  record: WeightsRecord | null;
}

/** Where a named model's GGUF lives in the perm dir: `weights/<name with / as -->.gguf`. */
export function weightsPath(permDir: string, name: string): string {
  return join(permDir, 'weights', `${name.replace(/\//g, '--')}.gguf`);
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const recordPath = (gguf: string) => `${gguf}.json`;

export async function writeWeightsRecord(gguf: string, sha256: string, source: string): Promise<void> {
  const record: WeightsRecord = { sha256, size: statSync(gguf).size, source, saved: new Date().toISOString() };
  await writeFile(recordPath(gguf), JSON.stringify(record, null, 2));
}

export function readWeightsRecord(gguf: string): WeightsRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(gguf), 'utf8')) as WeightsRecord;
  } catch {
    return null;
  }
}

/** Throws when a saved GGUF is not the size it was saved with. */
export function checkWeights(gguf: string): void {
  const record = readWeightsRecord(gguf);
  if (!record || !existsSync(gguf)) return;
  const size = statSync(gguf).size;
  if (size !== record.size) {
    throw new Error(`${gguf} is ${size} bytes but was saved with ${record.size} (sha256 ${record.sha256}); it was changed or truncated: download or import it again`);
  }
}

/** The GGUFs in the perm dir, named as `--model NAME` finds them. */
export function listWeights(permDir: string): WeightsFile[] {
  const dir = join(permDir, 'weights');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.gguf'))
    .map((f) => {
      const path = join(dir, f);
      return { name: f.slice(0, -'.gguf'.length).replace(/--/g, '/'), path, size: statSync(path).size, record: readWeightsRecord(path) };
    });
}

function fileMagic(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** `NAME=PATH` or `PATH` (named after the file). */
export function parseImportArg(arg: string): { name: string; source: string } {
  const eq = arg.indexOf('=');
  if (eq > 0) return { name: arg.slice(0, eq), source: arg.slice(eq + 1) };
  return { name: basename(arg).replace(/\.gguf$/i, ''), source: arg };
}

/**
 * Copies a local GGUF into `<permDir>/weights/` under a model name (a reflink where the file
 * system has them), checks it against the registry's checksum when the name is a known model,
 * and records its checksum, so `--model NAME` serves it from then on.
 */
export async function importModel(name: string, source: string, permDir: string, progress: (line: string) => void): Promise<string> {
  if (!/^[\w.\-/]+$/.test(name) || name.includes('..')) throw new Error(`model name "${name}" may hold only letters, digits, ".", "-", "_" and "/"`);
  if (!existsSync(source) || !statSync(source).isFile()) throw new Error(`cannot import "${name}": no file at ${source}`);
  if (fileMagic(source) !== 'GGUF') throw new Error(`cannot import "${name}": ${source} is not a GGUF file`);
  const target = weightsPath(permDir, name);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  await copyFile(source, partial, constants.COPYFILE_FICLONE);
  const digest = await sha256Of(partial);
  const expected = knownModel(name)?.sha256;
  if (expected && expected.toLowerCase() !== digest) {
    await rm(partial, { force: true });
    throw new Error(`cannot import "${name}": its sha256 is ${digest}, the registry's is ${expected}`);
  }
  await rename(partial, target);
  await writeWeightsRecord(target, digest, `file:${source}`);
  progress(`${name}: imported ${source} as ${target} (sha256 ${digest})`);
  return target;
}
