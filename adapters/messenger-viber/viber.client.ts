import { TransientError } from '../../contracts';
import { asObject, parseViberJson } from './viber-json.codec';
import { classifyHttpStatus, classifyNetworkError } from './viber.errors';

/** A Viber answer: the `status` code and the rest of the body, numbers read losslessly. */
export interface ViberAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Larger answers are not Viber's: refuse them rather than buffer without bound. */
const MAX_ANSWER_CHARS = 1024 * 1024;

/**
 * The wire to the Viber REST Bot API: every call is a JSON POST to `<baseUrl>/<method>` with the
 * `X-Viber-Auth-Token` header (the official SDK also repeats the token in the body; the header
 * is what the API checks, so the token is not copied into bodies that proxies may log).
 * Plain `fetch`: the viber-bot SDK's JSON handling loses `message_token` precision.
 */
export class ViberClient {
  private readonly root: string;

  constructor(
    baseUrl: string,
    private readonly authToken: string,
  ) {
    this.root = baseUrl.replace(/\/+$/, '');
  }

  /**
   * Calls one method. Returns the answer whatever its `status` (the caller classifies it);
   * throws TransientError for network failures, timeouts, non-200 answers (PermanentError for
   * 401/403) and bodies that are not a Viber answer.
   */
  async call(method: string, body: Record<string, unknown>, signal: AbortSignal): Promise<ViberAnswer> {
    let text: string;
    try {
      const res = await fetch(`${this.root}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', 'x-viber-auth-token': this.authToken },
        body: JSON.stringify(body),
        signal,
        redirect: 'error',
      });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        throw classifyHttpStatus(method, res.status, res.headers.get('retry-after'));
      }
      text = await res.text();
    } catch (e) {
      if (e instanceof Error && (e.name === 'TransientError' || e.name === 'PermanentError')) throw e;
      throw classifyNetworkError(method, e, signal);
    }
    return readAnswer(method, text);
  }
}

/** Parses a Viber answer body; anything without a numeric `status` is a garbled answer (transient). */
export function readAnswer(method: string, text: string): ViberAnswer {
  if (text.length > MAX_ANSWER_CHARS) throw new TransientError(`Viber ${method}: answer too large (${text.length} characters)`);
  let parsed: unknown;
  try {
    parsed = parseViberJson(text);
  } catch {
    throw new TransientError(`Viber ${method}: unreadable answer (${text.length} characters)`);
  }
  const body = asObject(parsed);
  if (!body || typeof body.status !== 'number' || !Number.isInteger(body.status)) {
    throw new TransientError(`Viber ${method}: answer without a status code`);
  }
  return { status: body.status, body };
}
