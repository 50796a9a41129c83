/**
 * Which workspace files the engine indexes: Refact's `indexing.yaml` (a glob blocklist and
 * additional directories, global and per project) and the checks that skip binary, generated
 * and oversized files. Pure: text and paths in, decisions out.
 */
import { parse } from 'yaml';

export interface IndexingSettings {
  blocklist: string[];
  additionalIndexingDirs: string[];
}

/**
 * Refact's default blocklist, less `*\/lib/*`, `*\/bin/*` and `*\/pkg/*`: those folders hold
 * source code in many JavaScript and Go projects, and git ignores them where they are build output.
 */
export const DEFAULT_BLOCKLIST: readonly string[] = [
  '*/.*', '*/target/*', '*/node_modules/*', '*/vendor/*', '*/build/*', '*/dist/*', '*/obj/*', '*/out/*',
  '*/venv/*', '*/env/*', '*/tmp/*', '*/temp/*', '*/logs/*', '*/coverage/*', '*/backup/*', '*/__pycache__/*',
  '*/_trajectories/*', '*/.gradle/*',
];

export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function defaultIndexingSettings(): IndexingSettings {
  return { blocklist: [...DEFAULT_BLOCKLIST], additionalIndexingDirs: [] };
}

export type ParsedIndexing = { ok: true; settings: IndexingSettings } | { ok: false; error: string };

/**
 * Parses one `indexing.yaml`. Relative additional dirs resolve against `projectRoot`; in the
 * global file (no project root) they are an error, as in Refact.
 */
export function parseIndexingYaml(text: string, home: string, projectRoot: string | null): ParsedIndexing {
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    return { ok: false, error: `not valid YAML: ${(error as Error).message}` };
  }
  if (typeof document !== 'object' || Array.isArray(document) || document === null) {
    return { ok: false, error: 'expected a mapping with blocklist and additional_indexing_dirs' };
  }
  const record = document as Record<string, unknown>;
  const blocklist = stringList(record.blocklist, 'blocklist');
  const dirs = stringList(record.additional_indexing_dirs, 'additional_indexing_dirs');
  if (typeof blocklist === 'string') return { ok: false, error: blocklist };
  if (typeof dirs === 'string') return { ok: false, error: dirs };
  const additionalIndexingDirs: string[] = [];
  for (const dir of dirs.filter((d) => d.length > 0)) {
    const expanded = dir.startsWith('~') ? joinPath(home, dir.slice(1)) : dir;
    if (expanded.startsWith('/')) additionalIndexingDirs.push(normalizePath(expanded));
    else if (projectRoot) additionalIndexingDirs.push(normalizePath(joinPath(projectRoot, expanded)));
    else return { ok: false, error: `relative path '${dir}' is not allowed in the global indexing.yaml` };
  }
  return { ok: true, settings: { blocklist, additionalIndexingDirs } };
}

function stringList(value: unknown, name: string): string[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return `${name} must be a list of strings`;
  return value as string[];
}

/** Merges the global settings with the project's (the project adds, never removes). */
export function mergeIndexing(global: IndexingSettings, project: IndexingSettings | null): IndexingSettings {
  if (!project) return global;
  return {
    blocklist: [...global.blocklist, ...project.blocklist],
    additionalIndexingDirs: [...global.additionalIndexingDirs, ...project.additionalIndexingDirs],
  };
}

/**
 * Compiles blocklist globs as Refact matches them (`*` crosses `/`, or the path ends with the
 * glob), with one difference: relative globs match the path below the project root (as
 * `/src/a.ts`), so that a project under `/tmp` or `/home/me/build` is not blocked by its own
 * location. Globs starting with `/` match the absolute path.
 */
export function compileBlocklist(globs: readonly string[], root: string): (absolutePath: string) => boolean {
  const base = root.replace(/\/+$/, '');
  const patterns = globs.map((glob) => ({ glob, absolute: glob.startsWith('/'), regex: globToRegExp(glob) }));
  return (path) => {
    const relative = path.startsWith(`${base}/`) ? path.slice(base.length) : path;
    return patterns.some(({ glob, absolute, regex }) => {
      const subject = absolute ? path : relative;
      return regex.test(subject) || subject.endsWith(glob);
    });
  };
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Extensions never worth reading as text. */
const BINARY_EXTENSIONS = new Set(
  ('png jpg jpeg gif bmp ico webp tiff psd svgz pdf zip gz tgz bz2 xz 7z rar jar war ear class so dll dylib exe o a lib obj ' +
    'wasm bin dat db sqlite sqlite3 mp3 mp4 wav ogg flac avi mov mkv webm woff woff2 ttf otf eot pyc pyo onnx gguf safetensors ' +
    'pt pth ckpt npy npz pkl parquet arrow lock').split(' '),
);

export function hasBinaryExtension(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') && BINARY_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

/** A NUL byte in the first 8 KiB marks a binary file, as git decides. */
export function looksBinary(head: Uint8Array): boolean {
  const end = Math.min(head.length, 8192);
  for (let i = 0; i < end; i++) if (head[i] === 0) return true;
  return false;
}

/** Minified or generated text: very long lines on average, or almost no whitespace. */
export function generatedReason(text: string): string | null {
  if (text.length === 0) return null;
  const lines = text.split('\n').length;
  if (text.length / lines > 150) return 'generated: average line longer than 150 characters';
  let spaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) spaces++;
  }
  if (lines >= 5 && spaces / text.length <= 0.05) return `generated or minified: ${((100 * spaces) / text.length).toFixed(1)}% whitespace`;
  return null;
}

function joinPath(base: string, rest: string): string {
  return `${base.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}`;
}

function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
