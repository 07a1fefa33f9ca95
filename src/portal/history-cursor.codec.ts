import type { JournalPosition } from '../persistence/journal.repository';

/** Version prefix inside the cursor, so that its form can change without old cursors being misread. */
const VERSION = 'h1';
const AT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The history cursor: a journal position (time with microseconds, entry id) as opaque base64url
 * text. Keyset, not offset: a cursor means "after this entry" for as long as the journal keeps it,
 * whatever is added after it.
 */
export function encodeCursor(p: JournalPosition): string {
  return Buffer.from(`${VERSION}|${p.at}|${p.id}`, 'utf8').toString('base64url');
}

/** The position in a cursor, or undefined when the text is no cursor this hub issued. */
export function decodeCursor(text: string): JournalPosition | undefined {
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const [version, at, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (version !== VERSION || rest.length || !AT.test(at ?? '') || !UUID.test(id ?? '')) return undefined;
  // A well-formed text can still name no instant (month 13, 30 February, 24:00), which PostgreSQL
  // would refuse with an error. JavaScript rolls such dates over instead, so compare the round trip.
  const ms = Date.parse(at);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== at.slice(0, 19)) return undefined;
  return { at, id };
}
