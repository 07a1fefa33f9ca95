import { createHash } from 'node:crypto';
import { PermanentError } from '../../contracts';

/**
 * The poll cursor of `edms.1c-docflow`, kept by the hub as text between polls.
 *
 * Each poll asks 1C for documents with `modificationDateUniversal >= since`, where `since` lies
 * POLL_OVERLAP_MS before the newest change already seen: a change becomes visible about a second
 * after the whole-second stamp it carries, so a window starting at the newest stamp would miss
 * changes made in that second or just before it. The overlap returns documents already reported;
 * the cursor therefore also remembers, for every document whose current version lies inside the
 * window, what was last reported for it (one hash per kind of result). A poll reports only what
 * differs, so a poll that finds nothing new returns no results and the very same cursor text,
 * and the hub writes nothing.
 *
 * Text forms:
 * - `2026-12-04T10:15:00`: what versions before 2 stored (the newest stamp, nothing remembered);
 *   read as such, so the first poll after an upgrade repeats the window once.
 * - `{"v":2,"high":"…","from":"…","seen":{"<stamp>":["<doc>.<registered>.<status>.<answered>"]}}`:
 *   `high` the newest stamp seen, `from` (only when later than `high` − overlap) where the window
 *   must start instead, `seen` the remembered documents grouped by the stamp of the version last
 *   seen, each an 8-character hash of the document id and of the last registration, status and
 *   answer reported (empty when none was), and for applications a fifth one of the related
 *   documents reported. Canonical: stamps and entries sorted, so equal state
 *   gives equal text.
 */

/** Polls overlap the newest change seen by this much (1C makes a change visible about a second late). */
export const POLL_OVERLAP_MS = 5_000;
/**
 * At most this many documents are remembered. Past it the oldest stamps are forgotten and the
 * window starts after them (`from`), so they are not read again; only more than this many
 * documents changing in the same 5 s shortens the overlap.
 */
export const MAX_REMEMBERED = 1_000;
/** Where the very first poll starts. */
export const FIRST_STAMP = '2000-01-01T00:00:00';

/** The kinds of result a document reports, each remembered separately. */
export type ResultKind = 'registered' | 'status' | 'answered' | 'documents' | 'term';
/** What a document version reports, per kind: a value that changes when the result does. */
export type ResultKeys = Partial<Record<ResultKind, string>>;

