/**
 * The legacy flat caps format (`coding_assistant_caps.json`, Refact's cloud, old self-hosted
 * servers): caps fields and one provider's fields side by side at the top level, with models
 * often named only in `running_models` and completed from the known-models table later.
 */
import { parseProvider } from '../providers/provider';
import { FieldReader, type JsonObject } from './fields';
import { normalizeCloudName } from './model';
import { issuesToError, readCommonInfo, resolveField, type CapsParse } from './server-caps';

export function parseLegacy(doc: JsonObject, capsUrl: string): CapsParse {
  const r = new FieldReader();
  const rawName = r.string(doc, 'cloud_name');
  if (!rawName) {
    return { ok: false, error: 'invalid caps: neither self-hosted sections (completion, chat, embedding) nor a legacy cloud_name' };
  }
  const info = readCommonInfo(r, doc, normalizeCloudName(rawName));
  info.telemetry_basic_dest = resolveField(r, capsUrl, 'telemetry_basic_dest', r.string(doc, 'telemetry_basic_dest'));
  info.telemetry_basic_retrieve_my_own = resolveField(r, capsUrl, 'telemetry_basic_retrieve_my_own', r.string(doc, 'telemetry_basic_retrieve_my_own'));

  const provider = parseProvider(r, info.cloud_name, doc);
  provider.completion_endpoint = resolveField(r, capsUrl, 'endpoint_template', provider.completion_endpoint);
  provider.chat_endpoint = resolveField(r, capsUrl, 'endpoint_chat_passthrough', provider.chat_endpoint);
  provider.embedding_endpoint = resolveField(r, capsUrl, 'endpoint_embeddings_template', provider.embedding_endpoint);
  if (r.issues.length > 0) return issuesToError(r.issues, 'legacy');
  return { ok: true, server: { url: capsUrl, info, provider } };
}
