/** The extraction rules of each language, built once and shared. */
import type { LanguageRules } from '../extract';
import type { LanguageId } from '../types';
import { pythonRules } from './python';
import { typescriptRules } from './typescript';

const BUILDERS: Partial<Record<LanguageId, (language: LanguageId) => LanguageRules>> = {
  typescript: typescriptRules,
  tsx: typescriptRules,
  javascript: typescriptRules,
  python: pythonRules,
};

export function rulesFor(language: LanguageId): LanguageRules {
  const build = BUILDERS[language];
  if (!build) throw new Error(`no extraction rules for ${language}`);
  return build(language);
}
