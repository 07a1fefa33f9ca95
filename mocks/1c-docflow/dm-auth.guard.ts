import type { DmUserAccount } from './dm-mock.options';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1251 = new TextDecoder('windows-1251');

/**
 * Checks an `Authorization: Basic` header against the configured users. The credentials are
 * tried as UTF-8 first and, failing a match, as CP1251: 1C publications differ in how they
 * decode the header, and clients with Cyrillic logins try both (external-systems.md §1.4).
 *
 * @returns the matching user, or null (answer 401)
 */
export function authenticateBasic(header: string | undefined, users: readonly DmUserAccount[]): DmUserAccount | null {
  if (!header) return null;
  const m = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const bytes = Buffer.from(m[1], 'base64');
  const colon = bytes.indexOf(0x3a);
  if (colon < 0) return null;
  const loginBytes = bytes.subarray(0, colon);
  const passwordBytes = bytes.subarray(colon + 1);
  for (const decode of [decodeUtf8, (b: Buffer) => cp1251.decode(b)]) {
    const login = decode(loginBytes);
    const password = decode(passwordBytes);
    if (login === null || password === null) continue;
    const user = users.find((u) => u.login === login && u.password === password);
    if (user) return user;
  }
  return null;
}

function decodeUtf8(b: Buffer): string | null {
  try {
    return utf8.decode(b);
  } catch {
    return null;
  }
}

/** The header that makes a client send credentials, as a 1C publication answers. */
export const WWW_AUTHENTICATE = 'Basic realm="1C"';
