import secureJson from 'secure-json-parse';
import { TransientError } from '../../contracts';
import { DEFAULT_BASE_URL, type TurboSmsConfig } from './turbosms.config';
import { classifyHttpStatus } from './turbosms.errors';

/** The API paths this adapter calls. */
export type TurboPath = '/message/send.json' | '/message/status.json' | '/user/balance.json';

/** Every TurboSMS answer: the outcome is in `response_code`, whatever the HTTP status. */
export interface TurboEnvelope {
  response_code: number;
  response_status: string;
  response_result: unknown;
}

/**
 * The wire to TurboSMS HTTP API v2: `POST` of a JSON body with `Authorization: Bearer <token>`,
 * answered by a `{response_code, response_status, response_result}` envelope. It throws only for
 * what is wrong below the envelope (network, deadline, HTTP errors of the front proxy, answers
 * that cannot be read); the caller interprets `response_code`, which means different things for
 * each call. Error messages carry no token, body or phone number.
 */
export class TurboSmsClient {
  private readonly base: string;
  private readonly authorization: string;

  constructor(config: Pick<TurboSmsConfig, 'token' | 'baseUrl'>) {
    this.base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.authorization = `Bearer ${config.token}`;
  }

  /**
   * One call.
   * @param path the API path
   * @param body the exact JSON text to send (a send's bytes matter for TurboSMS's duplicate check)
   * @param signal the caller's deadline
   * @throws TransientError for network failures, the deadline, HTTP 429 / 5xx and unreadable answers;
   *   PermanentError for other HTTP errors without an envelope (401 / 403 among them)
   */
  async post(path: TurboPath, body: string, signal: AbortSignal): Promise<TurboEnvelope> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body,
        signal,
      });
    } catch (e) {
      throw transportError(path, e, signal);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw transportError(path, e, signal);
    }
    const envelope = readEnvelope(text);
    const httpError = res.status === 200 ? undefined : classifyHttpStatus(res.status, res.headers.get('retry-after'), envelope !== undefined);
    if (httpError) throw httpError;
    // A 200 that is not an envelope was cut short or garbled on the way: the call may have taken effect.
    if (!envelope) throw new TransientError(`TurboSMS ${path}: the answer is not a TurboSMS envelope (cut short or garbled)`);
    return envelope;
  }
}

/** The envelope of an answer, or undefined when the text is not one. */
export function readEnvelope(text: string): TurboEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const p = parsed as Record<string, unknown>;
  const code = typeof p.response_code === 'string' && /^\d+$/.test(p.response_code) ? Number(p.response_code) : p.response_code;
  if (typeof code !== 'number' || !Number.isInteger(code)) return undefined;
  return { response_code: code, response_status: typeof p.response_status === 'string' ? p.response_status : '', response_result: p.response_result ?? null };
}

function transportError(path: string, e: unknown, signal: AbortSignal): TransientError {
  if (signal.aborted) return new TransientError(`TurboSMS ${path}: no answer before the deadline (aborted)`);
  const err = e as { name?: string; message?: string; cause?: { code?: string } };
  return new TransientError(`TurboSMS ${path}: unreachable (${err.name ?? 'Error'}: ${err.cause?.code ?? err.message ?? 'unknown'})`.slice(0, 300));
}
