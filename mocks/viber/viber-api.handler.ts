import { STATUS_CODES } from 'node:http';
import type { ErrorResponder, MockHandler, MockRequest, MockResponse } from '../_kit';
import type { AccountRepository } from './viber-accounts.repository';
import type { AccountService } from './viber-account.service';
import { parseRequestJson, toRawJson, type ParsedBody } from './viber-json.codec';
import { failure, type ApiAnswer, type MessagingService } from './viber-messaging.service';
import type { ViberSettings } from './viber-mock.options';
import type { FixedWindowLimiter } from '../_kit';
import { VIBER_METHODS, VIBER_STATUS, type ViberMethod } from './viber-status.constants';
import type { StatusFaultInjector } from './viber-status-fault.injector';

/** Path prefix of the API (`https://chatapi.viber.com/pa`). */
export const API_PREFIX = '/pa/';
/** The auth header (Node lower-cases header names). */
const AUTH_HEADER = 'x-viber-auth-token';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Collaborators of the API handler. */
export interface ViberApiHandlerDeps {
  accounts: AccountRepository;
  messaging: MessagingService;
  accountService: AccountService;
  rate: FixedWindowLimiter;
  statusFaults: StatusFaultInjector;
  settings: () => ViberSettings;
}

/** The method a request calls (`send_message`, ...), for recording and `match.type`; null elsewhere. */
export function classifyViberRequest(req: Pick<MockRequest, 'path'>): ViberMethod | null {
  if (!req.path.startsWith(API_PREFIX)) return null;
  const m = req.path.slice(API_PREFIX.length);
  return (VIBER_METHODS as readonly string[]).includes(m) ? (m as ViberMethod) : null;
}

/**
 * Errors the API did not compute: an injected `http-error` / `rate-limit` fault is an outage in
 * front of the API, hence a non-200 with a small JSON body; a body over the size cap is refused
 * by the API itself, hence HTTP 200 with status 3 badData.
 */
export const viberErrorResponder: ErrorResponder = (e) => {
  if (e.cause === 'too-large') return json(failure(VIBER_STATUS.badData));
  return {
    status: e.status,
    headers: JSON_HEADERS,
    body: JSON.stringify({ error: e.message ?? STATUS_CODES[e.status] ?? 'Error', status: e.status }),
  };
};

/**
 * The API: `POST /pa/<method>` with JSON, authenticated by `X-Viber-Auth-Token` or, failing the
 * header, `auth_token` in the body (the node SDK sends both). Every API outcome is HTTP 200 with
 * `status` / `status_message`; only unknown paths (404) and other HTTP methods (405) are not.
 */
export function createViberApiHandler(deps: ViberApiHandlerDeps): MockHandler {
  return async (req) => {
    const method = classifyViberRequest(req);
    if (method === null) return { status: 404, headers: JSON_HEADERS, body: '{"error":"Not Found","status":404}' };
    if (req.method !== 'POST') return { status: 405, headers: { ...JSON_HEADERS, allow: 'POST' }, body: '{"error":"Method Not Allowed","status":405}' };

    let parsed: ParsedBody | null = null;
    let token: unknown = req.headers[AUTH_HEADER];
    if (token === undefined) {
      parsed = parseBody(req);
      token = parsed.ok ? parsed.value.auth_token : undefined;
    }
    const account = typeof token === 'string' ? deps.accounts.byAuthToken(token) : undefined;
    if (!account) return json(failure(VIBER_STATUS.invalidAuthToken));
    if (!deps.rate.take(account.authToken, deps.settings().ratePerSecond)) return json(failure(VIBER_STATUS.tooManyRequests));
    const forced = deps.statusFaults.take(method);
    if (forced !== null) return json(failure(forced));

    parsed ??= parseBody(req);
    if (!parsed.ok) return json(failure(VIBER_STATUS.badData));
    const body = parsed.value;
    switch (method) {
      case 'send_message':
        return json(deps.messaging.sendMessage(account, body));
      case 'set_webhook':
        return json(await deps.accountService.setWebhook(account, body));
      case 'get_account_info':
        return json(deps.accountService.accountInfo(account));
    }
  };
}

/** An empty body is an empty request object (curl users call get_account_info without one). */
function parseBody(req: MockRequest): ParsedBody {
  const parsed = parseRequestJson(req.text());
  return !parsed.ok && parsed.reason === 'empty' ? { ok: true, value: {} } : parsed;
}

function json(answer: ApiAnswer): MockResponse {
  return { status: 200, headers: JSON_HEADERS, body: toRawJson(answer) };
}
