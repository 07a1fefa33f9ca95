import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { FileRef } from '../../contracts';
import { FILE_STORE, LOGGER } from '../config/injection.tokens';
import { safeError } from '../logging/pii.mask';
import { DownloadLinks, FILES_PATH, type LinkRefusal } from './download-link.signer';
import type { FileStore } from './file-store.port';

const REFUSALS: Record<LinkRefusal, string> = {
  malformed: 'the download link is incomplete or malformed',
  expired: 'the download link has expired; ask for the file again',
  'bad-signature': 'the download link is not valid (its signature does not match)',
  'unknown-tenant': 'the download link is not valid for any tenant of this hub',
};

const MEDIA_TYPE = new RegExp(FileRef.properties.mediaType.pattern as string);

/**
 * `Content-Disposition: attachment` with an ASCII fallback name and the exact name in RFC 5987
 * form (`filename*=UTF-8''…`, RFC 6266), so Cyrillic names arrive intact. Always `attachment`:
 * the hub never renders what a back office or a citizen sent on its own origin.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_').trim() || 'file';
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/**
 * Serves download links (`GET`/`HEAD /v1/files/:sha256?t&n&m&e&s`, see {@link DownloadLinks}).
 * A link that does not verify, has expired or names no tenant of this hub: 403 with a JSON error,
 * before the store is asked anything; a verified link to content the store does not hold: 404.
 * The content streams from the store with its type, length, an attachment disposition, the
 * sha256 as ETag (If-None-Match answered 304) and `Cache-Control: private`. No ranges. Nothing
 * here logs the URL: its query holds the signature.
 */
@Controller()
export class FileDownloadController {
  constructor(
    private readonly links: DownloadLinks,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // Express answers HEAD with the GET route; the method is checked inside so HEAD never opens the content.
  @Get(`${FILES_PATH}/:sha256`)
  async download(@Param('sha256') sha256: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    let stored: { size: number } | undefined;
    try {
      const verdict = await this.links.verify(sha256, req.query as Record<string, unknown>);
      if (!verdict.ok) return void res.status(403).json({ error: REFUSALS[verdict.reason] });
      stored = await this.store.stat(sha256);
      if (!stored) return void res.status(404).json({ error: "the file is not in the hub's store" });
      const { grant } = verdict;
      const etag = `"${sha256}"`;
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'private');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      if (req.headers['if-none-match']?.split(/\s*,\s*/).some((t) => t === etag || t === `W/${etag}` || t === '*')) return void res.status(304).end();
      res.setHeader('Content-Type', MEDIA_TYPE.test(grant.mediaType) ? grant.mediaType : 'application/octet-stream');
      res.setHeader('Content-Length', String(stored.size));
      res.setHeader('Content-Disposition', contentDisposition(grant.name));
      res.setHeader('Accept-Ranges', 'none');
      if (req.method === 'HEAD') return void res.status(200).end();
      const content = await this.store.open(sha256);
      res.status(200);
      await pipeline(content, res);
    } catch (e) {
      // A client that goes away mid-download is not an error of the hub's.
      if (res.destroyed && (e as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      this.logger.warn({ event: 'files.download-failed', sha256, error: safeError(e) }, 'file download failed');
      if (!res.headersSent) {
        res.removeHeader('Content-Length');
        res.removeHeader('Content-Disposition');
        res.removeHeader('ETag');
        res.status(503).setHeader('Retry-After', '5').json({ error: 'the file store is not available; retry later' });
      } else res.destroy();
    }
  }
}
