/**
 * RFC 3161 time-stamping: asks the authority named in `evidence.timestamping.url` for a token over
 * a SHA-256 digest (with a nonce and certReq), and checks a token, online after the request and
 * offline in `evidence verify`: status granted, the token's imprint is SHA-256 of exactly the
 * digest, the nonce is ours (when we sent one), and the CMS signature verifies with the TSA
 * certificate inside the token (and against `trusted` certificates when given).
 *
 * The response is hostile input like any other: size bounded, parsed by asn1js, every failure a
 * {@link TimestampError} with a fixed message that never quotes the bytes.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import type * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
/** A token with a certificate chain is a few KiB. */
export const MAX_TSR_BYTES = 256 * 1024;

/** pkijs and asn1js load on first use (about 1 MB of code), with Node's WebCrypto as their engine. */
let libraries: { asn1js: typeof asn1js; pkijs: typeof pkijs } | undefined;
function lib(): { asn1js: typeof asn1js; pkijs: typeof pkijs } {
  if (!libraries) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const p = require('pkijs') as typeof pkijs;
    libraries = { asn1js: require('asn1js') as typeof asn1js, pkijs: p };
    /* eslint-enable @typescript-eslint/no-require-imports */
    p.setEngine('node', new p.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof p.CryptoEngine>[0]['crypto'] }));
  }
  return libraries;
}

export class TimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

/** What a verified token says. */
export interface TokenInfo {
  genTime: Date;
  serial: string;
  policy: string;
  /** Subject of the signing certificate, for humans (`CN=…`). */
  signer?: string;
}

const ab = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
const big = (bytes: ArrayBuffer | Uint8Array): bigint => {
  const hex = Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
  return hex ? BigInt(`0x${hex}`) : 0n;
};

/** Builds a DER TimeStampReq over a SHA-256 digest; returns it with its nonce. */
export function timestampRequest(digest: Buffer): { der: Buffer; nonce: bigint } {
  const { asn1js: a, pkijs: p } = lib();
  const nonceBytes = randomBytes(8);
  nonceBytes[0] = (nonceBytes[0] & 0x7f) | 0x01; // positive and 8 bytes long, so no sign or padding byte
  const req = new p.TimeStampReq({
    version: 1,
    messageImprint: new p.MessageImprint({
      hashAlgorithm: new p.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new a.OctetString({ valueHex: ab(digest) }),
    }),
    nonce: new a.Integer({ valueHex: ab(nonceBytes) }),
    certReq: true,
  });
  return { der: Buffer.from(req.toSchema().toBER(false)), nonce: big(nonceBytes) };
}

/**
 * Checks a TimeStampResp (the whole `.tsr`) against the message it must cover (its imprint is the
 * message's SHA-256; pkijs checks the imprint against the message itself). `nonce`: the one sent
 * (online); offline there is none to compare. Throws {@link TimestampError} naming what failed.
 */
export async function verifyToken(tsr: Buffer, message: Buffer, opts: { nonce?: bigint; trusted?: Buffer[] } = {}): Promise<TokenInfo> {
  const { asn1js: a, pkijs: p } = lib();
  const digest = createHash('sha256').update(message).digest();
  if (!tsr.length || tsr.length > MAX_TSR_BYTES) throw new TimestampError('time-stamp response is empty or too large');
  const parse = (bytes: ArrayBuffer, what: string) => {
    const r = a.fromBER(bytes);
    if (r.offset === -1) throw new TimestampError(`${what} is not valid DER`);
    return r.result;
  };
  let resp: pkijs.TimeStampResp;
  try {
    resp = new p.TimeStampResp({ schema: parse(ab(tsr), 'time-stamp response') });
  } catch (e) {
    throw e instanceof TimestampError ? e : new TimestampError('not an RFC 3161 TimeStampResp');
  }
  const status = resp.status.status;
  if (status !== 0 && status !== 1) throw new TimestampError(`the authority refused the request (PKIStatus ${status})`);
  if (!resp.timeStampToken) throw new TimestampError('the response carries no token');
  let signed: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  try {
    signed = new p.SignedData({ schema: resp.timeStampToken.content });
    const e = signed.encapContentInfo.eContent;
    if (!e) throw new TimestampError('the token has no TSTInfo');
    tst = new p.TSTInfo({ schema: parse(e.getValue(), 'TSTInfo') });
  } catch (e) {
    throw e instanceof TimestampError ? e : new TimestampError('the token is not a SignedData with a TSTInfo');
  }
  if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID) throw new TimestampError('the token imprint is not SHA-256');
  const imprint = Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!imprint.equals(digest)) throw new TimestampError(`the token covers ${imprint.toString('hex')}, not the checkpoint digest ${digest.toString('hex')}`);
  if (opts.nonce !== undefined && (!tst.nonce || big(tst.nonce.valueBlock.valueHexView) !== opts.nonce)) throw new TimestampError('the token nonce is not the one sent');
  let ok = false;
  try {
    const trustedCerts = (opts.trusted ?? []).map((der) => new p.Certificate({ schema: parse(ab(der), 'trusted certificate') }));
    const r = await signed.verify({ signer: 0, data: ab(message), checkChain: trustedCerts.length > 0, trustedCerts, extendedMode: true });
    ok = (r as { signatureVerified?: boolean | null }).signatureVerified === true;
  } catch {
    ok = false;
  }
  if (!ok) throw new TimestampError('the token signature does not verify with its TSA certificate');
  const cert = signed.certificates?.find((c): c is pkijs.Certificate => c instanceof p.Certificate);
  const cn = cert?.subject.typesAndValues.find((t) => t.type === '2.5.4.3')?.value.valueBlock.value;
  return { genTime: tst.genTime, serial: big(tst.serialNumber.valueBlock.valueHexView).toString(16), policy: tst.policy, ...(typeof cn === 'string' ? { signer: `CN=${cn}` } : {}) };
}

/** Asks the authority for a token over SHA-256(`message`) and verifies it before returning it. */
export async function requestToken(url: string, message: Buffer, timeoutMs: number): Promise<{ tsr: Buffer; info: TokenInfo }> {
  const { der, nonce } = timestampRequest(createHash('sha256').update(message).digest());
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body: der,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  if (!res.ok) throw new TimestampError(`the authority answered HTTP ${res.status}`);
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_TSR_BYTES) throw new TimestampError('time-stamp response is too large');
  const tsr = Buffer.from(await res.arrayBuffer());
  return { tsr, info: await verifyToken(tsr, message, { nonce }) };
}
