import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** A mailbox from a header: `{ name: 'Іван Петренко', address: 'ivan@example.org' }`. */
export interface MailAddress {
  /** Display name, RFC 2047 decoded ('' when none). */
  name: string;
  address: string;
}

/** An attachment as captured: metadata and a hash, not the bytes (those are in the raw source). */
export interface CapturedAttachment {
  /** RFC 2231 / RFC 2047 decoded file name; null when the part has none. */
  filename: string | null;
  contentType: string;
  /** `attachment` or `inline`, as the part declares it; null when it declares none. */
  disposition: string | null;
  /** Content-ID without angle brackets, for inline images. */
  contentId: string | null;
  /** Decoded size in bytes. */
  size: number;
  /** Hex SHA-256 of the decoded content. */
  sha256: string;
}

/** What the mock reads out of a message's source. */
export interface ParsedContent {
  /** The Message-ID header, angle brackets included; null when the message has none. */
  messageId: string | null;
  /** RFC 2047 decoded; null when there is no Subject header. */
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  inReplyTo: string | null;
  /** The Date header as ISO, when it parses. */
  date: string | null;
  /** Lower-case header name → its first value, unfolded but not decoded. */
  headers: Record<string, string>;
  /** The text/plain content (never derived from HTML); null when there is none. */
  text: string | null;
  /** The text/html content; null when there is none. */
  html: string | null;
  /** True when `text` or `html` was cut at the mock's limit. */
  bodyTruncated: boolean;
  attachments: CapturedAttachment[];
  /** Why the source could not be parsed; the other fields are empty then. */
  parseError: string | null;
}

/** Limits of what is kept from one message. */
export interface ParseLimits {
  /** `text` and `html` are cut at this many characters each. */
  maxBodyChars: number;
}

const MAX_HEADERS = 200;
const MAX_HEADER_VALUE_CHARS = 4096;

/**
 * Parses a message with mailparser. Never throws: unparseable input is still a message the
 * server accepted, so it is kept with `parseError` set.
 */
export async function parseMessage(raw: Buffer, limits: ParseLimits): Promise<ParsedContent> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, {
      // Only what the sender wrote: no text derived from HTML, no links or data: URLs added.
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      keepCidLinks: true,
      checksumAlgo: 'sha256',
    });
  } catch (err) {
    return { ...emptyContent(), messageId: extractMessageId(raw), parseError: (err as Error)?.message ?? String(err) };
  }
  const text = cut(mail.text, limits.maxBodyChars);
  const html = cut(typeof mail.html === 'string' ? mail.html : undefined, limits.maxBodyChars);
  return {
    messageId: mail.messageId?.trim() || null,
    subject: mail.subject ?? null,
    from: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    inReplyTo: mail.inReplyTo?.trim() || null,
    date: mail.date instanceof Date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    headers: headerMap(mail.headerLines),
    text: text.value,
    html: html.value,
    bodyTruncated: text.truncated || html.truncated,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      disposition: a.contentDisposition ?? null,
      contentId: a.cid ?? null,
      size: a.size,
      sha256: a.checksum,
    })),
    parseError: null,
  };
}

/**
 * Reads the Message-ID header without a full parse (for messages the mock refuses).
 * @returns the value with angle brackets as written, or null
 */
export function extractMessageId(raw: Buffer): string | null {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const m = /^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(end === -1 ? head : head.slice(0, end));
  const value = m?.[1].replace(/\r?\n[ \t]+/g, ' ').trim();
  return value ? value : null;
}

/** The de-duplication key of a Message-ID: without angle brackets and surrounding blanks. */
export function messageIdKey(messageId: string): string {
  const t = messageId.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1).trim() : t;
}

function emptyContent(): ParsedContent {
  return {
    messageId: null,
    subject: null,
    from: [],
    to: [],
    cc: [],
    replyTo: [],
    inReplyTo: null,
    date: null,
    headers: {},
    text: null,
    html: null,
    bodyTruncated: false,
    attachments: [],
    parseError: null,
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (value === undefined) return [];
  const out: MailAddress[] = [];
  const visit = (list: { name?: string; address?: string; group?: unknown[] }[]) => {
    for (const a of list) {
      if (Array.isArray(a.group)) visit(a.group as typeof list);
      else if (a.address) out.push({ name: a.name ?? '', address: a.address });
    }
  };
  for (const obj of Array.isArray(value) ? value : [value]) visit(obj.value);
  return out;
}

function headerMap(lines: readonly { key: string; line: string }[]): Record<string, string> {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const { key, line } of lines) {
    if (pairs.length >= MAX_HEADERS) break;
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    const colon = line.indexOf(':');
    const value = (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
    pairs.push([key, value.length > MAX_HEADER_VALUE_CHARS ? value.slice(0, MAX_HEADER_VALUE_CHARS) : value]);
  }
  // fromEntries defines own properties, so a header called __proto__ stays a plain key.
  return Object.fromEntries(pairs);
}

function cut(value: string | undefined, max: number): { value: string | null; truncated: boolean } {
  if (value === undefined) return { value: null, truncated: false };
  return value.length > max ? { value: value.slice(0, max), truncated: true } : { value, truncated: false };
}
