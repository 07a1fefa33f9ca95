/**
 * File references. Files travel either as a link the consumer downloads or inline as base64;
 * signed files carry their detached signature files alongside, because the back office must
 * receive both byte-exact (seed 002: qualified e-signatures of legal entities).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Line, PATTERN_HINT_KEYWORD, StringEnum, Timestamp } from './primitives.schema';

/**
 * Largest file, in decoded bytes, that may be carried inline as `contentBase64`.
 * Bigger files must be passed by `url`: inline content inflates every queue, journal row
 * and retry by a third, and RabbitMQ performs poorly with multi-megabyte messages.
 */
export const MAX_INLINE_FILE_BYTES = 512 * 1024;

/** Maximum length of `contentBase64`, i.e. the padded base64 length of {@link MAX_INLINE_FILE_BYTES}. */
export const MAX_INLINE_FILE_BASE64_LENGTH = 4 * Math.ceil(MAX_INLINE_FILE_BYTES / 3);

/** How many files one event may reference; keeps a single message within sane bounds. */
export const MAX_FILES_PER_EVENT = 50;

/** How many detached signatures one file may carry (several signers are common). */
export const MAX_SIGNATURES_PER_FILE = 10;

/** Detached signature formats seen in Ukrainian (ДСТУ 4145 CAdES/XAdES) and Russian (CryptoPro) practice. */
export const SIGNATURE_FORMATS = ['cades', 'xades', 'pades', 'pkcs7', 'simple'] as const;

/** Fields every file reference has, signature or not. */
function fileRefProperties() {
  return {
    id: Line(128, { description: 'Identifier of the file, unique within the case at the producer.' }),
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      // Path separators are refused so that no consumer can be tricked into writing outside its folder.
      pattern: '^[^/\\\\\\x00-\\x1F\\x7F]+$',
      [PATTERN_HINT_KEYWORD]: 'a file name without path separators or control characters',
      description: 'Original file name, including its extension.',
    }),
    mediaType: Type.String({
      maxLength: 255,
      pattern: '^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$',
      [PATTERN_HINT_KEYWORD]: 'a media type without parameters, e.g. application/pdf',
      description: 'IANA media type without parameters, e.g. `application/pdf`.',
    }),
    size: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'Size in bytes of the file content.',
    }),
    sha256: Type.String({
      pattern: '^[0-9a-f]{64}$',
      [PATTERN_HINT_KEYWORD]: '64 lowercase hexadecimal characters (a SHA-256 digest)',
      description: 'SHA-256 of the file content, lowercase hex. Consumers verify it after download.',
    }),
    url: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2048,
        pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
        [PATTERN_HINT_KEYWORD]: 'an http or https URL',
        description: 'Where the consumer downloads the content (http or https). Exclusive with `contentBase64`.',
      }),
    ),
    contentBase64: Type.Optional(
      Type.String({
        maxLength: MAX_INLINE_FILE_BASE64_LENGTH,
        // Padded standard alphabet only: a canonical form keeps byte-exact hashing unambiguous.
        pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
        [PATTERN_HINT_KEYWORD]: 'padded standard base64 (RFC 4648 section 4) without line breaks',
        contentEncoding: 'base64',
        description: `Inline content, base64. At most ${MAX_INLINE_FILE_BYTES} decoded bytes; larger files go by \`url\`. Exclusive with \`url\`.`,
      }),
    ),
  };
}

/** Exactly one content location: JSON Schema cannot say "xor" over properties any shorter. */
const ONE_CONTENT_LOCATION = { oneOf: [{ required: ['url'] }, { required: ['contentBase64'] }] };

/** Who signed a detached signature, as extracted from the certificate by the producer. */
export const SignerInfo = Type.Object(
  {
    name: Line(300, { description: 'Signer name from the certificate subject.' }),
    organisationCode: Type.Optional(
      Type.String({
        pattern: '^[0-9]{8,15}$',
        [PATTERN_HINT_KEYWORD]: '8 to 15 digits (EDRPOU, RNOKPP, INN, OGRN or OGRNIP)',
        description: 'Organisation or taxpayer code from the certificate, digits only.',
      }),
    ),
    certificateSerial: Type.Optional(Line(128, { description: 'Serial number of the signing certificate.' })),
    certificateIssuer: Type.Optional(Line(512, { description: 'Issuer (qualified trust service provider) of the certificate.' })),
    signedAt: Type.Optional(Timestamp({ description: 'Signing time claimed in the signature.' })),
  },
  { additionalProperties: false, description: 'Signer details as read from the certificate.' },
);

/** A detached signature file: a file reference without nested signatures, plus its format. */
export const SignatureFileRef = Type.Object(
  {
    ...fileRefProperties(),
    format: StringEnum(SIGNATURE_FORMATS, { description: 'Signature container format.' }),
    signer: Type.Optional(SignerInfo),
  },
  {
    additionalProperties: false,
    description: 'A detached signature file over the enclosing file.',
    ...ONE_CONTENT_LOCATION,
  },
);

/** A file reference, optionally with detached signatures over it. */
export const FileRef = Type.Object(
  {
    ...fileRefProperties(),
    signatures: Type.Optional(
      Type.Array(SignatureFileRef, {
        minItems: 1,
        maxItems: MAX_SIGNATURES_PER_FILE,
        description: 'Detached signature files over this file; both travel byte-exact.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'A file carried by reference (`url`) or inline (`contentBase64`), exactly one of the two.',
    ...ONE_CONTENT_LOCATION,
  },
);

/** A list of attached files. */
export function FileList(description: string) {
  return Type.Array(FileRef, { maxItems: MAX_FILES_PER_EVENT, description });
}

/** A file reference with optional detached signatures. Exactly one of `url` / `contentBase64` is set at run time. */
export type FileRef = Static<typeof FileRef>;
/** A detached signature file. */
export type SignatureFileRef = Static<typeof SignatureFileRef>;
/** Signer details of a detached signature. */
export type SignerInfo = Static<typeof SignerInfo>;
