import type { MockHandler, MockRequest, MockResponse } from '../_kit';
import { authenticate, type AuthSettings } from './s3-auth.guard';
import { errorAnswer, newRequestId, requestIdHeaders, S3Error } from './s3-error.codec';
import type { S3MultipartService } from './s3-multipart.service';
import type { ObjectRepository } from './s3-object.repository';
import type { S3Call, S3ObjectsService } from './s3-objects.service';
import { routeRequest } from './s3-request.reader';

/** S3's limit on a key: 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** What the handler works with. */
export interface S3HandlerDeps {
  auth: AuthSettings;
  region: string;
  repo: ObjectRepository;
  objects: S3ObjectsService;
  multipart: S3MultipartService;
}

/**
 * The mock's request handler: route (path-style `/<bucket>/<key>`), authenticate (SigV4), check
 * the bucket and key, run the operation; every failure answered as S3's XML error with
 * `x-amz-request-id` (README, "Order of checks").
 */
export function createS3Handler(deps: S3HandlerDeps): MockHandler {
  return async (req: MockRequest): Promise<MockResponse> => {
    const requestId = newRequestId();
    let answer: MockResponse;
    try {
      answer = await handle(req, deps);
    } catch (err) {
      answer = errorAnswer(err instanceof S3Error ? err : new S3Error('InternalError', `We encountered an internal error: ${(err as Error)?.message ?? String(err)}`.slice(0, 500)), requestId);
    }
    const headers = { ...requestIdHeaders(requestId), ...answer.headers };
    return { ...answer, headers };
  };
}

async function handle(req: MockRequest, deps: S3HandlerDeps): Promise<MockResponse> {
  const q = req.url.indexOf('?');
  const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
  const route = routeRequest(req.method, req.path, rawQuery);
  const auth = authenticate({ method: req.method, rawPath: req.path, query: route.query, headers: req.headers }, deps.auth);
  const copy = req.headers['x-amz-copy-source'] !== undefined;
  if (route.operation === null || copy) {
    const what = copy ? (route.operation === 'UploadPart' ? 'UploadPartCopy' : 'CopyObject') : route.unmodelled;
    throw new S3Error('NotImplemented', `${what} is not modelled by this mock (README, "Removed surface").`);
  }
  if (!deps.repo.hasBucket(route.bucket)) throw new S3Error('NoSuchBucket', undefined, [['BucketName', route.bucket.slice(0, 255)]]);
  const keyBytes = Buffer.byteLength(route.key, 'utf8');
  if (keyBytes > MAX_KEY_BYTES)
    throw new S3Error('KeyTooLongError', undefined, [
      ['Size', String(keyBytes)],
      ['MaxSizeAllowed', String(MAX_KEY_BYTES)],
    ]);

  const call: S3Call = { route, headers: req.headers, body: req.body, auth, method: req.method };
  switch (route.operation) {
    case 'PutObject':
      return deps.objects.put(call);
    case 'GetObject':
    case 'HeadObject':
      return deps.objects.get(call);
    case 'DeleteObject':
      return deps.objects.delete(call);
    case 'ListObjectsV2':
      return deps.objects.list(call);
    case 'HeadBucket':
      return { status: 200, headers: { 'x-amz-bucket-region': deps.region } };
    case 'CreateMultipartUpload':
      return deps.multipart.create(call);
    case 'UploadPart':
      return deps.multipart.uploadPart(call);
    case 'CompleteMultipartUpload':
      return deps.multipart.complete(call);
    case 'AbortMultipartUpload':
      return deps.multipart.abort(call);
  }
}
