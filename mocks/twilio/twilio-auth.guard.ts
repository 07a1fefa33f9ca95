import { timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Basic base64(AccountSid:AuthToken)` against the configured accounts.
 *
 * @param header the raw header
 * @param tokens auth token by Account SID
 * @returns the authenticated Account SID, or null (answer 401 / 20003)
 */
export function authenticateBasic(header: string | undefined, tokens: ReadonlyMap<string, string>): string | null {
  if (!header || header.length > 4096) return null;
  const m = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const sid = decoded.slice(0, colon);
  const expected = tokens.get(sid);
  if (expected === undefined) return null;
  const given = Buffer.from(decoded.slice(colon + 1), 'utf8');
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want) ? sid : null;
}
