/**
 * Inspection of a detached CMS / CAdES signature (`.p7s`) that a citizen attached to a file.
 *
 * What it does: parses the SignedData, names each signer from its certificate (CN, O and the
 * organisation / taxpayer codes found in the subject), reads the signing time, and recomputes the
 * file's digest to compare it with the signed `messageDigest` attribute, so the hub can tell early
 * that a signature belongs to a different file.
 *
 * What it deliberately does NOT do: verify the signature value or the certificate chain, nor check
 * revocation. A `match` only means "this signature was made over this file's bytes, if it is
 * genuine". The back office verifies qualified signatures (ДСТУ / ГОСТ included) with its own
 * trusted tooling; the hub must not pretend to. Digests Node's crypto cannot compute (ГОСТ, ДСТУ)
 * are reported as `not-verified` with the algorithm's name rather than guessed.
 *
 * The input is hostile: every parsing failure is a {@link SignatureFormatError} with a short,
 * fixed reason (never a piece of the input), the size is bounded and the ASN.1 nesting depth is
 * checked without recursion before asn1js (which recurses) sees the bytes.
 */
import { createHash } from 'node:crypto';
import type * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

/** pkijs and asn1js (about 1 MB of code) load on the first signature read, not at hub startup. */
let libraries: { asn1js: typeof asn1js; pkijs: typeof pkijs } | undefined;
function cms(): { asn1js: typeof asn1js; pkijs: typeof pkijs } {
  if (!libraries) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    libraries = { asn1js: require('asn1js') as typeof asn1js, pkijs: require('pkijs') as typeof pkijs };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return libraries;
}

/** Largest signature accepted: a CAdES-BES with a certificate chain is a few KiB; 1 MiB leaves room for CAdES-X/T timestamps. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** More signers than this is not a document workflow we serve, and bounds the work per file. */
export const MAX_SIGNERS = 10;
/** Real CMS nests about 15 levels deep; asn1js recurses per level, so deeper input is refused up front. */
const MAX_ASN1_DEPTH = 64;

/** Why a signature could not be read; `reason` is a fixed code, safe to log and to show. */
export type SignatureFormatReason =
  'empty' | 'too-large' | 'bad-pem' | 'not-der' | 'too-deep' | 'trailing-data' | 'not-cms' | 'not-signed-data' | 'embedded-content' | 'no-signers' | 'malformed-signer' | 'too-many-signers';

const REASON_TEXT: Record<SignatureFormatReason, string> = {
  empty: 'signature is empty',
  'too-large': `signature is larger than ${MAX_SIGNATURE_BYTES} bytes`,
  'bad-pem': 'PEM armour or base64 is malformed',
  'not-der': 'signature is not valid BER/DER',
  'too-deep': `ASN.1 nesting is deeper than ${MAX_ASN1_DEPTH}`,
  'trailing-data': 'bytes follow the signature structure',
  'not-cms': 'not a CMS ContentInfo',
  'not-signed-data': 'CMS content is not SignedData',
  'embedded-content': 'signature embeds the content; a detached signature is required',
  'no-signers': 'SignedData has no signers',
  'malformed-signer': 'a SignerInfo could not be read',
  'too-many-signers': `more than ${MAX_SIGNERS} signers`,
};

/** The signature bytes are not a detached CMS SignedData we accept. The message never quotes the input. */
export class SignatureFormatError extends Error {
  constructor(readonly reason: SignatureFormatReason) {
    super(`invalid signature: ${REASON_TEXT[reason]}`);
    this.name = 'SignatureFormatError';
  }
}

/** Outcome of comparing the file's digest with the signed `messageDigest` attribute. */
export type DigestVerdict = 'match' | 'mismatch' | 'not-verified';

