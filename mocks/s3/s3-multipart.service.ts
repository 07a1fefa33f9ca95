import type { MockResponse } from '../_kit';
import { checksumHeader, checksumOf, compositeChecksum, multipartEtag, parseAlgorithm } from './s3-checksum.codec';
import { S3Error } from './s3-error.codec';
import { attributesFromHeaders, writeCondition } from './s3-headers.codec';
import { UploadGone, type MultipartUpload, type ObjectRepository, type StoredChecksum, type StoredPart } from './s3-object.repository';
import type { S3Call } from './s3-objects.service';
import { readPayload } from './s3-payload.reader';
import { el, parseCompleteMultipartUpload, xmlDocument } from './s3-xml.codec';

/** S3's part numbers: 1 to 10 000. */
export const MAX_PART_NUMBER = 10_000;
/** Largest CompleteMultipartUpload body read (10 000 parts with checksums fit well within). */
const MAX_COMPLETE_XML_BYTES = 4 * 1024 * 1024;

/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload (README, "Multipart upload"). */
export class S3MultipartService {
  constructor(
    private readonly repo: ObjectRepository,
    private readonly limits: { maxPartBytes: number; minPartBytes: number },
  ) {}

  create(c: S3Call): MockResponse {
    readPayload(c.body, c.headers, c.auth, 64 * 1024); // no body expected; its hash is still checked
    const attrs = attributesFromHeaders(c.headers);
    const algorithmText = c.headers['x-amz-checksum-algorithm'];
    const algorithm = algorithmText === undefined ? null : parseAlgorithm(algorithmText);
    if (algorithmText !== undefined && algorithm === null)
      throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
    const type = c.headers['x-amz-checksum-type']?.toUpperCase();
    if (type !== undefined && type !== 'COMPOSITE')
      throw new S3Error('NotImplemented', `x-amz-checksum-type ${type.slice(0, 40)} (full-object checksums of multipart uploads) is not modelled by this mock.`);
    const upload = this.repo.createUpload(c.route.bucket, c.route.key, attrs, algorithm);
    const headers: Record<string, string> = { 'content-type': 'application/xml', 'x-amz-server-side-encryption': 'AES256' };
    if (algorithm) {
      headers['x-amz-checksum-algorithm'] = algorithm;
      headers['x-amz-checksum-type'] = 'COMPOSITE';
    }
    return { status: 200, headers, body: xmlDocument('InitiateMultipartUploadResult', el('Bucket', upload.bucket) + el('Key', upload.key) + el('UploadId', upload.uploadId)) };
  }

