/**
 * How many SMS segments a body takes, as Twilio bills them (`num_segments`). GSM-7 when every
 * character is in the GSM 03.38 basic or extension table, else UCS-2.
 */

/** GSM 03.38 basic table, without ESC (0x1B), which only introduces extension characters. */
const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table: each costs two septets (ESC + the code). */
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

/** Single-segment capacity and per-segment capacity once a User Data Header is needed. */
const GSM7_SINGLE = 160;
const GSM7_MULTI = 153;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;

/** Result of {@link countSegments}. */
export interface SegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/** True when the character (one code point) is in the GSM-7 basic or extension table. */
export function isGsm7Char(ch: string): boolean {
  return BASIC.has(ch) || EXTENSION.has(ch);
}

/**
 * Counts the segments of a body. An empty body is one segment (Twilio bills an MMS or an empty
 * SMS as one). A character never straddles two segments: a two-septet extension character or a
 * surrogate pair that does not fit in what is left of a segment starts the next one, which is
 * why the count is done by packing rather than by dividing.
 */
export function countSegments(body: string): SegmentCount {
  const gsm = gsmSizes(body);
  if (gsm !== null) return { encoding: 'GSM-7', units: total(gsm), segments: pack(gsm, GSM7_SINGLE, GSM7_MULTI) };
  const sizes: number[] = [];
  for (const ch of body) sizes.push(ch.length);
  return { encoding: 'UCS-2', units: total(sizes), segments: pack(sizes, UCS2_SINGLE, UCS2_MULTI) };
}

/** Septets per character, or null when a character is outside GSM-7. */
function gsmSizes(body: string): number[] | null {
  const sizes: number[] = [];
  for (const ch of body) {
    if (BASIC.has(ch)) sizes.push(1);
    else if (EXTENSION.has(ch)) sizes.push(2);
    else return null;
  }
  return sizes;
}

function total(sizes: readonly number[]): number {
  let n = 0;
  for (const s of sizes) n += s;
  return n;
}

function pack(sizes: readonly number[], single: number, multi: number): number {
  if (total(sizes) <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const s of sizes) {
    if (used + s > multi) {
      segments++;
      used = 0;
    }
    used += s;
  }
  return segments;
}
