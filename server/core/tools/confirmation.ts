/**
 * Confirmation rules, pure: each tool call is rendered as a command line (`rm -r src/x`,
 * `shell: npm test`), matched first against the tool's `deny` globs, then against its
 * `ask_user` globs (Refact's `confirmation: {ask_user, deny}` integration format). A call the
 * user allowed for this chat skips asking, never a denial.
 */

export interface ConfirmationRules {
  ask_user: string[];
  deny: string[];
}

export type ConfirmationVerdict =
  | { result: 'run'; command: string; rule: '' }
  | { result: 'ask'; command: string; rule: string }
  | { result: 'deny'; command: string; rule: string };

/** Refact's defaults: removing and moving files and running shell commands ask; nothing is denied. `web` asks for local addresses. */
export const DEFAULT_CONFIRMATION: Readonly<Record<string, ConfirmationRules>> = {
  rm: { ask_user: ['*'], deny: [] },
  mv: { ask_user: ['*'], deny: [] },
  shell: { ask_user: ['*'], deny: [] },
  // The model must not reach this machine's or the local network's services (the engine's own
  // routes among them) without the user seeing the address.
  web: {
    ask_user: ['*://localhost*', '*://127.*', '*://[[]::1]*', '*://0.*', '*://10.*', '*://192.168.*', '*://169.254.*', '*://172.1[6-9].*', '*://172.2[0-9].*', '*://172.3[01].*', '*://[[]f[cd]*', '*://[[]fe80*'],
    deny: [],
  },
};

export const NO_RULES: ConfirmationRules = { ask_user: [], deny: [] };

export function decideConfirmation(command: string, rules: ConfirmationRules, allowedForChat: boolean): ConfirmationVerdict {
  const denied = rules.deny.find((glob) => globMatches(glob, command));
  if (denied !== undefined) return { result: 'deny', command, rule: denied };
  if (allowedForChat) return { result: 'run', command, rule: '' };
  const ask = rules.ask_user.find((glob) => globMatches(glob, command));
  if (ask !== undefined) return { result: 'ask', command, rule: ask };
  return { result: 'run', command, rule: '' };
}

/**
 * Rust `glob::Pattern::matches` semantics (what Refact uses): `*` any text, `/` included, `?`
 * one character, `[abc]`/`[!abc]`/`[a-z]` a class; everything else literal; whole-string match.
 * A malformed class is taken literally rather than failing the check.
 */
export function globMatches(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** `confirmation: {ask_user, deny}` from a parsed YAML value; missing lists are empty. */
export function parseConfirmation(value: unknown): ConfirmationRules | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { ask_user: list(record.ask_user), deny: list(record.deny) };
}
