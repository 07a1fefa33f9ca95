import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AdapterFiles, FileDigest, KeptFile, KeptFileMeta, MAX_INLINE_FILE_BYTES, PermanentError } from '../../contracts';

/**
 * An in-memory stand-in for the hub's file store, for adapter tests that run without the hub:
 * the same contract as the real one (content by sha256, inline up to MAX_INLINE_FILE_BYTES,
 * links beyond), with the content kept in a map so a test can read back what an adapter kept.
 */
export class MemoryFiles implements AdapterFiles {
  readonly blobs = new Map<string, Buffer>();
  /** How many bytes the largest single chunk handed to `keep` had (streaming checks). */
  largestChunk = 0;

  /** Puts content as the hub's intake would after fetching a `url` file. */
  add(content: Buffer): FileDigest {
    const sha256 = createHash('sha256').update(content).digest('hex');
    this.blobs.set(sha256, content);
    return { sha256, size: content.length };
  }

  async has(ref: FileDigest & { contentBase64?: string }): Promise<boolean> {
    return !!ref.contentBase64 || this.blobs.get(ref.sha256)?.length === ref.size;
  }

  async open(ref: FileDigest & { contentBase64?: string }): Promise<Readable> {
    if (ref.contentBase64) return Readable.from([Buffer.from(ref.contentBase64, 'base64')]);
    const blob = this.blobs.get(ref.sha256);
    if (!blob) throw new PermanentError(`file ${ref.sha256} is not in the file store`);
    // Chunked like a real store, so consumers see a stream and not one buffer.
    const chunks: Buffer[] = [];
    for (let i = 0; i < blob.length; i += 256 * 1024) chunks.push(blob.subarray(i, i + 256 * 1024));
    return Readable.from(chunks.length ? chunks : [Buffer.alloc(0)]);
  }

  async keep(content: Readable | Buffer, meta: KeptFileMeta, expect?: Partial<FileDigest>): Promise<KeptFile> {
    const chunks: Buffer[] = [];
    for await (const c of Buffer.isBuffer(content) ? [content] : content) {
      const b = Buffer.from(c as Uint8Array);
      this.largestChunk = Math.max(this.largestChunk, b.length);
      chunks.push(b);
    }
    const bytes = Buffer.concat(chunks);
    const { sha256, size } = this.add(bytes);
    if ((expect?.size !== undefined && expect.size !== size) || (expect?.sha256 !== undefined && expect.sha256 !== sha256)) {
      this.blobs.delete(sha256);
      throw new PermanentError(`kept file ${meta.name}: ${size} bytes / ${sha256} where ${expect.size ?? '?'} / ${expect.sha256 ?? '?'} was expected`);
    }
    return size <= MAX_INLINE_FILE_BYTES
      ? { sha256, size, name: meta.name, mediaType: meta.mediaType, contentBase64: bytes.toString('base64') }
      : { sha256, size, name: meta.name, mediaType: meta.mediaType, url: `https://hub.test/v1/files/${sha256}?t=${encodeURIComponent(meta.tenant)}` };
  }
}
