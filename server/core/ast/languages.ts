/**
 * Which language a file is, from its extension (Refact's table plus Go, C#, Ruby, PHP), and which
 * grammar `.wasm` parses it.
 */
import type { LanguageId } from './types';

const BY_EXTENSION: Record<string, LanguageId> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', py3: 'python', pyx: 'python', pyi: 'python',
  rs: 'rust',
  go: 'go',
  java: 'java',
  c: 'c',
  // Refact parses `.h` as C++ too: a C++ grammar reads C headers well enough, the reverse is not true.
  cpp: 'cpp', cc: 'cpp', cxx: 'cpp', 'c++': 'cpp', h: 'cpp', hpp: 'cpp', hxx: 'cpp', hh: 'cpp', inl: 'cpp', inc: 'cpp', tpp: 'cpp', tpl: 'cpp',
  cs: 'csharp',
  kt: 'kotlin', kts: 'kotlin',
  rb: 'ruby',
  php: 'php',
};

/** Grammar wasm file names, as shipped by each `tree-sitter-<lang>` package. */
export const GRAMMAR_FILES: Record<LanguageId, { pkg: string; file: string }> = {
  typescript: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-typescript.wasm' },
  tsx: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-tsx.wasm' },
  javascript: { pkg: 'tree-sitter-javascript', file: 'tree-sitter-javascript.wasm' },
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  rust: { pkg: 'tree-sitter-rust', file: 'tree-sitter-rust.wasm' },
  go: { pkg: 'tree-sitter-go', file: 'tree-sitter-go.wasm' },
  java: { pkg: 'tree-sitter-java', file: 'tree-sitter-java.wasm' },
  c: { pkg: 'tree-sitter-c', file: 'tree-sitter-c.wasm' },
  cpp: { pkg: 'tree-sitter-cpp', file: 'tree-sitter-cpp.wasm' },
  csharp: { pkg: 'tree-sitter-c-sharp', file: 'tree-sitter-c_sharp.wasm' },
  kotlin: { pkg: '@tree-sitter-grammars/tree-sitter-kotlin', file: 'tree-sitter-kotlin.wasm' },
  ruby: { pkg: 'tree-sitter-ruby', file: 'tree-sitter-ruby.wasm' },
  php: { pkg: 'tree-sitter-php', file: 'tree-sitter-php.wasm' },
};

export const LANGUAGES = Object.keys(GRAMMAR_FILES) as LanguageId[];

export function languageOfPath(path: string): LanguageId | null {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return null;
  const extension = base.slice(dot + 1).toLowerCase();
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension]! : null;
}

export function isLanguageId(value: string): value is LanguageId {
  return Object.hasOwn(GRAMMAR_FILES, value);
}

/** Languages whose class members are visible unqualified inside methods (an implicit `this`). */
export const IMPLICIT_THIS: ReadonlySet<LanguageId> = new Set(['java', 'cpp', 'csharp', 'kotlin', 'php', 'ruby']);

/** Families whose files can see each other's definitions; `.h` headers serve both C and C++. */
export function languageFamily(language: LanguageId): string {
  if (language === 'typescript' || language === 'tsx' || language === 'javascript') return 'js';
  if (language === 'c' || language === 'cpp') return 'c';
  return language;
}
