import type { Authenticated } from './s3-auth.guard';
import { algorithmOfHeader, checksumOf, isChecksumValue, md5Hex, parseAlgorithm, type ChecksumAlgorithm } from './s3-checksum.codec';
import { decodeAwsChunked } from './s3-chunked.codec';
import { S3Error } from './s3-error.codec';
import { sha256Hex } from './s3-signature.codec';

/** An object's (or part's) bytes as the client meant them, every given digest checked. */
export interface Payload {
  data: Buffer;
  md5: string;
  /** The additional checksum sent (header or trailer), verified. */
  checksum: { algorithm: ChecksumAlgorithm; value: string } | null;
}

/**
 * Turns a request body into the object's bytes (README, "Payload signing"): checks the signed
 * payload hash, or decodes aws-chunked (chunk signatures, decoded length, trailer), then checks
 * `Content-MD5` and the `x-amz-checksum-*` value (header or trailer).
 * @throws S3Error XAmzContentSHA256Mismatch, IncompleteBody, MissingContentLength, EntityTooLarge,
 *   SignatureDoesNotMatch, MalformedTrailerError, InvalidRequest, InvalidDigest, BadDigest
 */
export function readPayload(body: Buffer, headers: Readonly<Record<string, string>>, auth: Authenticated, maxBytes: number): Payload {
  let data: Buffer;
  let trailers: Array<[string, string]> = [];
  const mode = auth.payload;
  if (mode.kind === 'hash') {
    const computed = sha256Hex(body);
    if (computed !== mode.sha256) {
      throw new S3Error('XAmzContentSHA256Mismatch', undefined, [
        ['ClientComputedContentSHA256', mode.sha256],
        ['S3ComputedContentSHA256', computed],
      ]);
    }
    data = body;
  } else if (mode.kind === 'unsigned') {
    data = body;
  } else {
    const declared = headers['x-amz-decoded-content-length'];
    if (declared === undefined || !/^\d{1,15}$/.test(declared.trim())) throw new S3Error('MissingContentLength', 'An aws-chunked body needs x-amz-decoded-content-length.');
    const decodedLength = Number(declared.trim());
    if (decodedLength > maxBytes)
      throw new S3Error('EntityTooLarge', undefined, [
        ['ProposedSize', String(decodedLength)],
        ['MaxSizeAllowed', String(maxBytes)],
      ]);
    const decoded = decodeAwsChunked(body, {
      signing: mode.kind === 'streaming-signed' ? auth.chunkSigning : null,
      signedTrailer: mode.kind === 'streaming-signed' && mode.trailer,
    });
    if (decoded.data.length !== decodedLength) {
      throw new S3Error('IncompleteBody', `The aws-chunked body decodes to ${decoded.data.length} bytes, x-amz-decoded-content-length says ${decodedLength}.`);
    }
    data = decoded.data;
    trailers = decoded.trailers;
    const promised = (headers['x-amz-trailer'] ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
    const got = trailers.map(([k]) => k);
    if (promised.some((t) => !got.includes(t)) || got.some((t) => !promised.includes(t))) {
      throw new S3Error('MalformedTrailerError', `The trailing headers (${got.join(', ') || 'none'}) are not the ones x-amz-trailer announced (${promised.join(', ') || 'none'}).`);
    }
  }
  if (data.length > maxBytes)
    throw new S3Error('EntityTooLarge', undefined, [
      ['ProposedSize', String(data.length)],
      ['MaxSizeAllowed', String(maxBytes)],
    ]);

  const md5 = md5Hex(data);
  const contentMd5 = headers['content-md5'];
  if (contentMd5 !== undefined) {
    const raw = Buffer.from(contentMd5.trim(), 'base64');
    if (raw.length !== 16 || raw.toString('base64') !== contentMd5.trim()) throw new S3Error('InvalidDigest');
    if (raw.toString('hex') !== md5)
      throw new S3Error('BadDigest', undefined, [
        ['ExpectedDigest', contentMd5.trim()],
        ['CalculatedDigest', Buffer.from(md5, 'hex').toString('base64')],
      ]);
  }

  const given: Array<[ChecksumAlgorithm, string, string]> = [];
  for (const [name, value] of [...Object.entries(headers), ...trailers]) {
    const algorithm = algorithmOfHeader(name);
    if (algorithm) given.push([algorithm, value.trim(), name]);
  }
  if (given.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const sdkAlgorithm = headers['x-amz-sdk-checksum-algorithm'];
  if (sdkAlgorithm !== undefined) {
    const named = parseAlgorithm(sdkAlgorithm);
    if (!named) throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    if (given.length === 0) throw new S3Error('InvalidRequest', 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
    if (given[0][0] !== named) throw new S3Error('InvalidRequest', `x-amz-sdk-checksum-algorithm says ${named}, but the checksum given is ${given[0][2]}.`);
  }
  let checksum: Payload['checksum'] = null;
  if (given.length === 1) {
    const [algorithm, value, name] = given[0];
    if (!isChecksumValue(algorithm, value)) throw new S3Error('InvalidRequest', `Value for ${name} header is invalid.`);
    const computed = checksumOf(algorithm, data);
    if (computed !== value) throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
    checksum = { algorithm, value };
  }
  return { data, md5, checksum };
}
