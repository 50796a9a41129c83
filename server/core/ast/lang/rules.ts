/** The extraction rules of each language, built once and shared. */
import type { LanguageRules } from '../extract';
import type { LanguageId } from '../types';
import { cFamilyRules } from './c-family';
import { csharpRules } from './csharp';
import { goRules } from './go';
import { javaRules } from './java';
import { kotlinRules } from './kotlin';
import { phpRules } from './php';
import { pythonRules } from './python';
import { rubyRules } from './ruby';
import { rustRules } from './rust';
import { typescriptRules } from './typescript';

const BUILDERS: Partial<Record<LanguageId, (language: LanguageId) => LanguageRules>> = {
  typescript: typescriptRules,
  tsx: typescriptRules,
  javascript: typescriptRules,
  python: pythonRules,
  go: goRules,
  rust: rustRules,
  java: javaRules,
  c: cFamilyRules,
  cpp: cFamilyRules,
  csharp: csharpRules,
  ruby: rubyRules,
  php: phpRules,
  kotlin: kotlinRules,
};

/** Whether extraction rules exist; a grammar alone is not enough to index a language. */
export function hasRules(language: LanguageId): boolean {
  return Object.hasOwn(BUILDERS, language);
}

export function rulesFor(language: LanguageId): LanguageRules {
  const build = BUILDERS[language];
  if (!build) throw new Error(`no extraction rules for ${language}`);
  return build(language);
}
