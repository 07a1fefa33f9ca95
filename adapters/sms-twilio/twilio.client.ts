import secureJson from 'secure-json-parse';
import { TransientError } from '../../contracts';
import type { TwilioConfig } from './twilio.config';
import { DEFAULT_BASE_URL } from './twilio.config';
import { OutcomeUnknownError, parseRetryAfter, transportFailure, TwilioApiError } from './twilio.errors';

/** API version segment of every REST path. */
const API_VERSION = '2010-04-01';

/** A parsed JSON object from Twilio (snake_case fields). */
export type TwilioResource = Record<string, unknown>;

/**
 * The Twilio REST API over plain `fetch`: form-encoded POST, HTTP Basic `AccountSid:AuthToken`,
 * JSON answers. `fetch` rather than the SDK's client because the SDK can be aimed at another
 * host only through a custom `httpClient` or edge/region rewriting, and takes a timeout rather
 * than the hub's AbortSignal (see README).
 */
export class TwilioRestClient {
  private readonly authorization: string;
  private readonly accountRoot: string;

  constructor(private readonly config: Pick<TwilioConfig, 'accountSid' | 'authToken' | 'baseUrl'>) {
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`, 'utf8').toString('base64')}`;
    const base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.accountRoot = `${base}/${API_VERSION}/Accounts/${encodeURIComponent(config.accountSid)}`;
  }

  /**
   * `POST /Accounts/{sid}/Messages.json` (CreateMessage).
   * @throws TwilioApiError (an HTTP error answer), OutcomeUnknownError (timeout, reset, unreadable
   *   2xx: the message may exist), TransientError (Twilio unreachable)
   */
  async createMessage(form: URLSearchParams, signal: AbortSignal): Promise<TwilioResource> {
    return this.call('POST', '/Messages.json', 'create message', signal, form);
  }

  /**
   * `GET /Accounts/{sid}/Messages.json` with filters (e.g. `To`, `PageSize`); newest first.
   * @returns the `messages` array (empty when the answer has none)
   */
  async listMessages(query: Record<string, string>, signal: AbortSignal): Promise<TwilioResource[]> {
    const page = await this.call('GET', `/Messages.json?${new URLSearchParams(query).toString()}`, 'list messages', signal);
    const messages = page.messages;
    if (!Array.isArray(messages)) throw new TransientError('Twilio list messages: the answer has no messages array');
    return messages.filter((m): m is TwilioResource => typeof m === 'object' && m !== null);
  }

  private async call(method: 'GET' | 'POST', path: string, what: string, signal: AbortSignal, form?: URLSearchParams): Promise<TwilioResource> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.accountRoot}${path}`, {
        method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          'user-agent': 'cabinet-hub sms.twilio',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
        },
        body: form?.toString(),
        signal,
        redirect: 'error',
      });
      // The body is read under the same signal: a stalled answer times out like a silent one.
      text = await res.text();
    } catch (e) {
      throw transportFailure(e, what);
    }
    const body = parseJson(text);
    if (res.status >= 200 && res.status < 300) {
      if (!body) throw new OutcomeUnknownError(`Twilio ${what}: HTTP ${res.status} with an unreadable body`);
      return body;
    }
    const code = typeof body?.code === 'number' && Number.isInteger(body.code) ? body.code : undefined;
    throw new TwilioApiError(res.status, code, parseRetryAfter(res.headers.get('retry-after'), Date.now()));
  }
}

/** A JSON object, or undefined for anything else (cut-off, HTML error pages, prototype tricks). */
function parseJson(text: string): TwilioResource | undefined {
  try {
    const v: unknown = secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as TwilioResource) : undefined;
  } catch {
    return undefined;
  }
}
