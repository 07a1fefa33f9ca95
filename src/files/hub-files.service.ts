import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AdapterFiles, FileDigest, KeptFile, KeptFileMeta } from '../../contracts';
import { FileRef, MAX_INLINE_FILE_BYTES } from '../../contracts';
import type { HubConfig } from '../config/hub-config.schema';
import type { DownloadLinks } from './download-link.signer';
import type { ExpectedDigest, FileStore } from './file-store.port';
import { SHA256_HEX } from './file-store.port';
import { FileRefused } from './files.errors';
import type { UrlFetcher } from './url.fetcher';

const MEDIA_TYPE = new RegExp(FileRef.properties.mediaType.pattern as string);

/** A file as an event references it: its digest, and inline content or a URL. */
export type FileReference = FileDigest & { contentBase64?: string; url?: string };

/**
 * Decodes inline content and checks it against its reference; PermanentError (FileRefused) on a
 * mismatch. Inline content is at most MAX_INLINE_FILE_BYTES, so holding it is fine.
 */
export function decodeInline(ref: FileDigest & { contentBase64: string }): Buffer {
  checkDigest(ref);
  if (ref.contentBase64.length > 4 * Math.ceil(MAX_INLINE_FILE_BYTES / 3)) throw new FileRefused('too-large', `inline content is larger than ${MAX_INLINE_FILE_BYTES} bytes`);
  const bytes = Buffer.from(ref.contentBase64, 'base64');
  if (bytes.length !== ref.size) throw new FileRefused('size-mismatch', `size mismatch: expected ${ref.size} bytes, the inline content has ${bytes.length}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== ref.sha256) throw new FileRefused('sha256-mismatch', `sha256 mismatch: expected ${ref.sha256}, got ${sha256}`);
  return bytes;
}

/** The content a reference names: inline decoded and checked, else from the store (FileRefused when absent or of another size). */
async function openReferenced(store: FileStore, ref: FileDigest & { contentBase64?: string }): Promise<Readable> {
  if (typeof ref.contentBase64 === 'string') return Readable.from([decodeInline({ ...ref, contentBase64: ref.contentBase64 })]);
  checkDigest(ref);
  const stored = await store.stat(ref.sha256);
  if (!stored) throw new FileRefused('not-stored', `the hub's store holds no file with sha256 ${ref.sha256} (it was not fetched before the event was handled)`);
  if (stored.size !== ref.size) throw new FileRefused('size-mismatch', `size mismatch: the reference says ${ref.size} bytes, the stored content with its sha256 has ${stored.size}`);
  return store.open(ref.sha256);
}

/**
 * A back office's file name as events may carry it (FileRef's pattern): path separators and
 * control characters become `_`, at most 255 characters (the extension kept), never empty.
 */
export function fileNameOf(name: unknown): string {
  const clean = (typeof name === 'string' ? name : '').replace(/[/\\\x00-\x1f\x7f]/g, '_').trim();
  if (!clean) return 'file';
  if (clean.length <= 255) return clean;
  const ext = /\.[^.]{1,16}$/.exec(clean)?.[0] ?? '';
  return clean.slice(0, 255 - ext.length) + ext;
}

function checkDigest(ref: FileDigest): void {
  if (typeof ref.sha256 !== 'string' || !SHA256_HEX.test(ref.sha256)) throw new FileRefused('bad-meta', 'the file reference has no valid sha256 (64 lowercase hex characters)');
  if (!Number.isSafeInteger(ref.size) || ref.size < 0) throw new FileRefused('bad-meta', 'the file reference has no valid size');
}

/**
 * The hub's {@link AdapterFiles}: what an adapter's `ctx.files` is. Files live in the store by
 * sha256; adapters never fetch URLs themselves (the hub did, through {@link FileIntake}, before
 * `handle`), and never need to hold a large file whole.
 */
export class HubFiles implements AdapterFiles {
  constructor(
    private readonly store: FileStore,
    private readonly links: DownloadLinks,
    private readonly config: HubConfig,
  ) {}

  /** Whether {@link open} finds the content: inline always, a URL file only when the hub fetched it. */
  async has(ref: FileDigest & { contentBase64?: string }): Promise<boolean> {
    if (typeof ref.contentBase64 === 'string') return true;
    const stored = await this.store.stat(ref.sha256);
    return stored?.size === ref.size;
  }

  /** Inline content decoded and checked, else the stored content; PermanentError when the store lacks it or holds another size. */
  open(ref: FileDigest & { contentBase64?: string }): Promise<Readable> {
    return openReferenced(this.store, ref);
  }

  /**
   * Stores content read from a back office (up to `hub.files.maxBytes`) and says how consumers get
   * it: inline up to MAX_INLINE_FILE_BYTES (the first bytes are kept while streaming, so nothing is
   * read twice), else a signed download link.
   */
  async keep(content: Readable | Buffer, meta: KeptFileMeta, expect?: Partial<FileDigest>): Promise<KeptFile> {
    if (!Object.hasOwn(this.config.tenants, meta?.tenant)) throw new FileRefused('bad-meta', 'kept file: the tenant is not configured');
    // An oddly named file from a back office is still delivered: the name and type are made valid, not refused.
    const name = fileNameOf(meta.name);
    const mediaType = typeof meta.mediaType === 'string' && meta.mediaType.length <= 255 && MEDIA_TYPE.test(meta.mediaType) ? meta.mediaType : 'application/octet-stream';
    const head: Buffer[] = [];
    let headBytes = 0;
    const source = Buffer.isBuffer(content)
      ? content
      : Readable.from(
          (async function* () {
            for await (const raw of content) {
              const piece = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
              if (headBytes <= MAX_INLINE_FILE_BYTES) {
                head.push(piece);
                headBytes += piece.length;
                // Too big to go inline: stop keeping a copy.
                if (headBytes > MAX_INLINE_FILE_BYTES) head.length = 0;
              }
              yield piece;
            }
          })(),
        );
    const digest = await this.store.put(source, { maxBytes: this.config.hub.files.maxBytes, expect: expect as ExpectedDigest | undefined });
    const described = { ...digest, name, mediaType };
    if (digest.size <= MAX_INLINE_FILE_BYTES) {
      const bytes = Buffer.isBuffer(content) ? content : Buffer.concat(head, headBytes);
      return { ...described, contentBase64: bytes.toString('base64') };
    }
    return { ...described, url: await this.links.link({ sha256: digest.sha256, tenant: meta.tenant, name, mediaType }) };
  }
}

/** Which content each tenant's intake took (`file_tenant`): the store is shared by content, taking is per tenant. */
export interface FileTenants {
  holds(tenant: string, sha256: string): Promise<boolean>;
  add(tenant: string, sha256: string): Promise<void>;
}

/**
 * The hub's side of files that arrive by reference (for the adapter host, not for adapters):
 * before an event is handled, every file it references by URL is fetched into the store, once.
 */
export class FileIntake {
  constructor(
    private readonly store: FileStore,
    private readonly fetcher: UrlFetcher,
    private readonly tenants: FileTenants,
  ) {}

  /**
   * Makes sure the content of `ref` can be opened: a URL must be on the tenant's allow-list, and is
   * fetched unless this tenant's intake already took that sha256 (a retry, or the same file sent
   * again); inline content is only decoded and checked (it travels with the event; nothing is
   * stored). The store is shared by content, so another tenant's copy never stands in for a
   * fetch: a tenant gets only content it could fetch itself. Resolves with the checked digest.
   * FileRefused (permanent) for refusals and mismatches, TransientError for network and database
   * trouble.
   */
  async ensureStored(tenant: string, ref: FileReference, signal?: AbortSignal): Promise<FileDigest> {
    if (typeof ref.contentBase64 === 'string') {
      const bytes = decodeInline({ ...ref, contentBase64: ref.contentBase64 });
      return { sha256: ref.sha256, size: bytes.length };
    }
    checkDigest(ref);
    if (typeof ref.url !== 'string') throw new FileRefused('bad-meta', 'the file reference has neither url nor contentBase64');
    // Off the list is refused whether or not the content is already here: the answer never depends on what others sent.
    this.fetcher.checkAllowed(tenant, ref.url);
    if (await this.tenants.holds(tenant, ref.sha256)) {
      const stored = await this.store.stat(ref.sha256);
      if (stored && stored.size !== ref.size) throw new FileRefused('size-mismatch', `size mismatch: the reference says ${ref.size} bytes, the stored content with its sha256 has ${stored.size}`);
      if (stored) return { sha256: ref.sha256, size: ref.size };
    }
    const digest = await this.fetcher.fetchInto(tenant, ref.url, { sha256: ref.sha256, size: ref.size }, signal);
    await this.tenants.add(tenant, digest.sha256);
    return digest;
  }

  /** The content of a file the store holds, or inline content (what the intake reads signatures and files from). */
  open(ref: FileDigest & { contentBase64?: string }): Promise<Readable> {
    return openReferenced(this.store, ref);
  }

  /** {@link ensureStored} for every file of a list and their detached signatures, one after another. */
  async ensureAllStored(tenant: string, refs: readonly (FileReference & { signatures?: readonly FileReference[] })[], signal?: AbortSignal): Promise<void> {
    for (const ref of refs) {
      await this.ensureStored(tenant, ref, signal);
      for (const sig of ref.signatures ?? []) await this.ensureStored(tenant, sig, signal);
    }
  }

  /**
   * {@link ensureAllStored} for the files an event carries: `data.files` (appeals, applications,
   * answers) and `data.document` (application.document-added), each with its signatures. What the
   * adapter host calls before `handle`, so that `ctx.files.open(ref)` finds every file.
   */
  async ensureEventFiles(event: { tenant: string; data?: unknown }, signal?: AbortSignal): Promise<void> {
    await this.ensureAllStored(event.tenant, fileRefsOf(event.data), signal);
  }
}

/** The file references in an event's data: `files[]` and `document`, as the contracts place them. */
export function fileRefsOf(data: unknown): (FileReference & { signatures?: FileReference[] })[] {
  if (!data || typeof data !== 'object') return [];
  const { files, document } = data as { files?: unknown; document?: unknown };
  const refs = Array.isArray(files) ? files : [];
  return [...refs, ...(document && typeof document === 'object' ? [document] : [])] as (FileReference & { signatures?: FileReference[] })[];
}