/** One SignerInfo, as far as it can be read without cryptographic verification. */
export interface SignerEvidence {
  subject: { commonName?: string; organisation?: string; codes: string[] };
  /** Upper-case hex without a sign byte, as `openssl x509 -serial` prints it. */
  certificateSerial?: string;
  /** The issuer's distinguished name, attributes in encoded order, e.g. `CN=..., O=..., C=UA`. */
  issuer?: string;
  /** The signingTime signed attribute (ISO 8601); the signer's own clock, not a timestamp. */
  signedAt?: string;
  digestAlgorithm: { oid: string; name: string };
  verified: DigestVerdict;
  /** Why `verified` is `not-verified`. */
  reason?: string;
}

/** What the hub records about a file and its detached signature. */
export interface SignatureEvidence {
  fileSha256: string;
  signatureSha256: string;
  signers: SignerEvidence[];
}

/** Digest OID → friendly name, and Node's hash name where Node can compute it. */
const DIGESTS: Record<string, { name: string; node?: string }> = {
  '1.3.14.3.2.26': { name: 'SHA-1', node: 'sha1' },
  '2.16.840.1.101.3.4.2.4': { name: 'SHA-224', node: 'sha224' },
  '2.16.840.1.101.3.4.2.1': { name: 'SHA-256', node: 'sha256' },
  '2.16.840.1.101.3.4.2.2': { name: 'SHA-384', node: 'sha384' },
  '2.16.840.1.101.3.4.2.3': { name: 'SHA-512', node: 'sha512' },
  '1.2.840.113549.2.5': { name: 'MD5' },
  '1.2.643.7.1.1.2.2': { name: 'GOST R 34.11-2012 256' },
  '1.2.643.7.1.1.2.3': { name: 'GOST R 34.11-2012 512' },
  '1.2.643.2.2.9': { name: 'GOST R 34.11-94' },
  '1.2.804.2.1.1.1.1.2.1': { name: 'DSTU 4145/GOST 34.311' },
};
const KUPYNA_PREFIX = '1.2.804.2.1.1.1.1.2.2.';

function digestOf(oid: string): { name: string; node?: string } {
  if (DIGESTS[oid]) return DIGESTS[oid];
  if (oid.startsWith(KUPYNA_PREFIX)) return { name: 'Kupyna/DSTU 7564' };
  return { name: 'unknown' };
}

/** Short names for the distinguished-name attributes we print. */
const DN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.643.100.1': 'OGRN',
  '1.2.643.100.5': 'OGRNIP',
  '1.2.643.3.131.1.1': 'INN',
};
/** Subject attributes that carry an organisation or taxpayer code (ЄДРПОУ, РНОКПП, ОГРН, ИНН...). */
const CODE_OIDS = new Set(['2.5.4.97', '1.2.643.100.1', '1.2.643.3.131.1.1', '1.2.643.100.5', '2.5.4.5']);

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SUBJECT_KEY_ID = '2.5.29.14';

/** The digests of a file in every hash Node computes that signatures use, and its SHA-256 as hex. */
export interface FileDigests {
  sha256: string;
  size: number;
  /** Node hash name (`sha1`, `sha224`, `sha256`, `sha384`, `sha512`) → digest. */
  byAlgorithm: Readonly<Record<string, Buffer>>;
}

const NODE_DIGESTS = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

/**
 * Digests of a file in one pass over its content, chunk by chunk: a 20 MB contract is never held
 * in memory to check its signatures.
 */
export async function digestsOf(content: AsyncIterable<Buffer | Uint8Array> | Buffer): Promise<FileDigests> {
  const hashes = NODE_DIGESTS.map((name) => [name, createHash(name)] as const);
  let size = 0;
  const chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer> = Buffer.isBuffer(content) ? [content] : content;
  for await (const chunk of chunks) {
    size += chunk.length;
    for (const [, h] of hashes) h.update(chunk);
  }
  const byAlgorithm = Object.fromEntries(hashes.map(([name, h]) => [name, h.digest()]));
  return { sha256: byAlgorithm.sha256.toString('hex'), size, byAlgorithm };
}

