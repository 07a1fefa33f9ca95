import type { MockHandler, MockRequest } from '../_kit';
import { authenticate, bearerToken } from './turbo-auth.guard';
import { turboCode } from './turbo-codes.catalog';
import { envelope } from './turbo-envelope.codec';
import { parseTurboBody } from './turbo-json.codec';
import type { TurboSendService } from './turbo-send.service';
import type { TurboStatusService } from './turbo-status.service';

/** The API methods the mock serves, by path. */
export const TURBO_PATHS = {
  send: '/message/send.json',
  status: '/message/status.json',
  balance: '/user/balance.json',
} as const;

/** A request type as recorded by the kit and matched by a fault's `match.type`. */
export type TurboRequestType = keyof typeof TURBO_PATHS;

const BY_PATH = new Map<string, TurboRequestType>(Object.entries(TURBO_PATHS).map(([k, v]) => [v, k as TurboRequestType]));

/** Names a request `send`, `status` or `balance` by its path (null for other paths). */
export function classifyTurboRequest(req: Pick<MockRequest, 'path'>): TurboRequestType | null {
  return BY_PATH.get(req.path) ?? null;
}

/** What the handler dispatches to. */
export interface TurboHandlerDeps {
  tokens: ReadonlySet<string>;
  send: TurboSendService;
  status: TurboStatusService;
}

/**
 * The API surface: routing, authentication (header first, then a `token` body field), body
 * parsing, then the method. Every API answer is HTTP 200 with the envelope; only unknown paths
 * (404) and methods other than POST (405) are refused at the HTTP level, still with an envelope.
 */
export function createTurboHandler(deps: TurboHandlerDeps): MockHandler {
  return (req) => {
    const type = classifyTurboRequest(req);
    if (type === null) return envelope(turboCode('INVALID_REQUEST'), null, 404);
    if (req.method !== 'POST') {
      const r = envelope(turboCode('INVALID_REQUEST'), null, 405);
      return { ...r, headers: { ...r.headers, allow: 'POST' } };
    }
    const headerToken = bearerToken(req.headers.authorization);
    if (headerToken !== null) {
      const auth = authenticate(headerToken, undefined, deps.tokens);
      if (!auth.ok) return envelope(auth.error);
    }
    const parsed = parseTurboBody(req.text());
    if (!parsed.ok) return envelope(parsed.error);
    const auth = authenticate(headerToken, parsed.value, deps.tokens);
    if (!auth.ok) return envelope(auth.error);

    switch (type) {
      case 'send':
        return deps.send.send(auth.token, parsed.value);
      case 'status':
        return deps.status.status(parsed.value);
      case 'balance':
        return deps.status.balance();
    }
  };
}
