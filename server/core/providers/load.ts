/**
 * From the text of providers.d files to providers: a file named after a template overrides it,
 * any other file is a whole provider named by its stem. A broken file becomes an `error_log`
 * entry and is left out; the others still load.
 */
import { parseDocument } from 'yaml';
import type { YamlError } from '../../../src/protocol/http';
import { FieldReader } from '../caps/fields';
import { applyOverride } from './override';
import { parseProvider, type Provider } from './provider';
import { providerTemplate } from './templates';

export interface ProviderFile {
  /** The file stem: the provider's name. */
  name: string;
  path: string;
  text: string;
}

export type ParsedFile = { ok: true; provider: Provider } | { ok: false; error: YamlError };

/** Parses YAML text into a plain value, or the first syntax error with its line. */
export function parseYaml(text: string, path: string): { ok: true; value: unknown } | { ok: false; error: YamlError } {
  const doc = parseDocument(text);
  const first = doc.errors[0];
  // The message's first line says what is wrong; the rest is an excerpt of the file.
  if (first) return { ok: false, error: { path, error_line: first.linePos?.[0].line ?? 0, error_msg: `invalid YAML: ${first.message.split('\n')[0]}` } };
  return { ok: true, value: doc.toJS() };
}

export function parseProviderFile(file: ProviderFile): ParsedFile {
  const yaml = parseYaml(file.text, file.path);
  if (!yaml.ok) return yaml;
  const reader = new FieldReader();
  const template = providerTemplate(file.name);
  const provider = template ? applyOverride(template, yaml.value, reader) : parseProvider(reader, file.name, yaml.value);
  if (reader.issues.length > 0) return { ok: false, error: { path: file.path, error_line: 0, error_msg: reader.issues.join('; ') } };
  return { ok: true, provider };
}

export interface LoadedProviders {
  providers: Provider[];
  errorLog: YamlError[];
}

export function loadProviderFiles(files: readonly ProviderFile[]): LoadedProviders {
  const providers: Provider[] = [];
  const errorLog: YamlError[] = [];
  for (const file of files) {
    const parsed = parseProviderFile(file);
    if (parsed.ok) providers.push(parsed.provider);
    else errorLog.push(parsed.error);
  }
  return { providers, errorLog };
}
