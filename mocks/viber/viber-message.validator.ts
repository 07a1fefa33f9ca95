import { isJsonObject } from './viber-json.codec';
import { MAX_SENDER_NAME, MAX_TEXT, MAX_TRACKING_DATA, VIBER_STATUS } from './viber-status.constants';

/**
 * Message `type` values the mock accepts. Viber also has picture, video, file, contact, location,
 * url, sticker and rich_media (§9.2); the adapter sends text only, so those are badData here
 * (README, "Removed surface").
 */
export const MESSAGE_TYPES: readonly string[] = ['text'];

/** A message that passed validation, ready to be recorded. */
export interface ValidMessage {
  type: string;
  text: string | null;
  trackingData: string | null;
  senderName: string;
  senderAvatar: string | null;
  minApiVersion: number | null;
  keyboard: unknown;
  fields: Record<string, unknown>;
}

/** Validation outcome: the message, or the status to answer. */
export type MessageCheck = { ok: true; message: ValidMessage } | { ok: false; status: number };

type FieldRule = { key: string; required: boolean; check: (v: unknown) => boolean };

const str = (max: number) => (v: unknown) => typeof v === 'string' && v.length <= max;
const nonEmpty = (max: number) => (v: unknown) => typeof v === 'string' && v !== '' && v.length <= max;

/** Type-specific fields, after developers.viber.com's message table [DOC]/[MEM]. */
const TYPE_RULES: Record<string, FieldRule[]> = {
  text: [{ key: 'text', required: true, check: nonEmpty(MAX_TEXT) }],
};

const bad = (status: number): MessageCheck => ({ ok: false, status });

/**
 * Validates the message part of `send_message` (and of a welcome message
 * returned from a webhook). Missing mandatory fields are status 4 missingData; present but
 * wrong ones (types, lengths, unknown `type`) are status 3 badData.
 */
export function validateMessage(body: Record<string, unknown>): MessageCheck {
  const sender = body.sender;
  if (sender === undefined) return bad(VIBER_STATUS.missingData);
  if (!isJsonObject(sender)) return bad(VIBER_STATUS.badData);
  if (sender.name === undefined) return bad(VIBER_STATUS.missingData);
  if (!nonEmpty(MAX_SENDER_NAME)(sender.name)) return bad(VIBER_STATUS.badData);
  if (sender.avatar !== undefined && !str(2000)(sender.avatar)) return bad(VIBER_STATUS.badData);

  if (body.type === undefined) return bad(VIBER_STATUS.missingData);
  if (typeof body.type !== 'string' || !MESSAGE_TYPES.includes(body.type)) return bad(VIBER_STATUS.badData);

  // [SPEC] the node SDK sends "" instead of null "because of a bug in production": null is refused.
  if (body.tracking_data !== undefined && !str(MAX_TRACKING_DATA)(body.tracking_data)) return bad(VIBER_STATUS.badData);
  if (body.min_api_version !== undefined && !(Number.isInteger(body.min_api_version) && (body.min_api_version as number) >= 1)) {
    return bad(VIBER_STATUS.badData);
  }
  const keyboard = body.keyboard ?? null;
  if (keyboard !== null && !(isJsonObject(keyboard) && keyboard.Type === 'keyboard' && Array.isArray(keyboard.Buttons))) {
    return bad(VIBER_STATUS.badData);
  }

  const fields: Record<string, unknown> = {};
  for (const rule of TYPE_RULES[body.type]) {
    const v = body[rule.key];
    if (v === undefined) {
      if (rule.required) return bad(VIBER_STATUS.missingData);
      continue;
    }
    if (!rule.check(v)) return bad(rule.required && v === '' ? VIBER_STATUS.missingData : VIBER_STATUS.badData);
    if (rule.key !== 'text') fields[rule.key] = v;
  }
  return {
    ok: true,
    message: {
      type: body.type,
      text: typeof body.text === 'string' ? body.text : null,
      trackingData: (body.tracking_data as string | undefined) ?? null,
      senderName: sender.name as string,
      senderAvatar: (sender.avatar as string | undefined) ?? null,
      minApiVersion: (body.min_api_version as number | undefined) ?? null,
      keyboard,
      fields,
    },
  };
}