  async uploadPart(c: S3Call): Promise<MockResponse> {
    const text = c.route.param('partNumber') ?? '';
    const partNumber = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(partNumber >= 1 && partNumber <= MAX_PART_NUMBER)) {
      throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, [
        ['ArgumentName', 'partNumber'],
        ['ArgumentValue', text.slice(0, 40)],
      ]);
    }
    const upload = this.uploadOf(c);
    const payload = readPayload(c.body, c.headers, c.auth, this.limits.maxPartBytes);
    const checksums: StoredPart['checksums'] = {};
    if (payload.checksum) {
      if (upload.checksumAlgorithm && payload.checksum.algorithm !== upload.checksumAlgorithm) {
        throw new S3Error(
          'InvalidRequest',
          `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${payload.checksum.algorithm.toLowerCase()}`,
        );
      }
      checksums[payload.checksum.algorithm] = payload.checksum.value;
    } else if (upload.checksumAlgorithm) {
      checksums[upload.checksumAlgorithm] = checksumOf(upload.checksumAlgorithm, payload.data);
    }
    const part = { partNumber, size: payload.data.length, etag: `"${payload.md5}"`, md5: payload.md5, checksums };
    if (!(await this.repo.putPart(upload, part, payload.data))) throw noSuchUpload(upload.uploadId);
    const headers: Record<string, string> = { etag: part.etag, 'x-amz-server-side-encryption': 'AES256' };
    const algorithm = upload.checksumAlgorithm ?? payload.checksum?.algorithm;
    if (algorithm && checksums[algorithm]) headers[checksumHeader(algorithm)] = checksums[algorithm];
    return { status: 200, headers };
  }

  async complete(c: S3Call): Promise<MockResponse> {
    const upload = this.uploadOf(c);
    if (c.body.length > MAX_COMPLETE_XML_BYTES) throw new S3Error('MalformedXML', `The CompleteMultipartUpload body is over ${MAX_COMPLETE_XML_BYTES} bytes.`);
    const condition = writeCondition(c.headers);
    const payload = readPayload(c.body, c.headers, c.auth, MAX_COMPLETE_XML_BYTES);
    const parsed = parseCompleteMultipartUpload(payload.data.toString('utf8'));
    if (!parsed.ok) throw new S3Error('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: ${parsed.reason}.`);
    const chosen: StoredPart[] = [];
    let previous = 0;
    for (const p of parsed.parts) {
      if (p.partNumber <= previous) throw new S3Error('InvalidPartOrder', undefined, [['UploadId', upload.uploadId]]);
      previous = p.partNumber;
      const stored = upload.parts.get(p.partNumber);
      const bare = (s: string) => s.replace(/^"|"$/g, '');
      if (!stored || bare(stored.etag) !== bare(p.etag)) throw invalidPart(upload, p.partNumber, p.etag);
      for (const [alg, value] of Object.entries(p.checksums)) {
        const mine = (stored.checksums as Record<string, string | undefined>)[alg];
        if (mine === undefined || mine !== value) throw invalidPart(upload, p.partNumber, p.etag);
      }
      chosen.push(stored);
    }
    chosen.forEach((p, i) => {
      if (i < chosen.length - 1 && p.size < this.limits.minPartBytes) {
        throw new S3Error('EntityTooSmall', undefined, [
          ['ProposedSize', String(p.size)],
          ['MinSizeAllowed', String(this.limits.minPartBytes)],
          ['PartNumber', String(p.partNumber)],
          ['ETag', p.etag],
        ]);
      }
    });
    if (upload.completing) throw noSuchUpload(upload.uploadId);
    const etag = multipartEtag(chosen.map((p) => p.md5));
    const alg = upload.checksumAlgorithm;
    const checksum: StoredChecksum | null =
      alg && chosen.every((p) => p.checksums[alg])
        ? {
            algorithm: alg,
            value: compositeChecksum(
              alg,
              chosen.map((p) => p.checksums[alg]!),
            ),
            type: 'COMPOSITE',
          }
        : null;
    try {
      await this.repo.complete(upload, chosen, etag, checksum, condition ?? undefined);
    } catch (err) {
      if (err instanceof UploadGone) throw noSuchUpload(upload.uploadId);
      throw err;
    }
    const host = c.headers.host ?? '127.0.0.1';
    let inner =
      el('Location', `http://${host}/${encodeURIComponent(upload.bucket)}/${upload.key.split('/').map(encodeURIComponent).join('/')}`) +
      el('Bucket', upload.bucket) +
      el('Key', upload.key) +
      el('ETag', etag);
    if (checksum) inner += el(`Checksum${checksum.algorithm}`, checksum.value) + el('ChecksumType', checksum.type);
    return { status: 200, headers: { 'content-type': 'application/xml', 'x-amz-server-side-encryption': 'AES256' }, body: xmlDocument('CompleteMultipartUploadResult', inner) };
  }

  abort(c: S3Call): MockResponse {
    const upload = this.uploadOf(c);
    this.repo.abort(upload.uploadId);
    return { status: 204 };
  }

  /** The upload named by `uploadId`, which must be for this bucket and key. */
  private uploadOf(c: S3Call): MultipartUpload {
    const id = c.route.param('uploadId') ?? '';
    const upload = this.repo.upload(id);
    if (!upload || upload.bucket !== c.route.bucket || upload.key !== c.route.key) throw noSuchUpload(id);
    return upload;
  }
}

function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', undefined, [['UploadId', uploadId.slice(0, 200)]]);
}

function invalidPart(upload: MultipartUpload, partNumber: number, etag: string): S3Error {
  return new S3Error('InvalidPart', undefined, [
    ['UploadId', upload.uploadId],
    ['PartNumber', String(partNumber)],
    ['ETag', etag.slice(0, 100)],
  ]);
}
