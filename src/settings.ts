/**
 * The extension's settings (`refactts.*`) read into one typed object, and the engine command
 * line they shape. Pure: the reader is passed in, so tests need no VS Code.
 */

/** Reads one setting; VS Code's `WorkspaceConfiguration.get` fits. */
export type SettingReader = <T>(key: string, fallback: T) => T;

export interface ExtensionSettings {
  addressUrl: string;
  xDebug: boolean;
  /** 0: the engine's default (50). */
  completionMaxTokens: number;
  /** '' = the caps' default completion model. */
  completionModel: string;
  pauseCompletion: boolean;
  ast: boolean;
  astFileLimit: number;
  vecdb: boolean;
  vecdbFileLimit: number;
  insecureSsl: boolean;
  codeLens: boolean;
  submitChatWithShiftEnter: boolean;
  /** Extra engine flags (for example `--verbose`). */
  engineArgs: string[];
}

/** Refact's defaults (refact-vscode package.json), so a user moving over sees the same behaviour. */
export const SETTING_DEFAULTS: ExtensionSettings = {
  addressUrl: '',
  xDebug: false,
  completionMaxTokens: 0,
  completionModel: '',
  pauseCompletion: false,
  ast: true,
  astFileLimit: 35000,
  vecdb: false,
  vecdbFileLimit: 15000,
  insecureSsl: false,
  codeLens: true,
  submitChatWithShiftEnter: false,
  engineArgs: [],
};

/** Setting keys under `refactts.`, as the manifest declares them. */
export const SettingKeys = {
  addressUrl: 'addressURL',
  xDebug: 'xDebug',
  completionMaxTokens: 'completionMaxTokens',
  completionModel: 'codeCompletionModel',
  pauseCompletion: 'pauseCompletion',
  ast: 'ast',
  astFileLimit: 'astFileLimit',
  vecdb: 'vecdb',
  vecdbFileLimit: 'vecdbFileLimit',
  insecureSsl: 'insecureSSL',
  codeLens: 'codeLens',
  submitChatWithShiftEnter: 'submitChatWithShiftEnter',
  engineArgs: 'engineArgs',
} as const satisfies Record<keyof ExtensionSettings, string>;

export const SETTINGS_SECTION = 'refactts';
/** The old plain-text key setting, migrated once into SecretStorage. */
export const LEGACY_API_KEY_SETTING = 'apiKey';

export function readSettings(get: SettingReader): ExtensionSettings {
  const out = { ...SETTING_DEFAULTS } as Record<string, unknown>;
  for (const [field, key] of Object.entries(SettingKeys)) {
    const fallback = SETTING_DEFAULTS[field as keyof ExtensionSettings];
    const value = get(key, fallback);
    // A hand-edited settings.json can hold any JSON: a value of the wrong type keeps the default.
    out[field] = Array.isArray(fallback) ? (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : fallback) : typeof value === typeof fallback ? value : fallback;
  }
  const settings = out as unknown as ExtensionSettings;
  settings.addressUrl = settings.addressUrl.trim();
  settings.completionModel = settings.completionModel.trim();
  settings.completionMaxTokens = clampInt(settings.completionMaxTokens, 0, 4096);
  settings.astFileLimit = clampInt(settings.astFileLimit, 1, 65535);
  settings.vecdbFileLimit = clampInt(settings.vecdbFileLimit, 1, 65535);
  return settings;
}

function clampInt(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}

/**
 * The engine flags the settings ask for (the port, stdio and ping flags are the launcher's).
 * The engine takes file limits up to 65535 (its numeric flags share the port parser).
 */
export function engineFlags(s: ExtensionSettings): string[] {
  return [
    '--address-url', s.addressUrl,
    ...(s.ast ? ['--ast', '--ast-max-files', String(s.astFileLimit)] : []),
    ...(s.vecdb ? ['--vecdb', '--vecdb-max-files', String(s.vecdbFileLimit)] : []),
    ...(s.insecureSsl ? ['--insecure'] : []),
    ...s.engineArgs,
  ];
}

/**
 * What a running engine depends on: when this changes, the engine is restarted. The key is
 * compared in memory only and never logged, since it holds the API key.
 */
export function engineIdentity(s: ExtensionSettings, apiKey: string): string {
  // Workspace folders are not part of it: the LSP client tells the engine about those.
  return JSON.stringify({ xDebug: s.xDebug, flags: s.xDebug ? [] : engineFlags(s), apiKey: s.xDebug ? '' : apiKey });
}
