/**
 * The merged customization (system prompts, toolbox commands, code lenses, sub-chat settings):
 * built-in defaults, then what the caps server pushes, then the user's `customization.yaml`,
 * each later one replacing entries of the same name. A broken file or entry is reported in
 * `error_log` and skipped; the rest still applies.
 */
import type {
  CodeLensCommand,
  CustomizationMessage,
  CustomizationResponse,
  SubchatToolParameters,
  SystemPrompt,
  ToolboxCommand,
  YamlError,
} from '../../../src/protocol/http';
import { FieldReader, isObject, type JsonObject } from '../caps/fields';
import { parseYaml } from '../providers/load';
import { DEFAULT_CUSTOMIZATION_YAML } from './defaults';

export type Customization = Omit<CustomizationResponse, 'error_log'>;

export interface CustomizationSources {
  /** The user's file, or null when there is none. */
  user: { path: string; text: string | null };
  /** The caps server's `customization` text; empty when none. */
  caps: { source: string; text: string };
  experimental: boolean;
  /** The settings UI hides prompts marked `show: never`; the chat needs them all. */
  includeHidden: boolean;
}

type Section = keyof Customization;
type EntryReader<T> = (r: FieldReader, obj: JsonObject) => T;

function messages(r: FieldReader, obj: JsonObject): CustomizationMessage[] {
  const list = obj.messages;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    r.fail('messages', 'a list');
    return [];
  }
  return list.flatMap((m, i) => {
    if (isObject(m) && typeof m.role === 'string' && typeof m.content === 'string') return [{ role: m.role, content: m.content }];
    r.issues.push(`'${r.path(`messages[${i}]`)}' must have a string role and content`);
    return [];
  });
}

const READERS: { [S in Section]: EntryReader<Customization[S][string]> } = {
  system_prompts: (r, o): SystemPrompt => ({ description: r.string(o, 'description'), text: requireString(r, o, 'text'), show: r.string(o, 'show') }),
  toolbox_commands: (r, o): ToolboxCommand => ({
    description: requireString(r, o, 'description'),
    messages: messages(r, o),
    selection_needed: (Array.isArray(o.selection_needed) ? o.selection_needed : []).filter((n): n is number => Number.isInteger(n)),
    selection_unwanted: r.bool(o, 'selection_unwanted', false),
    insert_at_cursor: r.bool(o, 'insert_at_cursor', false),
  }),
  code_lens: (r, o): CodeLensCommand => ({ label: requireString(r, o, 'label'), auto_submit: r.bool(o, 'auto_submit', false), new_tab: r.bool(o, 'new_tab', true), messages: messages(r, o) }),
  subchat_tool_parameters: (r, o): SubchatToolParameters => {
    const type = r.string(o, 'subchat_model_type', 'default');
    if (!['light', 'default', 'thinking'].includes(type)) r.fail('subchat_model_type', 'light, default or thinking');
    return {
      subchat_model_type: type as SubchatToolParameters['subchat_model_type'],
      subchat_model: r.string(o, 'subchat_model'),
      subchat_n_ctx: r.count(o, 'subchat_n_ctx', 0, true),
      subchat_tokens_for_rag: r.count(o, 'subchat_tokens_for_rag', 0),
      subchat_temperature: r.optionalNumber(o, 'subchat_temperature'),
      subchat_max_new_tokens: r.count(o, 'subchat_max_new_tokens', 0),
      subchat_reasoning_effort: r.optionalString(o, 'subchat_reasoning_effort'),
    };
  },
};

function requireString(r: FieldReader, obj: JsonObject, key: string): string {
  if (typeof obj[key] !== 'string') r.issues.push(`'${r.path(key)}' is required text`);
  return r.string(obj, key);
}

function emptyCustomization(): Customization {
  return { system_prompts: {}, subchat_tool_parameters: {}, toolbox_commands: {}, code_lens: {} };
}

/** Reads one document's sections into `into`, entry by entry. */
function readSections(doc: JsonObject, path: string, into: Customization, errors: YamlError[]): void {
  for (const section of Object.keys(READERS) as Section[]) {
    const entries = doc[section];
    if (entries === undefined || entries === null) continue;
    if (!isObject(entries)) {
      errors.push({ path, error_line: 0, error_msg: `'${section}' must be a mapping` });
      continue;
    }
    for (const [name, value] of Object.entries(entries)) {
      const r = new FieldReader(`${section}.${name}`);
      const entry = isObject(value) ? READERS[section](r, value) : null;
      if (!entry) r.issues.push(`'${section}.${name}' must be a mapping`);
      if (r.issues.length > 0) errors.push({ path, error_line: 0, error_msg: r.issues.join('; ') });
      else (into[section] as Record<string, unknown>)[name] = entry;
    }
  }
}

function loadDocument(text: string | null, path: string, errors: YamlError[]): JsonObject {
  if (text === null || text.trim() === '') return {};
  const parsed = parseYaml(text, path);
  if (!parsed.ok) {
    errors.push(parsed.error);
    return {};
  }
  if (parsed.value === null) return {};
  if (isObject(parsed.value)) return parsed.value;
  errors.push({ path, error_line: 0, error_msg: 'customization must be a YAML mapping' });
  return {};
}

/** `%NAME%` → the top-level text block NAME, repeatedly, since blocks may use other blocks. */
function substitute(text: string, variables: Map<string, string>): string {
  for (let pass = 0; pass < 10; pass++) {
    const next = text.replace(/%([A-Z][A-Z0-9_]*)%/g, (whole, name: string) => variables.get(name) ?? whole);
    if (next === text) break;
    text = next;
  }
  return text;
}

export function mergeCustomization(sources: CustomizationSources): CustomizationResponse {
  const errorLog: YamlError[] = [];
  const defaults = loadDocument(DEFAULT_CUSTOMIZATION_YAML, 'built-in customization', errorLog);
  const caps = loadDocument(sources.caps.text, sources.caps.source, errorLog);
  const user = loadDocument(sources.user.text, sources.user.path, errorLog);
  const variables = new Map<string, string>();
  for (const doc of [defaults, user]) for (const [k, v] of Object.entries(doc)) if (typeof v === 'string') variables.set(k, v);

  const merged = emptyCustomization();
  readSections(defaults, 'built-in customization', merged, errorLog);
  readSections(caps, sources.caps.source, merged, errorLog);
  readSections(user, sources.user.path, merged, errorLog);

  for (const [name, prompt] of Object.entries(merged.system_prompts)) {
    const hidden = prompt.show === 'never' || (prompt.show === 'experimental' && !sources.experimental);
    if (hidden && !sources.includeHidden) delete merged.system_prompts[name];
    else prompt.text = substitute(prompt.text, variables);
  }
  for (const command of [...Object.values(merged.toolbox_commands), ...Object.values(merged.code_lens)]) {
    for (const message of command.messages) message.content = substitute(message.content, variables);
  }
  return { ...merged, error_log: errorLog };
}
