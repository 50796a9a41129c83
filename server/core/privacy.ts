/**
 * Refact's `privacy.yaml`: which files may be sent to which model. Two glob lists,
 * `privacy_rules.blocked` (never sent anywhere) and `privacy_rules.only_send_to_servers_I_control`
 * (sent only to models on the user's own machines or network); a file matching neither may go
 * anywhere. The most restrictive match wins. Globs match as Refact's do (`*` crosses `/`, or
 * the path ends with the glob), against the absolute path; a project's `.refact/privacy.yaml`
 * also matches its paths relative to the project, since it can only make things stricter.
 * Pure: YAML text and paths in, decisions out.
 */
import { compileBlocklist } from './indexing-rules';
import { parseYaml } from './providers/load';

export const PrivacyLevel = { Blocked: 0, OnlySendToServersIControl: 1, AllowToSendAnywhere: 2 } as const;
export type PrivacyLevel = (typeof PrivacyLevel)[keyof typeof PrivacyLevel];

export interface PrivacyRules {
  blocked: string[];
  only_send_to_servers_I_control: string[];
}

/** Where a set of rules came from: the global file, or a project's (whose root it applies below). */
export interface PrivacySource {
  path: string;
  /** Null for the global file; the project folder for `<project>/.refact/privacy.yaml`. */
  projectRoot: string | null;
  rules: PrivacyRules;
}

/** Refact's default `privacy.yaml`, used when the config folder has none. */
export const DEFAULT_PRIVACY_YAML = `# Which files may be sent to models. Globs: \`*\` matches any text, \`/\` included; a glob also
# matches every path that ends with it. The most restrictive match wins.
privacy_rules:
  blocked:                          # never sent to any model
    - "secrets.yaml"
    - "*/secret_project1/*"         # don't forget the leading */ when matching folder names
    - "*/secret_project2/*.txt"
    - "*.pem"
  only_send_to_servers_I_control:   # sent only to models on this machine or your own network
    - "secret_passwords.txt"
`;

/** A parse failure blocks everything, as in Refact: a broken file must not open the gates. */
export const BLOCK_EVERYTHING: PrivacyRules = { blocked: ['*'], only_send_to_servers_I_control: [] };

export type ParsedPrivacy = { ok: true; rules: PrivacyRules } | { ok: false; error: string };

export function parsePrivacyYaml(text: string, path: string): ParsedPrivacy {
  const yaml = parseYaml(text, path);
  if (!yaml.ok) return { ok: false, error: `${yaml.error.error_msg} (line ${yaml.error.error_line})` };
  const doc = yaml.value ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: 'expected a mapping with privacy_rules' };
  const rules = (doc as Record<string, unknown>).privacy_rules ?? {};
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) return { ok: false, error: "'privacy_rules' must be a mapping" };
  const record = rules as Record<string, unknown>;
  const out: PrivacyRules = { blocked: [], only_send_to_servers_I_control: [] };
  for (const key of ['blocked', 'only_send_to_servers_I_control'] as const) {
    const list = record[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || !list.every((g) => typeof g === 'string')) return { ok: false, error: `'privacy_rules.${key}' must be a list of glob strings` };
    out[key] = (list as string[]).filter((g) => g.trim() !== '');
  }
  return { ok: true, rules: out };
}

export interface PrivacyMatch {
  level: PrivacyLevel;
  /** The glob that decided, and the file it is in; absent for AllowToSendAnywhere. */
  rule?: string;
  source?: string;
}

/** Compiles sources into one decision function. */
export function compilePrivacy(sources: readonly PrivacySource[]): (path: string) => PrivacyMatch {
  const compiled = sources.flatMap((source) =>
    (['blocked', 'only_send_to_servers_I_control'] as const).flatMap((list) =>
      source.rules[list].map((glob) => ({
        glob,
        source: source.path,
        root: source.projectRoot,
        level: list === 'blocked' ? PrivacyLevel.Blocked : PrivacyLevel.OnlySendToServersIControl,
        // An empty root makes `compileBlocklist` match the absolute path, as Refact does.
        matches: compileBlocklist([glob], ''),
      })),
    ),
  );
  return (path) => {
    let best: PrivacyMatch = { level: PrivacyLevel.AllowToSendAnywhere };
    for (const rule of compiled) {
      if (rule.level >= best.level) continue;
      if (rule.root !== null && !isBelow(path, rule.root)) continue;
      const relative = rule.root !== null ? path.slice(rule.root.replace(/\/+$/, '').length + 1) : null;
      if (rule.matches(path) || (relative !== null && rule.matches(relative))) {
        best = { level: rule.level, rule: rule.glob, source: rule.source };
        if (best.level === PrivacyLevel.Blocked) break;
      }
    }
    return best;
  };
}

function isBelow(path: string, root: string): boolean {
  const base = root.replace(/\/+$/, '');
  return path.startsWith(`${base}/`);
}

export type PrivacyVerdict = { allowed: true; level: PrivacyLevel } | { allowed: false; level: PrivacyLevel; reason: string };

/** Whether a file may go to a model; `modelIsLocal` says the model runs on a server the user controls. */
export function privacyVerdict(path: string, match: PrivacyMatch, modelIsLocal: boolean): PrivacyVerdict {
  if (match.level === PrivacyLevel.Blocked) {
    return { allowed: false, level: match.level, reason: `${path} is blocked by privacy rule '${match.rule}' in ${match.source}; it is never sent to a model` };
  }
  if (match.level === PrivacyLevel.OnlySendToServersIControl && !modelIsLocal) {
    return {
      allowed: false,
      level: match.level,
      reason: `${path} may only be sent to servers you control (privacy rule '${match.rule}' in ${match.source}), and this model is not on one`,
    };
  }
  return { allowed: true, level: match.level };
}

const PRIVATE_IPV4 = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./];

/**
 * Whether a model's endpoint is on a server the user controls: this machine, a private
 * network address, a `.local`/`.internal`/`.lan` name, or one of `ownHosts` (the host of the
 * user's own companion server, `--address-url`).
 */
export function endpointUnderUserControl(endpoint: string, ownHosts: readonly string[] = []): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  // IPv6: loopback, unique-local (fc00::/7) and link-local addresses.
  if (bare.includes(':')) return bare === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(bare) || bare.startsWith('fe80:');
  if (/^[\d.]+$/.test(bare) && PRIVATE_IPV4.some((re) => re.test(bare))) return true;
  if (/\.(local|internal|lan|home\.arpa)$/.test(bare)) return true;
  return ownHosts.some((own) => own.toLowerCase() === bare);
}