const KINDS: readonly ResultKind[] = ['registered', 'status', 'answered', 'documents', 'term'];
const STAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
// Trailing parts (documents related to an application; an appeal's term changes) are written only
// when set, so cursors written before they existed read the same.
const ENTRY_RE = /^([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{8})?\.([A-Za-z0-9_-]{8})?\.([A-Za-z0-9_-]{8})?(?:\.([A-Za-z0-9_-]{8})?)?(?:\.([A-Za-z0-9_-]{8}))?$/;

/** One remembered document: the stamp of its version last seen and a hash per kind ('' = never reported). */
interface Remembered {
  stamp: string;
  slots: readonly [string, string, string, string, string];
}

/** A decoded cursor. */
export interface PollCursor {
  /** The newest `modificationDateUniversal` seen. */
  readonly high: string;
  /** Where the window starts when that is later than `high` − overlap (after a cut list or forgetting). */
  readonly from?: string;
  /** Remembered documents by document hash. */
  readonly docs: ReadonlyMap<string, Remembered>;
}

/** One document of a poll: its id, the stamp of the version read, and the results reported from it now. */
export interface PolledDocument {
  id: string;
  stamp: string;
  reported: ResultKeys;
}

/** Whether a string is a 1C `...Universal` date in whole seconds, as cursors hold them. */
export function isStamp(s: string): boolean {
  return STAMP_RE.test(s) && !Number.isNaN(Date.parse(`${s}Z`));
}

/**
 * Reads a cursor: undefined (first poll), a bare stamp (versions before 2) or the v2 JSON.
 * @throws PermanentError for anything else: only this adapter writes the cursor
 */
export function decodeCursor(text: string | undefined): PollCursor {
  if (text === undefined || text === '') return { high: FIRST_STAMP, from: FIRST_STAMP, docs: new Map() };
  if (isStamp(text)) return { high: text, docs: new Map() };
  const bad = () => new PermanentError(`edms.1c-docflow: the stored poll cursor is neither a 1C date nor a version 2 cursor: ${JSON.stringify(text.slice(0, 80))}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad();
  }
  const o = raw as { v?: unknown; high?: unknown; from?: unknown; seen?: unknown };
  if (typeof o !== 'object' || o === null || o.v !== 2 || typeof o.high !== 'string' || !isStamp(o.high)) throw bad();
  if (o.from !== undefined && (typeof o.from !== 'string' || !isStamp(o.from))) throw bad();
  if (typeof o.seen !== 'object' || o.seen === null || Array.isArray(o.seen)) throw bad();
  const docs = new Map<string, Remembered>();
  for (const [stamp, entries] of Object.entries(o.seen)) {
    if (!isStamp(stamp) || !Array.isArray(entries)) throw bad();
    for (const e of entries) {
      const m = typeof e === 'string' ? ENTRY_RE.exec(e) : null;
      if (!m) throw bad();
      docs.set(m[1], { stamp, slots: [m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? '', m[6] ?? ''] });
    }
  }
  return { high: o.high, ...(o.from ? { from: o.from } : {}), docs };
}

/** Writes a cursor canonically: the same state always gives the same text. */
export function encodeCursor(c: PollCursor): string {
  const groups = new Map<string, string[]>();
  for (const [doc, r] of c.docs) {
    const list = groups.get(r.stamp) ?? [];
    const used = r.slots[4] ? 5 : r.slots[3] ? 4 : 3;
    list.push(`${doc}.${r.slots.slice(0, used).join('.')}`);
    groups.set(r.stamp, list);
  }
  const seen: Record<string, string[]> = {};
  for (const stamp of [...groups.keys()].sort()) seen[stamp] = groups.get(stamp)!.sort();
  return JSON.stringify({ v: 2, high: c.high, ...(c.from ? { from: c.from } : {}), seen });
}

/** The `modificationDateUniversal >= since` of the next request. */
export function windowStart(c: PollCursor): string {
  const start = shift(c.high, -POLL_OVERLAP_MS);
  return c.from && c.from > start ? c.from : start;
}

/** The kinds whose current value differs from what was last reported for this document. */
export function freshKinds(c: PollCursor, documentId: string, keys: ResultKeys): ResultKind[] {
  const remembered = c.docs.get(hash(documentId));
  return KINDS.filter((kind, i) => keys[kind] !== undefined && slotHash(documentId, kind, keys[kind]!) !== (remembered?.slots[i] ?? ''));
}

/**
 * The cursor after a poll: `high` moves to the newest stamp read, each document read is
 * remembered at its current stamp with what was reported now (other kinds keep what was reported
 * before), documents out of the window are forgotten, and the size bound applies.
 * @param page.truncatedAt the newest stamp of a list 1C cut short (`tooManyObjects`): the next
 *   window starts there, or the same page would come back forever
 */
export function advanceCursor(c: PollCursor, page: { documents: readonly PolledDocument[]; truncatedAt?: string }): PollCursor {
  const docs = new Map(c.docs);
  let high = c.high;
  for (const d of page.documents) {
    if (d.stamp > high) high = d.stamp;
    const key = hash(d.id);
    const before = docs.get(key);
    const slots = KINDS.map((kind, i) => (d.reported[kind] !== undefined ? slotHash(d.id, kind, d.reported[kind]!) : (before?.slots[i] ?? ''))) as [string, string, string, string, string];
    // A document that never reported anything needs no memory: it has nothing to repeat.
    if (!before && slots.every((s) => s === '')) continue;
    docs.set(key, { stamp: before && before.stamp > d.stamp ? before.stamp : d.stamp, slots });
  }
  let from = maxStamp(c.from, page.truncatedAt);
  const start = maxStamp(shift(high, -POLL_OVERLAP_MS), from)!;
  for (const [key, r] of docs) if (r.stamp < start) docs.delete(key);
  if (docs.size > MAX_REMEMBERED) {
    // Forget whole stamps, oldest first, and start the window after them: a document kept in the
    // window but forgotten would be reported again on every poll.
    const perStamp = new Map<string, number>();
    for (const r of docs.values()) perStamp.set(r.stamp, (perStamp.get(r.stamp) ?? 0) + 1);
    let kept = 0;
    let cut = '';
    for (const stamp of [...perStamp.keys()].sort().reverse()) {
      kept += perStamp.get(stamp)!;
      if (kept > MAX_REMEMBERED) {
        cut = stamp;
        break;
      }
    }
    for (const [key, r] of docs) if (r.stamp <= cut) docs.delete(key);
    from = maxStamp(from, shift(cut, 1000));
  }
  if (from && from <= shift(high, -POLL_OVERLAP_MS)) from = undefined;
  return { high, ...(from ? { from } : {}), docs };
}

/** A stamp moved by `ms`. */
export function shift(stamp: string, ms: number): string {
  return new Date(Date.parse(`${stamp}Z`) + ms).toISOString().slice(0, 19);
}

function maxStamp(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

function slotHash(documentId: string, kind: ResultKind, value: string): string {
  return hash(`${documentId}\n${kind}\n${value}`);
}

/** 48 bits: collisions among the few hundred documents of one window are out of reach. */
function hash(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64url').slice(0, 8);
}
