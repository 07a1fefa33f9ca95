import { MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { TwilioCallbacksApi, TwilioMessagesApi, TwilioRecipientsApi } from './twilio-drive.api';
import type { MessageStatus, RecipientBehaviour } from './twilio-message.model';

/**
 * The Twilio mock's own `/__admin` endpoints: recipient behaviours, what the phones received,
 * operator status changes, and the callback log. Each maps onto the in-process API.
 */
export function twilioAdminRoutes(apis: { messages: TwilioMessagesApi; recipients: TwilioRecipientsApi; callbacks: TwilioCallbacksApi }): AdminRoute[] {
  const { messages, recipients, callbacks } = apis;
  return [
    { method: 'GET', path: '/__admin/recipients', handle: () => ({ body: { recipients: recipients.list() } }) },
    {
      method: 'POST',
      path: '/__admin/recipients',
      handle: (ctx) => {
        const b = objectBody(ctx, ['to', 'behaviour', 'errorCode']);
        return { status: 201, body: recipients.set(b.to as string, b.behaviour as RecipientBehaviour, b.errorCode as number | undefined) };
      },
    },
    {
      method: 'DELETE',
      path: '/__admin/recipients/:to',
      handle: (ctx) => {
        if (!recipients.delete(ctx.params.to)) throw new MockAdminError(404, `no rule for ${ctx.params.to}`);
        return {};
      },
    },
    {
      method: 'GET',
      path: '/__admin/messages',
      handle: (ctx) => {
        const to = ctx.query.get('to') ?? undefined;
        const limit = ctx.query.get('limit');
        if (limit !== null && !/^\d{1,9}$/.test(limit)) throw new MockAdminError(400, 'limit must be a non-negative integer');
        const all = messages.list({ to: to === '' ? undefined : to });
        return { body: { messages: limit === null ? all : all.slice(Math.max(0, all.length - Number(limit))), total: all.length } };
      },
    },
    {
      method: 'GET',
      path: '/__admin/messages/:sid',
      handle: (ctx) => {
        const m = messages.get(ctx.params.sid);
        if (!m) throw new MockAdminError(404, `no message ${ctx.params.sid}`);
        return { body: m };
      },
    },
    {
      method: 'POST',
      path: '/__admin/messages/:sid/status',
      handle: (ctx) => {
        const b = objectBody(ctx, ['status', 'errorCode']);
        return { body: messages.setStatus(ctx.params.sid, b.status as MessageStatus, b.errorCode as number | undefined) };
      },
    },
    {
      method: 'GET',
      path: '/__admin/callbacks',
      handle: (ctx) => ({ body: { callbacks: callbacks.list({ sid: ctx.query.get('sid') || undefined }) } }),
    },
    { method: 'DELETE', path: '/__admin/callbacks', handle: () => (callbacks.clear(), {}) },
  ];
}

/** The JSON body as an object with only the allowed keys (a typo is an error, not a default). */
function objectBody(ctx: AdminContext, allowed: readonly string[]): Record<string, unknown> {
  const body = ctx.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MockAdminError(400, 'body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new MockAdminError(400, `unknown field(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  return body as Record<string, unknown>;
}