/**
 * Reads a detached CMS signature over `file` and reports who signed it, when, and whether the
 * signed digest matches the file. Does not verify the signature value or the certificate chain
 * (see the module comment).
 *
 * @param file the signed file's bytes
 * @param signature the `.p7s`: DER, or PEM with `CMS` / `PKCS7` armour
 * @throws SignatureFormatError when the signature is not a detached CMS SignedData within the limits
 */
export function inspectDetachedSignature(file: Buffer, signature: Buffer): SignatureEvidence {
  const byAlgorithm = Object.fromEntries(NODE_DIGESTS.map((name) => [name, createHash(name).update(file).digest()]));
  return inspectDetachedSignatureOver({ sha256: byAlgorithm.sha256.toString('hex'), size: file.length, byAlgorithm }, signature);
}

/**
 * As {@link inspectDetachedSignature}, for a file known by its digests ({@link digestsOf}).
 * @throws SignatureFormatError when the signature is not a detached CMS SignedData within the limits
 */
export function inspectDetachedSignatureOver(file: FileDigests, signature: Buffer): SignatureEvidence {
  if (signature.length === 0) throw new SignatureFormatError('empty');
  if (signature.length > MAX_SIGNATURE_BYTES) throw new SignatureFormatError('too-large');
  const der = looksLikePem(signature) ? fromPem(signature) : signature;
  if (der.length === 0) throw new SignatureFormatError('empty');
  checkNesting(der);

  const signed = parseSignedData(der);
  if (signed.encapContentInfo.eContent) throw new SignatureFormatError('embedded-content');
  if (signed.signerInfos.length === 0) throw new SignatureFormatError('no-signers');
  if (signed.signerInfos.length > MAX_SIGNERS) throw new SignatureFormatError('too-many-signers');

  const certificates = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof cms().pkijs.Certificate);
  return {
    fileSha256: file.sha256,
    signatureSha256: sha256(signature),
    signers: signed.signerInfos.map((info) => {
      // pkijs checks structure, not every field's content (a malformed time, a non-string name): such a signer is refused as a whole.
      try {
        return describeSigner(info, certificates, file);
      } catch {
        throw new SignatureFormatError('malformed-signer');
      }
    }),
  };
}

function parseSignedData(der: Buffer): pkijs.SignedData {
  // asn1js wants an exact ArrayBuffer view; a Buffer may be a slice of a larger pool.
  const bytes = new Uint8Array(der.buffer, der.byteOffset, der.byteLength);
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = cms().asn1js.fromBER(bytes);
  } catch {
    throw new SignatureFormatError('not-der');
  }
  if (parsed.offset === -1 || parsed.result.error) throw new SignatureFormatError('not-der');
  if (parsed.offset !== der.byteLength) throw new SignatureFormatError('trailing-data');
  let info: pkijs.ContentInfo;
  try {
    info = new (cms().pkijs.ContentInfo)({ schema: parsed.result });
  } catch {
    throw new SignatureFormatError('not-cms');
  }
  if (info.contentType !== OID_SIGNED_DATA) throw new SignatureFormatError('not-signed-data');
  try {
    return new (cms().pkijs.SignedData)({ schema: info.content });
  } catch {
    throw new SignatureFormatError('not-signed-data');
  }
}

