/**
 * `application/x-www-form-urlencoded` in and out. Parameters land in a Map, never on an object,
 * so keys like `__proto__` are just unknown parameters.
 */

/** Parsed form parameters; a repeated key (e.g. `MediaUrl`) keeps every value in order. */
export class FormParams {
  private readonly values = new Map<string, string[]>();

  /** @param text the raw body; malformed percent-escapes are kept literally, as URLSearchParams does */
  constructor(text: string) {
    for (const [k, v] of new URLSearchParams(text)) {
      const list = this.values.get(k);
      if (list) list.push(v);
      else this.values.set(k, [v]);
    }
  }

  /** First value of a key. */
  get(key: string): string | undefined {
    return this.values.get(key)?.[0];
  }

  /** Every value of a key, in order. */
  getAll(key: string): string[] {
    return [...(this.values.get(key) ?? [])];
  }

  /** Whether the key was sent at all (even empty). */
  has(key: string): boolean {
    return this.values.has(key);
  }
}

/** Encodes ordered pairs as a form body. */
export function encodeForm(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(params)).toString();
}
