/**
 * A caps document as fetched: text in, server caps or one clear error out. Refact tries the
 * self-hosted format and silently falls back to the legacy one; here a document with
 * self-hosted sections must be valid self-hosted caps, so a model missing `n_ctx` is reported
 * instead of turning into an empty legacy caps.
 */
import { isObject } from './fields';
import { parseLegacy } from './legacy';
import { looksSelfHosted, parseSelfHosted } from './self-hosted';
import type { CapsParse } from './server-caps';

export function parseCapsDocument(text: string, capsUrl: string, apiKey: string): CapsParse {
  if (text.trim() === '') return { ok: false, error: 'empty caps document' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `caps document is not JSON: ${(error as Error).message}` };
  }
  if (!isObject(doc)) return { ok: false, error: 'caps document is not a JSON object' };
  return looksSelfHosted(doc) ? parseSelfHosted(doc, capsUrl, apiKey) : parseLegacy(doc, capsUrl);
}