function describeSigner(info: pkijs.SignerInfo, certificates: pkijs.Certificate[], file: FileDigests): SignerEvidence {
  const oid = info.digestAlgorithm.algorithmId;
  const digest = digestOf(oid);
  const sid: unknown = info.sid;
  const certificate = findCertificate(sid, certificates);
  const serial = certificate?.serialNumber ?? (sid instanceof cms().pkijs.IssuerAndSerialNumber ? sid.serialNumber : undefined);
  const issuer = certificate?.issuer ?? (sid instanceof cms().pkijs.IssuerAndSerialNumber ? sid.issuer : undefined);

  const evidence: SignerEvidence = {
    subject: certificate ? subjectOf(certificate.subject) : { codes: [] },
    certificateSerial: serial ? serialHex(serial) : undefined,
    issuer: issuer ? nameToString(issuer) : undefined,
    signedAt: signingTime(info),
    digestAlgorithm: { oid, name: digest.name },
    verified: 'not-verified',
  };
  const signedDigest = attributeValue(info, OID_MESSAGE_DIGEST);
  if (!digest.node) {
    evidence.reason = `not verified here: ${digest.name} (${oid})`;
  } else if (!info.signedAttrs) {
    // Without signed attributes the signature covers the file's digest directly: only checking the signature value would tell.
    evidence.reason = 'no signed attributes';
  } else if (!(signedDigest instanceof cms().asn1js.OctetString)) {
    evidence.reason = 'no messageDigest attribute';
  } else {
    const computed = file.byAlgorithm[digest.node];
    evidence.verified = computed.equals(Buffer.from(signedDigest.valueBlock.valueHexView)) ? 'match' : 'mismatch';
  }
  return stripUndefined(evidence);
}

function findCertificate(sid: unknown, certificates: pkijs.Certificate[]): pkijs.Certificate | undefined {
  if (sid instanceof cms().pkijs.IssuerAndSerialNumber) {
    return certificates.find((c) => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer));
  }
  // Otherwise sid is [0] SubjectKeyIdentifier: implicitly tagged (primitive) or, from some encoders, wrapping an OCTET STRING.
  const keyId = subjectKeyIdOf(sid);
  if (keyId) {
    return certificates.find((c) => {
      const value: unknown = c.extensions?.find((e) => e.extnID === OID_SUBJECT_KEY_ID)?.parsedValue;
      return value instanceof cms().asn1js.OctetString && Buffer.from(value.valueBlock.valueHexView).equals(keyId);
    });
  }
  return undefined;
}

function subjectKeyIdOf(sid: unknown): Buffer | undefined {
  if (sid instanceof cms().asn1js.Constructed) {
    const inner: unknown = sid.valueBlock.value[0];
    return inner instanceof cms().asn1js.OctetString ? Buffer.from(inner.valueBlock.valueHexView) : undefined;
  }
  if (sid instanceof cms().asn1js.Primitive) return Buffer.from(sid.valueBlock.valueHexView);
  return undefined;
}

function subjectOf(name: pkijs.RelativeDistinguishedNames): SignerEvidence['subject'] {
  const subject: SignerEvidence['subject'] = { codes: [] };
  for (const tv of name.typesAndValues) {
    const value = stringValue(tv.value);
    if (value === undefined) continue;
    if (tv.type === '2.5.4.3' && subject.commonName === undefined) subject.commonName = value;
    if (tv.type === '2.5.4.10' && subject.organisation === undefined) subject.organisation = value;
    if (CODE_OIDS.has(tv.type)) {
      // "NTRUA-12345678", "TINUA-1234567890", "ОГРН 102..." → the digits are what the back office matches on.
      const digits = value.replace(/\D/g, '');
      if (digits && !subject.codes.includes(digits)) subject.codes.push(digits);
    }
  }
  return stripUndefined(subject);
}

function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value = stringValue(tv.value) ?? `#${Buffer.from(tv.value.valueBeforeDecodeView).toString('hex')}`;
      return `${DN_NAMES[tv.type] ?? tv.type}=${value.replace(/[,+"\\<>;]/g, '\\$&')}`;
    })
    .join(', ');
}

/** The text of a DirectoryString (UTF8, Printable, BMP, Teletex, IA5...); undefined for anything else. */
function stringValue(value: unknown): string | undefined {
  if (value instanceof cms().asn1js.BaseStringBlock) return value.getValue();
  return undefined;
}

