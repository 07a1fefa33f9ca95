import type { NotificationChannel, NotificationRecipient } from '../../contracts';
import type { NotificationSettings } from '../config/hub-config.schema';

/** One channel to try, in order. */
export interface PlanStep {
  channel: NotificationChannel;
  address: string;
  /** Adapter instance that sends this channel. */
  adapter: string;
}

/** A messenger chat known for the citizen, active or not. */
export interface KnownLink {
  channel: NotificationChannel;
  address: string;
  active: boolean;
}

/** The channels to try and, when there are none, why. */
export type Plan = { steps: PlanStep[] } | { steps: []; reason: 'muted' | 'no-channel' };

/**
 * Decides which channels a notification goes through, first choice first:
 * - the citizen's order (`recipient.channels`), else the tenant's;
 * - a mandatory notice ignores `muted` and, after the citizen's channels, tries every other one,
 *   because preferences cannot switch legal notices off;
 * - a channel is usable when an adapter instance serves it, the template has text for it, and
 *   there is an address: the contact given, else an active linked chat; an address known to be
 *   inactive (bot blocked, unsubscribed) is skipped.
 */
export function planChannels(
  recipient: Pick<NotificationRecipient, 'contacts' | 'channels' | 'muted'>,
  links: readonly KnownLink[],
  mandatory: boolean,
  settings: Pick<NotificationSettings, 'channels' | 'order'>,
  supports: (channel: NotificationChannel) => boolean,
): Plan {
  if (recipient.muted && !mandatory) return { steps: [], reason: 'muted' };
  const preferred = recipient.channels ?? settings.order;
  const order = mandatory ? [...preferred, ...settings.order.filter((c) => !preferred.includes(c))] : preferred;
  const inactive = new Set(links.filter((l) => !l.active).map((l) => `${l.channel}\n${l.address}`));
  const steps: PlanStep[] = [];
  for (const channel of order) {
    const adapter = settings.channels[channel];
    if (!adapter || !supports(channel)) continue;
    const address = addressFor(channel, recipient.contacts, links);
    if (!address || inactive.has(`${channel}\n${address}`)) continue;
    steps.push({ channel, address, adapter });
  }
  return steps.length ? { steps } : { steps: [], reason: 'no-channel' };
}

function addressFor(channel: NotificationChannel, contacts: NotificationRecipient['contacts'], links: readonly KnownLink[]): string | undefined {
  const linked = links.find((l) => l.channel === channel && l.active)?.address;
  switch (channel) {
    case 'sms':
      return contacts.phone;
    case 'email':
      return contacts.email;
    case 'telegram':
      return contacts.telegramChatId ?? linked;
    case 'viber':
      return contacts.viberUserId ?? linked;
  }
}
