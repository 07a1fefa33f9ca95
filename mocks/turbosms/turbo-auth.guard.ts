import { turboCode, type TurboCode } from './turbo-codes.catalog';

/** Who is calling, or the envelope error that refuses the call. */
export type AuthOutcome = { ok: true; token: string } | { ok: false; error: TurboCode };

/** The token of an `Authorization: Bearer <token>` header; null when there is none (or another scheme). */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/**
 * Authenticates a call. The header wins; without one, a `token` field of the JSON body is used,
 * as some clients send it there. Missing → 103 REQUIRED_TOKEN, a non-string body token → 301
 * INVALID_TOKEN, an unknown token → 105 REQUIRED_AUTH ("authentication failed, wrong token").
 */
export function authenticate(headerToken: string | null, body: unknown, tokens: ReadonlySet<string>): AuthOutcome {
  let token = headerToken;
  if (token === null && typeof body === 'object' && body !== null && !Array.isArray(body) && 'token' in body) {
    const t = (body as { token: unknown }).token;
    if (t !== undefined && t !== null && typeof t !== 'string') return { ok: false, error: turboCode('INVALID_TOKEN') };
    token = typeof t === 'string' && t.trim() !== '' ? t.trim() : null;
  }
  if (token === null) return { ok: false, error: turboCode('REQUIRED_TOKEN') };
  if (!tokens.has(token)) return { ok: false, error: turboCode('REQUIRED_AUTH') };
  return { ok: true, token };
}
