import { MockAdminError } from './admin.error';

/**
 * Checks one mock's options and reports every problem at once: unknown keys are errors (a
 * misspelt option must not silently fall back to its default), and each reader returns the
 * value or its default so a resolver reads top to bottom.
 *
 * ```ts
 * const r = new OptionsReader('twilio mock options', input, KEYS);
 * const port = r.int('port', 0, 65535, 0);
 * r.done(); // throws MockAdminError(400) with details.problems when anything was wrong
 * ```
 */
export class OptionsReader {
  /** Every problem found so far, in order. */
  readonly problems: string[] = [];
  /** The input as an object (empty when it was not one). */
  readonly o: Record<string, unknown>;

  /**
   * @param label names the options in the error (`invalid <label>: …`)
   * @param input what the caller passed
   * @param keys the known option names; null skips the unknown-key check
   * @throws MockAdminError(400) `options must be an object` when `input` is not a plain object
   */
  constructor(
    private readonly label: string,
    input: unknown,
    keys: readonly string[] | null,
  ) {
    if (!isPlainObject(input)) throw new MockAdminError(400, 'options must be an object', { problems: ['options must be an object'] });
    this.o = input;
    if (keys !== null) for (const k of Object.keys(input)) if (!keys.includes(k)) this.problems.push(`${k} is not an option (${keys.join(', ')})`);
  }

  /** Notes a problem found by the caller. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** An integer in [min, max], or `fallback` when absent. */
  int<F extends number | null>(key: string, min: number, max: number, fallback: F): number | F {
    const v = this.o[key];
    if (v === undefined) return fallback;
    if (isIntIn(v, min, max)) return v as number;
    this.problems.push(`${key} must be an integer from ${min} to ${max}`);
    return fallback;
  }

  /** A boolean, or `fallback` when absent. */
  bool(key: string, fallback: boolean): boolean {
    const v = this.o[key];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    this.problems.push(`${key} must be a boolean`);
    return fallback;
  }

  /** A string matching `pattern` (without one: not blank), or `fallback` when absent. */
  str(key: string, fallback: string, pattern?: RegExp, message?: string): string {
    const v = this.o[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string' && (pattern === undefined ? v.trim() !== '' : pattern.test(v))) return v;
    this.problems.push(message ?? `${key} must be a non-empty string`);
    return fallback;
  }

  /** A function (the injectable clock), or `fallback` when absent. */
  fn<F extends (...args: never[]) => unknown>(key: string, fallback: F): F {
    const v = this.o[key];
    if (v === undefined) return fallback;
    if (typeof v === 'function') return v as F;
    this.problems.push(`${key} must be a function`);
    return fallback;
  }

  /** A plain object passed through unchecked (e.g. the recorder limits), or `fallback` when absent. */
  object<T>(key: string, fallback: T): T {
    const v = this.o[key];
    if (v === undefined) return fallback;
    if (isPlainObject(v)) return v as T;
    this.problems.push(`${key} must be an object`);
    return fallback;
  }

  /** @throws MockAdminError(400) `invalid <label>: …` with `details.problems` when there was any problem */
  done(): void {
    if (this.problems.length > 0) {
      throw new MockAdminError(400, `invalid ${this.label}: ${this.problems.join('; ')}`, { problems: [...this.problems] });
    }
  }
}

/** True for an integer in [min, max]. */
export function isIntIn(v: unknown, min: number, max: number): boolean {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

/** True for an object that is not null and not an array. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads mock settings from the environment (`mocks/main.ts`): each reader names the variable in
 * its error, so a bad `MOCK_…` stops the start with a line saying which one.
 */
export class EnvReader {
  /** @param env the environment (default `process.env`) */
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** A string, or `fallback` when unset or empty. */
  str(name: string, fallback: string): string {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  }

  /**
   * A port (0 = any free one), or `fallback` when unset or empty.
   * @throws Error naming the variable
   */
  port(name: string, fallback: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
    return n;
  }

  /** A switch: with a `true` default only `false` turns it off; with a `false` default only `true` turns it on. */
  flag(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    return fallback ? raw !== 'false' : raw === 'true';
  }

  /**
   * JSON checked by `check`, or `fallback()` when unset or blank.
   * @param usage how the value should look, for the error
   * @throws Error naming the variable when it is not JSON or `check` throws
   */
  json<T>(name: string, fallback: () => T, usage: string, check: (value: unknown) => T): T {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return fallback();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`${name} must be JSON: ${usage}`);
    }
    try {
      return check(value);
    } catch (err) {
      throw new Error(`${name} ${(err as Error).message}`);
    }
  }
}
