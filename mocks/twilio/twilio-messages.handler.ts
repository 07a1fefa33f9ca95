import type { MockHandler, MockRequest, MockResponse } from '../_kit';
import { authenticateBasic } from './twilio-auth.guard';
import { errorResponse, genericError, JSON_CT, TwilioApiError } from './twilio-error.codec';
import { FormParams } from './twilio-form.codec';
import { notFound, type MessagesService } from './twilio-messages.service';
import type { FixedWindowLimiter } from '../_kit';
import { newSid } from './twilio-sid.codec';

/** What the handler needs. */
export interface MessagesHandlerDeps {
  service: MessagesService;
  /** Auth token by Account SID. */
  tokens: ReadonlyMap<string, string>;
  limiter: FixedWindowLimiter;
  /** Requests per second per account; null: no limit. */
  ratePerSecond: number | null;
}

const API_PREFIX = '/2010-04-01/';
/** `/2010-04-01/Accounts/{AccountSid}/Messages.json` and `…/Messages/{Sid}.json`. */
const MESSAGES_ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/]+))?\.json$/;

/**
 * The HTTP face of the Messages resource: Basic auth (401 / 20003, also when the path's
 * AccountSid is not the authenticated one), the per-account rate limit (429 / 20429), routing
 * (404 / 20404, 405 / 20004), then create / fetch / list. Every error is Twilio's JSON shape.
 */
export function createMessagesHandler(deps: MessagesHandlerDeps): MockHandler {
  return (req) => {
    let res: MockResponse;
    try {
      res = route(req, deps);
    } catch (err) {
      res = errorResponse(err instanceof TwilioApiError ? err : genericError(500, `Internal Server Error: ${(err as Error)?.message ?? String(err)}`));
    }
    // Every real answer carries a request id; clients log it for support tickets.
    return { ...res, headers: { ...res.headers, 'twilio-request-id': newSid('RQ') } };
  };
}

function route(req: MockRequest, deps: MessagesHandlerDeps): MockResponse {
  if (!req.path.startsWith(API_PREFIX)) throw notFound(req.path);
  const account = authenticateBasic(req.headers.authorization, deps.tokens);
  if (account === null) throw genericError(401);
  const m = MESSAGES_ROUTE.exec(req.path);
  if (!m) throw notFound(req.path);
  const [, pathAccount, sid] = m;
  if (pathAccount !== account) throw genericError(401);
  if (!deps.limiter.take(account, deps.ratePerSecond)) throw new TwilioApiError(429, 20429, 'Too Many Requests');

  if (sid === undefined) {
    if (req.method === 'POST') return json(201, deps.service.create(account, new FormParams(req.text())));
    if (req.method === 'GET') return json(200, deps.service.list(account, req.query));
    throw methodNotAllowed(req.method);
  }
  if (req.method === 'GET') return json(200, deps.service.fetch(account, sid, req.path));
  throw methodNotAllowed(req.method);
}

function methodNotAllowed(method: string): TwilioApiError {
  return new TwilioApiError(405, 20004, `Method ${method.slice(0, 20)} not allowed (this mock implements create, fetch and list)`);
}

function json(status: number, body: unknown): MockResponse {
  return { status, headers: { 'content-type': JSON_CT }, body: JSON.stringify(body) };
}

/** The request type for recording and fault matching: `create-message`, `fetch-message` or `list-messages`. */
export function classifyTwilioRequest(req: MockRequest): string | null {
  const m = MESSAGES_ROUTE.exec(req.path);
  if (!m) return null;
  if (m[2] !== undefined) return req.method === 'GET' ? 'fetch-message' : null;
  if (req.method === 'POST') return 'create-message';
  return req.method === 'GET' ? 'list-messages' : null;
}
