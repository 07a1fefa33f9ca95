import { faultListRoutes, intQuery, MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { SmtpFaultScheduler, SmtpFaultSpec } from './smtp-fault.scheduler';
import type { SmtpMailbox } from './smtp-mailbox.service';
import type { MessageQuery } from './smtp-message.repository';

/** What `GET /__admin/smtp` describes. */
export interface SmtpInfo {
  host: string;
  port: number;
  smtpUrl: string;
  secure: boolean;
  authOptional: boolean;
  allowInsecureAuth: boolean;
  sizeLimit: number;
  /** User names only, never passwords. */
  users: string[];
  connections: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The SMTP mock's own `/__admin/...` endpoints (the kit adds reset, scenario and requests). */
export function smtpAdminRoutes(mailbox: SmtpMailbox, faults: SmtpFaultScheduler, info: () => SmtpInfo): AdminRoute[] {
  return [
    { method: 'GET', path: '/__admin/smtp', handle: () => ({ body: { ...info(), stats: mailbox.stats() } }) },
    {
      method: 'GET',
      path: '/__admin/messages',
      handle: (ctx) => {
        const messages = mailbox.messages(messageQuery(ctx));
        return { body: { count: messages.length, messages } };
      },
    },
    { method: 'DELETE', path: '/__admin/messages', handle: () => (mailbox.clear(), {}) },
    { method: 'GET', path: '/__admin/messages/:index', handle: (ctx) => ({ body: found(mailbox.message(indexParam(ctx)), ctx) }) },
    {
      method: 'GET',
      path: '/__admin/messages/:index/raw',
      handle: (ctx) => {
        const index = indexParam(ctx);
        const src = found(mailbox.raw(index), ctx);
        if (src.raw === null) throw new MockAdminError(410, `the raw source of message ${index} was dropped (maxTotalRawBytes)`);
        const wanted = ctx.query.get('encoding');
        if (wanted !== null && wanted !== 'base64' && wanted !== 'utf8') throw new MockAdminError(400, 'encoding must be base64 or utf8');
        let text: string | null = null;
        if (wanted !== 'base64') {
          try {
            text = UTF8.decode(src.raw);
          } catch {
            if (wanted === 'utf8') throw new MockAdminError(409, `message ${index} is not valid UTF-8; ask for encoding=base64`);
          }
        }
        return {
          body: {
            index,
            size: src.size,
            truncated: src.truncated,
            encoding: text === null ? 'base64' : 'utf8',
            raw: text ?? src.raw.toString('base64'),
          },
        };
      },
    },
    { method: 'GET', path: '/__admin/duplicates', handle: () => ({ body: { duplicates: mailbox.duplicates() } }) },
    {
      method: 'GET',
      path: '/__admin/rejections',
      handle: (ctx) => {
        const since = intQuery(ctx.query, 'since') ?? 0;
        const rejections = mailbox.rejections({ since });
        return { body: { rejections, lastSeq: rejections.length > 0 ? rejections[rejections.length - 1].seq : since } };
      },
    },
    { method: 'GET', path: '/__admin/recipients', handle: () => ({ body: { rules: mailbox.recipientRules() } }) },
    {
      method: 'POST',
      path: '/__admin/recipients',
      handle: (ctx) => {
        const b = objectBody(ctx, ['address', 'code', 'enhancedCode', 'message']);
        const rule = mailbox.rejectRecipient(b.address as string, {
          code: b.code as number | undefined,
          enhancedCode: b.enhancedCode as string | undefined,
          message: b.message as string | undefined,
        });
        return { status: 201, body: { rule, rules: mailbox.recipientRules() } };
      },
    },
    { method: 'DELETE', path: '/__admin/recipients', handle: () => (mailbox.clearRecipientRules(), {}) },
    {
      method: 'DELETE',
      path: '/__admin/recipients/:address',
      handle: (ctx) => {
        if (!mailbox.allowRecipient(ctx.params.address)) throw new MockAdminError(404, `no rule for ${ctx.params.address.slice(0, 320)}`);
        return {};
      },
    },
    ...faultListRoutes<SmtpFaultSpec, ReturnType<typeof faults.list>[number]>('/__admin/smtp-faults', faults, 'scheduled SMTP fault'),
  ];
}

function messageQuery(ctx: AdminContext): MessageQuery {
  const q: MessageQuery = {};
  const to = ctx.query.get('to');
  const messageId = ctx.query.get('messageId');
  if (to !== null) q.to = to;
  if (messageId !== null) q.messageId = messageId;
  const fromIndex = intQuery(ctx.query, 'fromIndex');
  const limit = intQuery(ctx.query, 'limit');
  if (fromIndex !== undefined) q.fromIndex = fromIndex;
  if (limit !== undefined) q.limit = limit;
  return q;
}

function indexParam(ctx: AdminContext): number {
  if (!/^\d{1,15}$/.test(ctx.params.index)) throw new MockAdminError(400, 'index must be a non-negative integer');
  return Number(ctx.params.index);
}

function found<T>(value: T | undefined, ctx: AdminContext): T {
  if (value === undefined) throw new MockAdminError(404, `no message ${ctx.params.index} (never received, reset, or evicted)`);
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectBody(ctx: AdminContext, allowed: string[]): Record<string, unknown> {
  const v = ctx.json();
  if (!isPlainObject(v)) throw new MockAdminError(400, 'body must be a JSON object');
  const unknown = Object.keys(v).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new MockAdminError(400, `unknown field(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return v;
}
