/**
 * What a caps server contributes: caps-level facts plus one provider holding its models. Both
 * caps formats parse into this, so the rest of the engine never asks which one it was.
 */
import type { Provider } from '../providers/provider';
import type { FieldReader, JsonObject } from './fields';
import { DEFAULT_HF_TOKENIZER_TEMPLATE, emptyCapsInfo, type CapsInfo, type CapsMetadata } from './model';
import { resolveAgainst } from './urls';

export interface ServerCaps {
  /** The URL the document came from; relative endpoints were resolved against it. */
  url: string;
  info: CapsInfo;
  provider: Provider;
}

export type CapsParse = { ok: true; server: ServerCaps } | { ok: false; error: string };

/** Fields both formats carry at the top level. Telemetry is format-specific and left empty. */
export function readCommonInfo(r: FieldReader, doc: JsonObject, cloudName: string): CapsInfo {
  return {
    ...emptyCapsInfo(),
    cloud_name: cloudName,
    caps_version: r.number(doc, 'caps_version', 0),
    customization: r.string(doc, 'customization'),
    hf_tokenizer_template: r.string(doc, 'hf_tokenizer_template', DEFAULT_HF_TOKENIZER_TEMPLATE),
    metadata: readMetadata(r, doc),
  };
}

function readMetadata(r: FieldReader, doc: JsonObject): CapsMetadata {
  const metadata = r.object(doc, 'metadata');
  if (!metadata) return { pricing: null, features: [] };
  const mr = r.child('metadata');
  return { pricing: metadata.pricing ?? null, features: mr.strings(metadata, 'features') };
}

/** Resolves an endpoint against the caps URL, recording a failure as an issue. */
export function resolveField(r: FieldReader, capsUrl: string, key: string, value: string): string {
  const resolved = resolveAgainst(capsUrl, value);
  if (resolved.ok) return resolved.url;
  r.issues.push(`'${r.path(key)}': ${resolved.error}`);
  return '';
}

export function issuesToError(issues: string[], format: string): CapsParse {
  const shown = issues.slice(0, 5).join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');
  return { ok: false, error: `invalid ${format} caps: ${shown}` };
}

/** A string → string map, such as `tokenizer_endpoints`. */
export function readStringMap(r: FieldReader, doc: JsonObject, key: string): Map<string, string> {
  const map = new Map<string, string>();
  const section = r.object(doc, key);
  if (!section) return map;
  for (const [name, value] of Object.entries(section)) {
    if (typeof value === 'string') map.set(name, value);
    else r.child(key).fail(name, 'a string');
  }
  return map;
}
