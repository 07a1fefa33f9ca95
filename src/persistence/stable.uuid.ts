import { createHash } from 'node:crypto';

/**
 * A UUID (v5-shaped, SHA-1 of the name) that is the same for the same name in every instance and
 * on every redelivery: case ids, notification ids made from an event, anything keyed on a name.
 */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * The id of the `message.rejected` the hub publishes for the journal entry of a refused message:
 * derived from that entry, so the case history names the same event the portal received, and a
 * rejection published again by the outbox relay keeps its id.
 */
export function rejectionEventId(journalId: string): string {
  return stableUuid(`message.rejected\n${journalId}`);
}
