import { AdminDenied } from '../auth/admin.guard';

/** Control characters never belong in a filter value. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Reads the filters of an admin list from a query string (or a form): absent or empty values are
 * absent, a value given twice, too long or with control characters is a 400 with its name, and a
 * date is ISO 8601 (a day or a timestamp).
 */
export function queryReader(q: Record<string, unknown>): { text(k: string, max: number): string | undefined; date(k: string): Date | undefined } {
  const text = (k: string, max: number): string | undefined => {
    const v = q[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || v.length > max || CONTROL.test(v)) throw new AdminDenied(400, `${k}: at most ${max} printable characters, given once`);
    return v.trim() || undefined;
  };
  const date = (k: string): Date | undefined => {
    const v = text(k, 40);
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new AdminDenied(400, `${k} must be a date or a timestamp (ISO 8601)`);
    return d;
  };
  return { text, date };
}
