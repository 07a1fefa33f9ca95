import { rfc2822 } from './twilio-date.codec';
import type { MessageRecord, MessageStatus } from './twilio-message.model';

/** `api.v2010.account.message` as the 2010 API returns it (snake_case, RFC 2822 dates, counts as strings). */
export interface MessageResource {
  body: string;
  num_segments: string;
  direction: 'outbound-api';
  from: string | null;
  to: string;
  date_updated: string;
  price: string | null;
  error_message: string | null;
  uri: string;
  account_sid: string;
  num_media: string;
  status: MessageStatus;
  messaging_service_sid: string | null;
  sid: string;
  date_sent: string | null;
  date_created: string;
  error_code: number | null;
  price_unit: string;
  api_version: '2010-04-01';
  subresource_uris: { media: string; feedback: string };
}

/** What the "phone" received, as the admin API shows it (camelCase, ISO dates). */
export interface PhoneMessageView {
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  to: string;
  from: string | null;
  body: string;
  mediaUrls: string[];
  status: MessageStatus;
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
  dateCreated: string;
  dateUpdated: string;
  dateSent: string | null;
}

/** The REST path of an account's Messages list. */
export function messagesPath(accountSid: string): string {
  return `/2010-04-01/Accounts/${accountSid}/Messages`;
}

/** The REST resource of a message. */
export function toResource(r: MessageRecord): MessageResource {
  const base = `${messagesPath(r.accountSid)}/${r.sid}`;
  return {
    body: r.body,
    num_segments: String(r.numSegments),
    direction: 'outbound-api',
    from: r.from,
    to: r.to,
    date_updated: rfc2822(r.dateUpdated),
    price: r.price,
    error_message: r.errorMessage,
    uri: `${base}.json`,
    account_sid: r.accountSid,
    num_media: String(r.mediaUrls.length),
    status: r.status,
    messaging_service_sid: r.messagingServiceSid,
    sid: r.sid,
    date_sent: r.dateSent === null ? null : rfc2822(r.dateSent),
    date_created: rfc2822(r.dateCreated),
    error_code: r.errorCode,
    price_unit: 'USD',
    api_version: '2010-04-01',
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
  };
}

/** The admin ("phone") view of a message. */
export function toPhoneView(r: MessageRecord): PhoneMessageView {
  return {
    sid: r.sid,
    accountSid: r.accountSid,
    messagingServiceSid: r.messagingServiceSid,
    to: r.to,
    from: r.from,
    body: r.body,
    mediaUrls: [...r.mediaUrls],
    status: r.status,
    numSegments: r.numSegments,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    statusCallback: r.statusCallback,
    dateCreated: new Date(r.dateCreated).toISOString(),
    dateUpdated: new Date(r.dateUpdated).toISOString(),
    dateSent: r.dateSent === null ? null : new Date(r.dateSent).toISOString(),
  };
}
