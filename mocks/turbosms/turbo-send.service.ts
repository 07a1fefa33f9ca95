import { randomUUID } from 'node:crypto';
import { SegmentedMessage } from 'sms-segments-calculator';
import type { MockResponse } from '../_kit';
import type { TurboAccount } from './turbo-account.repository';
import { turboCode, type TurboCode } from './turbo-codes.catalog';
import type { DuplicateWindow } from './turbo-dedup.repository';
import { envelope, envelopeRaw } from './turbo-envelope.codec';
import { duplicateKey } from './turbo-json.codec';
import type { MessageStatus, MessagesRepository, StoredMessage, ViberExtras } from './turbo-messages.repository';
import type { AutoProgress } from './turbo-mock.options';
import type { RecipientBehaviour, RecipientsRepository } from './turbo-recipients.repository';
import { checkRecipient, readSendRequest, type SendRequest } from './turbo-send.reader';

/** What a send needs from the rest of the mock. */
export interface SendServiceDeps {
  messages: MessagesRepository;
  recipients: RecipientsRepository;
  account: TurboAccount;
  duplicates: DuplicateWindow;
  senders: ReadonlySet<string>;
  maxRecipients: number;
  autoProgress: () => AutoProgress;
  clock: () => number;
}

/** One entry of a send's `response_result`. */
export interface SendResultEntry {
  phone: string | null;
  response_code: number;
  message_id: string | null;
  response_status: string;
}

/** A Viber message costs this much; an SMS costs 1 per segment [ASSUMPTION]. */
export const VIBER_MESSAGE_COST = 1;

const FINAL_BY_BEHAVIOUR: Record<RecipientBehaviour, MessageStatus | null> = {
  delivered: 'Delivered',
  undelivered: 'Undelivered',
  rejected: 'Rejected',
  expired: 'Expired',
  stoplist: null,
  'no-viber': 'Delivered',
  silent: null,
};

type Accepted = { index: number; phone: string; channel: 'sms' | 'viber'; behaviour: RecipientBehaviour };

/** `POST /message/send.json`: duplicate protection, checks, billing and message creation. */
export class TurboSendService {
  /** @param deps the mock's state */
  constructor(private readonly deps: SendServiceDeps) {}

  /** Executes an authenticated send with its parsed body and renders the answer. */
  send(token: string, body: unknown): MockResponse {
    const { account, duplicates } = this.deps;
    account.count('sendRequests');
    const key = isPlainObject(body) ? duplicateKey(token, body) : null;
    if (key !== null) {
      const previous = duplicates.find(key);
      if (previous !== undefined) {
        account.count('duplicates');
        return envelopeRaw(turboCode('FAILED_DUPLICATE_REQUEST'), previous);
      }
    }
    const read = readSendRequest(body, { senders: this.deps.senders, maxRecipients: this.deps.maxRecipients });
    if (!read.ok) return envelope(read.error);

    const outcome = this.execute(read.value);
    if ('error' in outcome) return envelope(outcome.error);
    const resultJson = JSON.stringify(outcome.results);
    if (key !== null) duplicates.remember(key, resultJson);
    return envelopeRaw(turboCode(outcome.allAccepted ? 'SUCCESS_MESSAGE_ACCEPTED' : 'SUCCESS_MESSAGE_PARTIAL_ACCEPTED'), resultJson);
  }

  private execute(req: SendRequest): { results: SendResultEntry[]; allAccepted: boolean } | { error: TurboCode } {
    const { recipients, account, messages } = this.deps;
    const results: SendResultEntry[] = new Array(req.recipients.length);
    const accepted: Accepted[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < req.recipients.length; i++) {
      const check = checkRecipient(req.recipients[i]);
      let error = check.error;
      let behaviour: RecipientBehaviour = 'delivered';
      if (error === null && check.phone !== null) {
        behaviour = recipients.get(check.phone);
        if (seen.has(check.phone)) error = turboCode('NOT_ALLOWED_RECIPIENT_DUPLICATE');
        else if (behaviour === 'stoplist') error = turboCode('NOT_ALLOWED_NUMBER_STOPLIST');
        seen.add(check.phone);
      }
      if (error !== null || check.phone === null) {
        const e = error ?? turboCode('INVALID_PHONE');
        results[i] = { phone: check.echo, response_code: e.code, message_id: null, response_status: e.status };
        continue;
      }
      accepted.push({ index: i, phone: check.phone, behaviour, channel: channelFor(req, behaviour) });
    }

    // Segments depend only on the text, so they are counted once per request, not per recipient.
    const smsSegments = req.sms ? new SegmentedMessage(req.sms.text).segmentsCount : 0;
    const costOf = (a: Accepted) => (a.channel === 'sms' ? smsSegments : VIBER_MESSAGE_COST);
    let total = 0;
    for (const a of accepted) total += costOf(a);
    if (!account.charge(total)) return { error: turboCode('REQUIRED_BALANCE') };

    const now = this.deps.clock();
    const sentAt = req.startAt !== null && req.startAt > now ? req.startAt : now;
    const progress = this.deps.autoProgress();
    const viberExtras: ViberExtras | null = req.viber ? { caption: req.viber.caption, action: req.viber.action, imageUrl: req.viber.imageUrl, ttl: req.viber.ttl } : null;
    for (const a of accepted) {
      const part = a.channel === 'sms' ? req.sms! : req.viber!;
      const message: StoredMessage = {
        id: randomUUID(),
        phone: a.phone,
        type: a.channel,
        sender: part.sender,
        text: part.text,
        hybrid: req.sms !== null && req.viber !== null,
        viber: a.channel === 'viber' ? viberExtras : null,
        segments: a.channel === 'sms' ? smsSegments : 0,
        cost: costOf(a),
        createdAt: now,
        sentAt,
        manualStatus: null,
        manualAt: now,
        ...plan(a, sentAt, progress),
      };
      messages.add(message);
      results[a.index] = { phone: a.phone, response_code: 0, message_id: message.id, response_status: 'OK' };
    }
    account.count('recipients', req.recipients.length);
    account.count('messages', accepted.length);
    return { results, allAccepted: accepted.length === req.recipients.length };
  }
}

/** Hybrid goes out over Viber unless the recipient has none; single-channel sends use their channel. */
function channelFor(req: SendRequest, behaviour: RecipientBehaviour): 'sms' | 'viber' {
  if (req.viber === null) return 'sms';
  if (req.sms !== null && behaviour === 'no-viber') return 'sms';
  return 'viber';
}

function plan(a: Accepted, sentAt: number, p: AutoProgress): Pick<StoredMessage, 'finalStatus' | 'finalAt' | 'readAt'> {
  let final = FINAL_BY_BEHAVIOUR[a.behaviour];
  // A Viber-only message to someone without Viber cannot reach them.
  if (a.behaviour === 'no-viber' && a.channel === 'viber') final = 'Undelivered';
  if (!p.enabled || final === null) return { finalStatus: null, finalAt: Infinity, readAt: Infinity };
  const finalAt = sentAt + p.deliveredAfterMs;
  const readAt = a.channel === 'viber' && final === 'Delivered' ? sentAt + Math.max(p.readAfterMs, p.deliveredAfterMs) : Infinity;
  return { finalStatus: final, finalAt, readAt };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
