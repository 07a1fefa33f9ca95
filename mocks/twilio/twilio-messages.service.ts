import { isoDay } from './twilio-date.codec';
import { TwilioApiError } from './twilio-error.codec';
import type { FormParams } from './twilio-form.codec';
import type { MessageLifecycle } from './twilio-lifecycle.service';
import type { MessageRecord } from './twilio-message.model';
import { messagesPath, toResource, type MessageResource } from './twilio-message.serializer';
import { invalidTo, validateCreateMessage } from './twilio-message.validator';
import type { RecipientBook } from './twilio-recipients.repository';
import { countSegments } from './twilio-segments.codec';
import { newSid } from './twilio-sid.codec';
import type { MessageStore } from './twilio-store.repository';

/** What the service needs. */
export interface MessagesServiceDeps {
  store: MessageStore;
  recipients: RecipientBook;
  lifecycle: MessageLifecycle;
  messagingServices: readonly string[] | null;
  clock: () => number;
}

/** A list page as the 2010 API returns it. */
export interface MessagePageBody {
  messages: MessageResource[];
  end: number;
  first_page_uri: string;
  next_page_uri: string | null;
  page: number;
  page_size: number;
  previous_page_uri: string | null;
  start: number;
  uri: string;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** Create, fetch and list of the Messages resource, independent of HTTP. */
export class MessagesService {
  /** @param deps store, recipients and lifecycle */
  constructor(private readonly deps: MessagesServiceDeps) {}

  /**
   * Creates (sends) a message.
   * @throws TwilioApiError for invalid parameters and for refusing recipients
   */
  create(accountSid: string, params: FormParams): MessageResource {
    const input = validateCreateMessage(params, this.deps.messagingServices);
    const rule = this.deps.recipients.get(input.to);
    switch (rule.behaviour) {
      case 'unsubscribed':
        throw new TwilioApiError(400, rule.errorCode ?? 21610, 'Attempt to send to unsubscribed recipient');
      case 'invalid':
        throw rule.errorCode === null || rule.errorCode === 21211 ? invalidTo(input.to) : new TwilioApiError(400, rule.errorCode, `Invalid 'To' number ${input.to}`);
      case 'not-mobile':
        throw new TwilioApiError(400, rule.errorCode ?? 21614, "'To' number is not a valid mobile number");
      default:
        break;
    }
    const now = this.deps.clock();
    const record: MessageRecord = {
      sid: newSid(input.mediaUrls.length > 0 ? 'MM' : 'SM'),
      accountSid,
      messagingServiceSid: input.messagingServiceSid,
      from: input.from,
      to: input.to,
      body: input.body,
      numSegments: countSegments(input.body).segments,
      mediaUrls: input.mediaUrls,
      status: input.messagingServiceSid !== null ? 'accepted' : 'queued',
      errorCode: null,
      errorMessage: null,
      price: null,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      statusCallback: input.statusCallback,
      validityPeriod: input.validityPeriod,
      behaviour: rule.behaviour,
      behaviourErrorCode: rule.errorCode,
      manual: false,
    };
    this.deps.store.add(record);
    const resource = toResource(record);
    this.deps.lifecycle.created(record);
    return resource;
  }

  /**
   * Fetches a message of the account.
   * @throws TwilioApiError 404 / 20404 when there is none
   */
  fetch(accountSid: string, sid: string, path: string): MessageResource {
    const r = this.deps.store.get(sid);
    if (!r || r.accountSid !== accountSid) throw notFound(path);
    return toResource(r);
  }

  /**
   * Lists the account's messages, newest first, filtered by `To`, `From`, `DateSent`,
   * `DateSent<` and `DateSent>`, paged by `PageSize`, `Page` and `PageToken`.
   */
  list(accountSid: string, query: URLSearchParams): MessagePageBody {
    const to = nonEmpty(query.get('To'));
    const from = nonEmpty(query.get('From'));
    const dateFilter = dateSentFilter(query);
    const pageSize = clampInt(query.get('PageSize'), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    const page = clampInt(query.get('Page'), 0, 0, 1_000_000);
    const token = nonEmpty(query.get('PageToken'));
    const afterSid = token !== undefined && /^PA(SM|MM)[0-9a-f]{32}$/.test(token) ? token.slice(2) : undefined;
    if (token !== undefined && afterSid === undefined) throw new TwilioApiError(400, 20001, `Invalid PageToken ${token.slice(0, 80)}`);

    const filter = from === undefined && dateFilter === null ? undefined : (r: MessageRecord) => (from === undefined || r.from === from) && (dateFilter === null || dateFilter(r));
    const result = this.deps.store.page({ accountSid, to, filter, afterSid, offset: page * pageSize, limit: pageSize });

    const base = `${messagesPath(accountSid)}.json`;
    const filters: [string, string][] = [];
    for (const key of ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']) {
      const v = nonEmpty(query.get(key));
      if (v !== undefined) filters.push([key, v]);
    }
    const uri = (p: number, pageToken?: string) => {
      const q = new URLSearchParams([...filters, ['PageSize', String(pageSize)], ['Page', String(p)]]);
      if (pageToken) q.set('PageToken', pageToken);
      return `${base}?${q.toString()}`;
    };
    const start = page * pageSize;
    const last = result.records[result.records.length - 1];
    return {
      messages: result.records.map(toResource),
      end: result.records.length === 0 ? start : start + result.records.length - 1,
      first_page_uri: uri(0),
      next_page_uri: result.more && last ? uri(page + 1, `PA${last.sid}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? uri(page - 1) : null,
      start,
      uri: uri(page, token),
    };
  }
}

/** The 404 / 20404 of the 2010 API. */
export function notFound(path: string): TwilioApiError {
  return new TwilioApiError(404, 20404, `The requested resource ${path.slice(0, 300)} was not found`);
}

function nonEmpty(v: string | null): string | undefined {
  return v === null || v === '' ? undefined : v;
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

/** `DateSent` (same UTC day, or same instant when a time is given), `DateSent<` (on or before), `DateSent>` (on or after). */
function dateSentFilter(q: URLSearchParams): ((r: MessageRecord) => boolean) | null {
  const on = nonEmpty(q.get('DateSent'));
  const before = nonEmpty(q.get('DateSent<'));
  const after = nonEmpty(q.get('DateSent>'));
  if (on === undefined && before === undefined && after === undefined) return null;
  const parse = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isNaN(t)) throw new TwilioApiError(400, 20001, `Invalid ${name}: ${v.slice(0, 80)}`);
    return t;
  };
  const isDay = (v: string | undefined) => v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v);
  const onAt = parse('DateSent', on);
  const onDay = isDay(on) ? on : undefined;
  const beforeAt = parse('DateSent<', before);
  const afterAt = parse('DateSent>', after);
  // A bare day given as the upper bound includes the whole of that day.
  const beforeLimit = beforeAt === undefined ? undefined : isDay(before) ? beforeAt + 86_399_999 : beforeAt;
  return (r) => {
    if (r.dateSent === null) return false;
    if (onDay !== undefined && isoDay(r.dateSent) !== onDay) return false;
    if (onDay === undefined && onAt !== undefined && Math.floor(r.dateSent / 1000) !== Math.floor(onAt / 1000)) return false;
    if (beforeLimit !== undefined && r.dateSent > beforeLimit) return false;
    if (afterAt !== undefined && r.dateSent < afterAt) return false;
    return true;
  };
}