function serialHex(serial: asn1js.Integer): string {
  const bytes = Buffer.from(serial.valueBlock.valueHexView);
  let start = 0;
  // The leading 0x00 only keeps a high-bit serial positive in DER; openssl does not print it.
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start).toString('hex').toUpperCase();
}

function signingTime(info: pkijs.SignerInfo): string | undefined {
  const value = attributeValue(info, OID_SIGNING_TIME);
  if (value instanceof cms().asn1js.UTCTime || value instanceof cms().asn1js.GeneralizedTime) {
    const date = value.toDate();
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return undefined;
}

function attributeValue(info: pkijs.SignerInfo, oid: string): unknown {
  const attribute = info.signedAttrs?.attributes.find((a) => a.type === oid);
  const values: unknown[] | undefined = attribute?.values;
  return values?.[0];
}

function looksLikePem(bytes: Buffer): boolean {
  // DER always starts with a SEQUENCE tag (0x30); PEM starts with armour, maybe after whitespace or a BOM.
  return bytes
    .subarray(0, 64)
    .toString('latin1')
    .trimStart()
    .replace(/^\u00ef\u00bb\u00bf/, '')
    .startsWith('-----BEGIN ');
}

function fromPem(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const match = /-----BEGIN (CMS|PKCS7)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) throw new SignatureFormatError('bad-pem');
  const body = match[2].replace(/\s+/g, '');
  // Node's base64 decoder silently skips invalid characters; a strict check keeps garbage out.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw new SignatureFormatError('bad-pem');
  return Buffer.from(body, 'base64');
}

/**
 * Walks the BER headers iteratively (no recursion, each step advances or closes a frame) and refuses
 * nesting deeper than MAX_ASN1_DEPTH and lengths that overrun their parent. Primitive contents are
 * not descended into here; asn1js guards its own speculative parsing of OCTET/BIT STRING contents.
 */
function checkNesting(der: Buffer): void {
  const ends: number[] = []; // end offset of each open constructed element; -1 = indefinite length
  let pos = 0;
  do {
    while (ends.length && ends[ends.length - 1] === pos) ends.pop();
    if (ends.length && ends[ends.length - 1] === -1 && der[pos] === 0 && der[pos + 1] === 0) {
      ends.pop();
      pos += 2;
      continue;
    }
    if (!ends.length && pos > 0) return; // the top-level element is complete; trailing bytes are asn1js's finding
    const parentEnd = definiteEnd(ends, der.length);
    if (pos + 2 > parentEnd) throw new SignatureFormatError('not-der');
    const tag = der[pos++];
    if ((tag & 0x1f) === 0x1f) {
      let n = 0;
      while (pos < parentEnd && (der[pos] & 0x80) !== 0 && n < 4) {
        pos++;
        n++;
      }
      if (n >= 4 || pos >= parentEnd) throw new SignatureFormatError('not-der');
      pos++;
    }
    if (pos >= parentEnd) throw new SignatureFormatError('not-der');
    const first = der[pos++];
    const constructed = (tag & 0x20) !== 0;
    let length: number;
    if (first === 0x80) {
      if (!constructed) throw new SignatureFormatError('not-der');
      length = -1;
    } else if (first & 0x80) {
      const n = first & 0x7f;
      if (n > 4 || pos + n > parentEnd) throw new SignatureFormatError('not-der');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + der[pos++];
    } else {
      length = first;
    }
    if (length !== -1 && pos + length > parentEnd) throw new SignatureFormatError('not-der');
    if (constructed) {
      if (ends.length >= MAX_ASN1_DEPTH) throw new SignatureFormatError('too-deep');
      ends.push(length === -1 ? -1 : pos + length);
    } else {
      pos += length;
    }
  } while (pos < der.length || ends.length);
}

/** The end of the innermost enclosing element with a definite length (an indefinite one ends wherever its parent does). */
function definiteEnd(ends: number[], total: number): number {
  for (let i = ends.length - 1; i >= 0; i--) if (ends[i] !== -1) return ends[i];
  return total;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
