import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { knownModel } from './known-models';
import { sha256Of, weightsPath, writeWeightsRecord } from './weights';

export interface DownloadRequest {
  name: string;
  source: string;
  sha256: string | null;
}

/** `NAME` (a known model) or `NAME=URL_OR_HF_URI`. */
export function parseDownloadArg(arg: string): DownloadRequest {
  const eq = arg.indexOf('=');
  if (eq > 0) return { name: arg.slice(0, eq), source: arg.slice(eq + 1), sha256: null };
  const known = knownModel(arg);
  if (!known) throw new Error(`unknown model "${arg}"; use --download NAME=URL for a model that is not in the registry`);
  return { name: known.name, source: known.source, sha256: known.sha256 ?? null };
}

/**
 * Downloads a GGUF into `<permDir>/weights/` with progress; node-llama-cpp's downloader
 * resumes a partial file and skips a complete one. The file is verified against `sha256`
 * when known (a mismatch keeps it aside as `.bad`), and network failures become an error
 * that says the machine may be offline and where to put the file by hand.
 */
export async function downloadModel(req: DownloadRequest, permDir: string, progress: (line: string) => void): Promise<string> {
  const target = weightsPath(permDir, req.name);
  await mkdir(dirname(target), { recursive: true });
  const { createModelDownloader } = await import('node-llama-cpp');
  let lastPct = -1;
  try {
    const downloader = await createModelDownloader({
      modelUri: req.source,
      dirPath: dirname(target),
      fileName: basename(target),
      onProgress: ({ totalSize, downloadedSize }) => {
        const pct = totalSize > 0 ? Math.floor((downloadedSize / totalSize) * 100) : 0;
        if (pct !== lastPct) {
          lastPct = pct;
          progress(`${req.name}: ${pct}% of ${(totalSize / 1e6).toFixed(1)} MB`);
        }
      },
    });
    await downloader.download();
  } catch (err) {
    throw new Error(`cannot download "${req.name}" from ${req.source}: ${(err as Error).message}. ` + `If this machine is offline, get the GGUF another way and start with --import ${req.name}=/path/to/file.gguf (or copy it to ${target}).`);
  }
  if (!existsSync(target)) throw new Error(`download of "${req.name}" finished but ${target} is missing`);
  const digest = await sha256Of(target);
  if (req.sha256 && digest !== req.sha256.toLowerCase()) {
    await rename(target, `${target}.bad`);
    throw new Error(`checksum mismatch for "${req.name}": expected ${req.sha256}, got ${digest}; the file was moved to ${target}.bad`);
  }
  await writeWeightsRecord(target, digest, req.source);
  progress(`${req.name}: saved ${target} (sha256 ${digest})`);
  return target;
}
