import { NOTIFICATION_CHANNELS, type NotificationChannel } from '../../contracts';
import type { Locale } from './status.labels';
import { smsSegments, TemplateCatalog, type RenderedMessage, type SmsSegments, type TemplateVariables } from './template.catalog';

/** One rendered channel of a preview. */
export interface ChannelPreview extends RenderedMessage {
  channel: NotificationChannel;
  /** For SMS: encoding and segment count the operator bills. */
  sms?: SmsSegments;
}

/** A preview of a template, or why there is none. */
export type Preview = { ok: true; template: string; variables: string[]; channels: ChannelPreview[] } | { ok: false; status: 400 | 404; error: string; missing?: string[] };

/**
 * Renders a template for every channel it has text for (or one), as the citizen would get it,
 * with SMS segment counts; the same rules as sending, so a preview that works is a send that works.
 */
export function previewTemplate(catalog: TemplateCatalog, id: string, locale: Locale, vars: TemplateVariables, only?: NotificationChannel): Preview {
  if (!catalog.has(id)) return { ok: false, status: 404, error: `template "${id}" does not exist` };
  const missing = catalog.missing(id, vars);
  if (missing.length) return { ok: false, status: 400, error: `variables missing: ${missing.join(', ')}`, missing };
  const channels = (only ? [only] : [...NOTIFICATION_CHANNELS]).filter((c) => catalog.supports(id, c));
  return {
    ok: true,
    template: id,
    variables: [...catalog.variables(id)],
    channels: channels.map((channel) => {
      const r = catalog.render(id, channel, locale, vars);
      return { channel, ...r, ...(channel === 'sms' ? { sms: smsSegments(r.text) } : {}) };
    }),
  };
}
