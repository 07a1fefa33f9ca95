import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

/**
 * The additional checksums of S3 (`x-amz-checksum-<algorithm>`, base64 of the big-endian
 * digest) and the object ETag. CRC32 comes from zlib and the hashes from node:crypto; CRC32C and
 * CRC64NVME are the usual reflected table CRCs (nothing in Node computes them), checked against
 * their standard check values and AWS's documented CRC32C example in the tests.
 */

/** Checksum algorithms S3 knows, as in `x-amz-checksum-algorithm`. */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
/** One of {@link CHECKSUM_ALGORITHMS}. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** The header (and trailer) carrying a checksum: `x-amz-checksum-crc32`… */
export function checksumHeader(a: ChecksumAlgorithm): string {
  return `x-amz-checksum-${a.toLowerCase()}`;
}

/** The algorithm of a checksum header name, or null. */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | null {
  const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(name);
  if (!m) return null;
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(m[1].toUpperCase()) ? (m[1].toUpperCase() as ChecksumAlgorithm) : null;
}

/** The algorithm named by `x-amz-checksum-algorithm` (case-insensitive), or null. */
export function parseAlgorithm(value: string): ChecksumAlgorithm | null {
  const v = value.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(v) ? (v as ChecksumAlgorithm) : null;
}

const CRC32C_TABLE = makeTable32(0x82f63b78);
const CRC64_TABLE = makeTable64(0x9a6c9329, 0xac4bc9b5);

function makeTable32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Reflected CRC-64 table, each entry as [hi, lo] 32-bit halves (no BigInt in the hot loop). */
function makeTable64(polyHi: number, polyLo: number): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  return { hi, lo };
}

/** An incremental checksum of one algorithm. */
export interface Checksummer {
  update(data: Buffer): void;
  /** The raw big-endian digest. */
  digest(): Buffer;
}

/** A fresh incremental checksum. */
export function checksummer(a: ChecksumAlgorithm): Checksummer {
  switch (a) {
    case 'CRC32': {
      let v = 0;
      return { update: (d) => void (v = zlib.crc32(d, v)), digest: () => be32(v) };
    }
    case 'CRC32C': {
      let c = 0xffffffff;
      return {
        update: (d) => {
          for (let i = 0; i < d.length; i++) c = CRC32C_TABLE[(c ^ d[i]) & 0xff] ^ (c >>> 8);
        },
        digest: () => be32((c ^ 0xffffffff) >>> 0),
      };
    }
    case 'CRC64NVME': {
      let h = 0xffffffff;
      let l = 0xffffffff;
      return {
        update: (d) => {
          for (let i = 0; i < d.length; i++) {
            const idx = (l ^ d[i]) & 0xff;
            l = (((l >>> 8) | ((h & 0xff) << 24)) ^ CRC64_TABLE.lo[idx]) >>> 0;
            h = ((h >>> 8) ^ CRC64_TABLE.hi[idx]) >>> 0;
          }
        },
        digest: () => {
          const out = Buffer.alloc(8);
          out.writeUInt32BE((h ^ 0xffffffff) >>> 0, 0);
          out.writeUInt32BE((l ^ 0xffffffff) >>> 0, 4);
          return out;
        },
      };
    }
    case 'SHA1':
    case 'SHA256': {
      const h = createHash(a === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (d) => void h.update(d), digest: () => h.digest() };
    }
  }
}

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

/** The base64 checksum of a whole buffer. */
export function checksumOf(a: ChecksumAlgorithm, data: Buffer): string {
  const c = checksummer(a);
  c.update(data);
  return c.digest().toString('base64');
}

/** Digest length in bytes of each algorithm (to check a header's base64 before comparing). */
export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** True when `value` is canonical base64 of a digest of the algorithm's length. */
export function isChecksumValue(a: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const raw = Buffer.from(value, 'base64');
  return raw.length === DIGEST_BYTES[a] && raw.toString('base64') === value;
}

/**
 * The composite checksum of a multipart object: the checksum of the concatenated raw part
 * checksums, then `-<parts>` (S3's COMPOSITE checksum type).
 */
export function compositeChecksum(a: ChecksumAlgorithm, partChecksumsBase64: readonly string[]): string {
  const c = checksummer(a);
  for (const p of partChecksumsBase64) c.update(Buffer.from(p, 'base64'));
  return `${c.digest().toString('base64')}-${partChecksumsBase64.length}`;
}

/** hex MD5 */
export function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** The ETag of a multipart object: MD5 of the concatenated binary part MD5s, `-<parts>`, quoted. */
export function multipartEtag(partMd5Hex: readonly string[]): string {
  const h = createHash('md5');
  for (const p of partMd5Hex) h.update(Buffer.from(p, 'hex'));
  return `"${h.digest('hex')}-${partMd5Hex.length}"`;
}
