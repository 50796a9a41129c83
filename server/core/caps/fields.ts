/**
 * Typed reads from untrusted JSON or YAML values. Each read either returns the field's value
 * or its fallback and records an issue naming the field's path, so one pass over a broken
 * document reports every problem instead of throwing at the first. A missing field and a YAML
 * `null` are treated alike, because `api_key:` with nothing after it is a common way to say
 * "unset".
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldReader {
  constructor(
    private readonly prefix = '',
    readonly issues: string[] = [],
  ) {}

  /** A reader for a nested object whose issues land in the same list. */
  child(path: string): FieldReader {
    return new FieldReader(this.path(path), this.issues);
  }

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  fail(key: string, expected: string): void {
    this.issues.push(`'${this.path(key)}' must be ${expected}`);
  }

  /** The first of `keys` that is present: Refact accepts older aliases for several fields. */
  pick(obj: JsonObject, keys: readonly string[]): [string, unknown] {
    for (const key of keys) if (obj[key] !== undefined && obj[key] !== null) return [key, obj[key]];
    return [keys[0]!, undefined];
  }

  string(obj: JsonObject, keys: string | readonly string[], fallback = ''): string {
    const [key, value] = this.pick(obj, typeof keys === 'string' ? [keys] : keys);
    if (value === undefined) return fallback;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    this.fail(key, 'a string');
    return fallback;
  }

  optionalString(obj: JsonObject, key: string): string | null {
    const value = obj[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    this.fail(key, 'a string or null');
    return null;
  }

  bool(obj: JsonObject, key: string, fallback: boolean): boolean {
    const value = obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(key, 'true or false');
    return fallback;
  }

  /** A whole number ≥ 0 (context sizes, batch sizes, versions). */
  count(obj: JsonObject, key: string, fallback: number, required = false): number {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.issues.push(`'${this.path(key)}' is required`);
      return fallback;
    }
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    this.fail(key, 'a whole number');
    return fallback;
  }

  number(obj: JsonObject, key: string, fallback: number): number {
    const value = obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.fail(key, 'a number');
    return fallback;
  }

  optionalNumber(obj: JsonObject, key: string): number | null {
    const value = obj[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.fail(key, 'a number or null');
    return null;
  }

  strings(obj: JsonObject, key: string): string[] {
    const value = obj[key];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
    this.fail(key, 'a list of strings');
    return [];
  }

  object(obj: JsonObject, keys: string | readonly string[]): JsonObject | null {
    const [key, value] = this.pick(obj, typeof keys === 'string' ? [keys] : keys);
    if (value === undefined) return null;
    if (isObject(value)) return value;
    this.fail(key, 'a mapping');
    return null;
  }
}
