import { createHash } from 'node:crypto';
import { S3Error } from './s3-error.codec';
import { chunkStringToSign, sign, trailerStringToSign, type SigningScope } from './s3-signature.codec';

/**
 * Decodes an `aws-chunked` body (README, "Payload signing"):
 *
 * ```
 * <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0[;chunk-signature=<sig>]\r\n[<trailer>:<value>\r\n…]\r\n
 * ```
 *
 * With signing given (the STREAMING-AWS4-HMAC-SHA256-PAYLOAD variants) every chunk's signature
 * is checked, each chained to the one before, starting from the request's own signature; with
 * a signed trailer, `x-amz-trailer-signature` is checked last.
 */

/** What chunk signatures are checked against. */
export interface ChunkSigning {
  key: Buffer;
  amzDate: string;
  scope: SigningScope;
  /** The signature of the request (the `Signature=` of `Authorization`). */
  seedSignature: string;
}

/** How to decode. */
export interface ChunkedOptions {
  /** Null for STREAMING-UNSIGNED-PAYLOAD-TRAILER: no chunk signatures. */
  signing: ChunkSigning | null;
  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the trailer carries `x-amz-trailer-signature`. */
  signedTrailer: boolean;
}

/** The decoded body. */
export interface ChunkedBody {
  data: Buffer;
  /** Trailing headers in order, lower-case names, `x-amz-trailer-signature` left out. */
  trailers: Array<[string, string]>;
}

/** S3 requires signed chunks of at least 8 KiB, except the last one with data. */
export const MIN_SIGNED_CHUNK_BYTES = 8192;
const MAX_LINE = 4096;
const MAX_TRAILERS = 16;
const CRLF = Buffer.from('\r\n');

/**
 * @throws S3Error IncompleteBody (framing), SignatureDoesNotMatch (a chunk or the trailer),
 *   InvalidChunkSizeError (a small signed chunk), MalformedTrailerError (trailer lines)
 */
export function decodeAwsChunked(body: Buffer, options: ChunkedOptions): ChunkedBody {
  const pieces: Buffer[] = [];
  const sizes: number[] = [];
  let at = 0;
  let previous = options.signing?.seedSignature ?? '';
  for (;;) {
    const eol = body.indexOf(CRLF, at);
    if (eol === -1 || eol - at > MAX_LINE) throw incomplete('a chunk header line is missing or too long');
    const line = body.subarray(at, eol).toString('latin1');
    const [sizeText, ...extensions] = line.split(';');
    if (!/^[0-9a-fA-F]{1,15}$/.test(sizeText.trim())) throw incomplete(`bad chunk size "${sizeText.slice(0, 40)}"`);
    const size = parseInt(sizeText.trim(), 16);
    at = eol + 2;
    if (size > body.length - at) throw incomplete('a chunk is longer than the rest of the body');
    const data = body.subarray(at, at + size);
    at += size;
    if (options.signing) {
      const ext = extensions.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='));
      const given = ext?.slice('chunk-signature='.length) ?? '';
      const s = options.signing;
      const expected = sign(s.key, chunkStringToSign(s.amzDate, s.scope, previous, createHash('sha256').update(data).digest('hex')));
      if (given !== expected) {
        throw new S3Error('SignatureDoesNotMatch', `The chunk signature of chunk ${sizes.length + 1} does not match. Check your key and signing method.`, [
          ['ChunkNumber', String(sizes.length + 1)],
          ['SignatureProvided', given.slice(0, 128)],
        ]);
      }
      previous = expected;
    }
    if (size === 0) break;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw incomplete('chunk data is not followed by CRLF');
    at += 2;
    pieces.push(data);
    sizes.push(size);
  }
  if (options.signing) {
    for (let i = 0; i < sizes.length - 1; i++) {
      if (sizes[i] < MIN_SIGNED_CHUNK_BYTES)
        throw new S3Error('InvalidChunkSizeError', undefined, [
          ['Chunk', String(i + 1)],
          ['BadChunkSize', String(sizes[i])],
        ]);
    }
  }

  const trailers: Array<[string, string]> = [];
  let trailerSignature: string | null = null;
  for (;;) {
    if (at >= body.length) break; // tolerated: a client that leaves off the last empty line
    const eol = body.indexOf(CRLF, at);
    if (eol === -1 || eol - at > MAX_LINE) throw trailerError('a trailer line is missing its CRLF or is too long');
    const line = body.subarray(at, eol).toString('utf8');
    at = eol + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw trailerError(`"${line.slice(0, 60)}" is not name:value`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else trailers.push([name, value]);
    if (trailers.length > MAX_TRAILERS) throw trailerError('too many trailing headers');
  }
  if (at < body.length) throw incomplete('data after the end of the aws-chunked body');

  if (options.signedTrailer && options.signing) {
    const s = options.signing;
    const expected = sign(s.key, trailerStringToSign(s.amzDate, s.scope, previous, trailers));
    if (trailerSignature !== expected) {
      throw new S3Error('SignatureDoesNotMatch', 'The trailer signature does not match. Check your key and signing method.', [['SignatureProvided', (trailerSignature ?? '').slice(0, 128)]]);
    }
  }
  return { data: pieces.length === 1 ? pieces[0] : Buffer.concat(pieces), trailers };
}

function incomplete(why: string): S3Error {
  return new S3Error('IncompleteBody', `The aws-chunked body is not well-formed: ${why}.`);
}

function trailerError(why: string): S3Error {
  return new S3Error('MalformedTrailerError', `The request contained trailing data that was not well-formed: ${why}.`);
}
