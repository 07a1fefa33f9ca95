import os from 'node:os';
import { OptionsReader, type RequestRecorderOptions } from '../_kit';

/** One access key the mock accepts. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Options of the S3 mock; all optional. */
export interface S3MockOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The region requests must be signed for (default `us-east-1`). */
  region?: string;
  /** Accepted access keys (default {@link DEFAULT_CREDENTIALS}). */
  credentials?: S3Credentials[];
  /** Buckets that exist (default `['cabinet-hub']`); any other bucket is `NoSuchBucket`. */
  buckets?: string[];
  /**
   * Largest object of one PutObject and largest part of one UploadPart, in bytes (default 64 MiB;
   * S3's own limit is 5 GiB). The kit reads each request body into memory, so this bounds the
   * memory of one request. More → `EntityTooLarge`.
   */
  maxObjectBytes?: number;
  /** Smallest part other than the last one in CompleteMultipartUpload (default 5 MiB, as S3). */
  minPartBytes?: number;
  /** Where the mock makes its own temporary folder for object and part files (default the OS temp dir). */
  dataDir?: string;
  /** Largest clock difference accepted in a signature, ms (default 15 minutes, as S3). */
  maxClockSkewMs?: number;
  /** Limits of the kit's request log (default: bodies cut at 4 KiB, kit defaults otherwise). */
  recorder?: RequestRecorderOptions;
  /** Milliseconds since the epoch: signature times, Last-Modified; injectable for tests. */
  clock?: () => number;
}

/** Options with defaults applied. */
export interface ResolvedS3Options {
  host: string;
  port: number;
  region: string;
  credentials: S3Credentials[];
  buckets: string[];
  maxObjectBytes: number;
  minPartBytes: number;
  dataDir: string;
  maxClockSkewMs: number;
  recorder: RequestRecorderOptions;
  clock: () => number;
}

/** The access key of the standalone mock and of tests that do not care. */
export const DEFAULT_CREDENTIALS: readonly S3Credentials[] = [{ accessKeyId: 'AKIACABINETHUBMOCK01', secretAccessKey: 'cabinet-hub-s3-mock-secret-key-000000000' }];
/** The default bucket. */
export const DEFAULT_BUCKETS: readonly string[] = ['cabinet-hub'];
/** S3's smallest non-last part: 5 MiB. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

const KNOWN = ['host', 'port', 'region', 'credentials', 'buckets', 'maxObjectBytes', 'minPartBytes', 'dataDir', 'maxClockSkewMs', 'recorder', 'clock'];
const MIB = 1024 * 1024;
// Bucket naming rules of S3 (3-63 characters, lower-case letters, digits, dots, hyphens).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Checks the options and applies defaults.
 * @throws MockAdminError(400) listing every problem (`details.problems`)
 */
export function resolveS3Options(input: S3MockOptions = {}): ResolvedS3Options {
  const r = new OptionsReader('S3 mock options', input, KNOWN);
  const o = r.o;
  const port = r.int('port', 0, 65_535, 0);
  const host = r.str('host', '127.0.0.1');
  const region = r.str('region', 'us-east-1', /^[a-z0-9-]{1,40}$/, 'region must be lower-case letters, digits and hyphens (e.g. us-east-1)');
  const maxObjectBytes = r.int('maxObjectBytes', 1024, 1024 * MIB, 64 * MIB);
  const minPartBytes = r.int('minPartBytes', 0, 5 * 1024 * MIB, S3_MIN_PART_BYTES);
  const maxClockSkewMs = r.int('maxClockSkewMs', 0, 7 * 86_400_000, 15 * 60_000);
  const dataDir = r.str('dataDir', os.tmpdir());
  const clock = r.fn('clock', Date.now);
  const recorder = r.object<RequestRecorderOptions>('recorder', {});

  let credentials = DEFAULT_CREDENTIALS.map((c) => ({ ...c }));
  if (o.credentials !== undefined) {
    const v = o.credentials;
    const ok = (c: unknown): c is S3Credentials =>
      typeof c === 'object' &&
      c !== null &&
      typeof (c as S3Credentials).accessKeyId === 'string' &&
      /^[A-Za-z0-9._-]{1,128}$/.test((c as S3Credentials).accessKeyId) &&
      typeof (c as S3Credentials).secretAccessKey === 'string' &&
      (c as S3Credentials).secretAccessKey.length > 0 &&
      (c as S3Credentials).secretAccessKey.length <= 256;
    if (Array.isArray(v) && v.length > 0 && v.every(ok)) credentials = v.map((c) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }));
    else r.problem('credentials must be a non-empty array of { accessKeyId (letters, digits, . _ -), secretAccessKey (1-256 characters) }');
  }
  let buckets = [...DEFAULT_BUCKETS];
  if (o.buckets !== undefined) {
    const v = o.buckets;
    if (Array.isArray(v) && v.length > 0 && v.every((b) => typeof b === 'string' && BUCKET.test(b) && !b.includes('..'))) buckets = [...new Set(v as string[])];
    else r.problem('buckets must be a non-empty array of S3 bucket names (3-63 characters: a-z, 0-9, ".", "-")');
  }
  r.done();
  return {
    host,
    port,
    region,
    credentials,
    buckets,
    maxObjectBytes,
    minPartBytes,
    dataDir,
    maxClockSkewMs,
    recorder: { maxBodyBytes: 4096, ...recorder },
    clock,
  };
}
