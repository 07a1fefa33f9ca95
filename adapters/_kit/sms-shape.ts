import { SegmentedMessage } from 'sms-segments-calculator';

/** Size of an SMS text for journal summaries (never the text itself). */
export interface SmsShape {
  /** Characters as the citizen sees them (code points). */
  characters: number;
  /** Segments the text is billed as; 0 when the calculator could not read it. */
  segments: number;
  /** `GSM-7` or `UCS-2` (any Cyrillic: 70 / 67 characters per segment); `unknown` as above. */
  encoding: string;
}

/** Texts whose shape is kept; a broadcast repeats one text, personalised texts would grow it forever. */
const CACHE_SIZE = 1000;
const SHAPES = new Map<string, SmsShape>();

/**
 * Characters, segments and encoding of an SMS text, as SMS providers bill it.
 * @param text the body
 */
export function smsShape(text: string): SmsShape {
  // Counting segments is costly and a broadcast sends one text to thousands: remember recent texts.
  const known = SHAPES.get(text);
  if (known) return known;
  const shape = measure(text);
  if (SHAPES.size >= CACHE_SIZE) SHAPES.delete(SHAPES.keys().next().value as string);
  SHAPES.set(text, shape);
  return shape;
}

function measure(text: string): SmsShape {
  const characters = [...text].length;
  try {
    const m = new SegmentedMessage(text, 'auto');
    // Frozen: the cached object is shared by every caller (and adapter) that sizes the same text.
    return Object.freeze({ characters, segments: m.segmentsCount, encoding: m.encodingName });
  } catch {
    // The calculator is only for the journal; a text it cannot read is still sent.
    return Object.freeze({ characters, segments: 0, encoding: 'unknown' });
  }
}
