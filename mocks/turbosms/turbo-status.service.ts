import type { MockResponse } from '../_kit';
import { formatKyiv } from './kyiv-time.codec';
import type { TurboAccount } from './turbo-account.repository';
import { turboCode } from './turbo-codes.catalog';
import { envelope } from './turbo-envelope.codec';
import type { MessagesRepository } from './turbo-messages.repository';

/** One entry of a `status.json` answer: a known message, or a per-id error. */
export type StatusEntry =
  | {
      message_id: string;
      response_code: 0;
      response_status: 'OK';
      recipient: string;
      sent: string | null;
      updated: string;
      status: string;
      type: 'sms' | 'viber';
      rejected_status: string | null;
      click_time: string | null;
    }
  | { message_id: string | number | null; response_code: number; response_status: string };

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `POST /message/status.json` and `POST /user/balance.json`. */
export class TurboStatusService {
  /**
   * @param messages the message store
   * @param account the balance
   * @param clock milliseconds since the epoch
   */
  constructor(
    private readonly messages: MessagesRepository,
    private readonly account: TurboAccount,
    private readonly clock: () => number,
  ) {}

  /**
   * Statuses of `{"messages": [ids]}`, in the order asked. A malformed id gets 307
   * INVALID_MESSAGE_ID, an unknown one 414 NOT_ALLOWED_MESSAGE_ID.
   */
  status(body: unknown): MockResponse {
    if (body === undefined) return envelope(turboCode('REQUIRED_CONTENT'));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return envelope(turboCode('INVALID_REQUEST'));
    const ids = (body as { messages?: unknown }).messages;
    if (!Array.isArray(ids) || ids.length === 0) return envelope(turboCode('INVALID_REQUEST'));
    const now = this.clock();
    const result: StatusEntry[] = ids.map((id) => this.entry(id, now));
    return envelope(turboCode('OK'), result);
  }

  /** The account balance as `response_result.balance`. */
  balance(): MockResponse {
    return envelope(turboCode('OK'), { balance: this.account.balance });
  }

  private entry(id: unknown, now: number): StatusEntry {
    if (typeof id !== 'string' || !MESSAGE_ID.test(id)) {
      const e = turboCode('INVALID_MESSAGE_ID');
      const echo = typeof id === 'string' ? id.slice(0, 100) : typeof id === 'number' ? id : null;
      return { message_id: echo, response_code: e.code, response_status: e.status };
    }
    const m = this.messages.get(id.toLowerCase());
    if (!m) {
      const e = turboCode('NOT_ALLOWED_MESSAGE_ID');
      return { message_id: id, response_code: e.code, response_status: e.status };
    }
    const s = this.messages.state(m, now);
    return {
      message_id: m.id,
      response_code: 0,
      response_status: 'OK',
      recipient: m.phone,
      sent: s.sentAt === null ? null : formatKyiv(s.sentAt),
      updated: formatKyiv(s.updatedAt),
      status: s.status,
      type: m.type,
      rejected_status: null,
      click_time: null,
    };
  }
}
