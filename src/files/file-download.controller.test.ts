import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { MAX_INLINE_FILE_BYTES } from '../../contracts';
import { sha256Of } from '../../test/helpers/files.helper';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import type { EnvConfig } from '../config/env.config';
import { parseHubConfig } from '../config/hub-config.loader';
import type { HubConfig } from '../config/hub-config.schema';
import { ENV_CONFIG, FILE_STORE, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { DownloadLinks } from './download-link.signer';
import { PostgresFileStore } from './file-blob.repository';
import { contentDisposition, FileDownloadController } from './file-download.controller';
import { FileLinkKeyRepository } from './file-link-key.repository';
import { HubFiles } from './hub-files.service';

const CONFIG_YAML = `
hub:
  files: { linkTtlSeconds: 3600 }
tenants:
  demo: { name: Demo }
  other: { name: Other }
`;

/**
 * Medium tier: the download route in a Nest application of its own, on the real PostgreSQL store
 * and link key; requests with the global fetch.
 */
describe('FileDownloadController and DownloadLinks', () => {
  const schema = uniqueName('filelinks');
  const env = { httpHost: '0.0.0.0', httpPort: 0 } as EnvConfig;
  let db: DataSource;
  let app: INestApplication;
  let links: DownloadLinks;
  let store: PostgresFileStore;
  let config: HubConfig;
  let logs: string[];
  const big = randomBytes(MAX_INLINE_FILE_BYTES + 1);
  const NAME = 'Відповідь на звернення №1 (остаточна).pdf';

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = await createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema }, 4).initialize();
    store = new PostgresFileStore(poolOf(db));
    config = parseHubConfig(CONFIG_YAML, 'links.yaml', {});
    logs = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    @Module({
      controllers: [FileDownloadController],
      providers: [
        { provide: HUB_CONFIG, useValue: config },
        { provide: ENV_CONFIG, useValue: env },
        { provide: LOGGER, useValue: logger },
        { provide: DataSource, useValue: db },
        { provide: FILE_STORE, useValue: store },
        FileLinkKeyRepository,
        DownloadLinks,
      ],
    })
    class FilesTestModule {}
    app = await NestFactory.create(FilesTestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    links = app.get(DownloadLinks);
    links.useListeningPort((app.getHttpServer().address() as { port: number }).port);
    await store.put(big, { maxBytes: 10 * MAX_INLINE_FILE_BYTES });
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await dropSchema(schema);
  });

  const linkTo = (sha256 = sha256Of(big), tenant = 'demo') => links.link({ sha256, tenant, name: NAME, mediaType: 'application/pdf' });
  const withParam = (url: string, key: string, value: string) => {
    const u = new URL(url);
    u.searchParams.set(key, value);
    return u.toString();
  };

  it('serves a valid link with type, length, disposition, ETag and private caching; HEAD without the body', async () => {
    const url = await linkTo();
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/files/${sha256Of(big)}\\?t=demo&n=.+&m=application%2Fpdf&e=\\d+&s=[A-Za-z0-9_-]{43}$`));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(['content-type', 'content-length', 'etag', 'cache-control', 'x-content-type-options'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(big.length),
      etag: `"${sha256Of(big)}"`,
      'cache-control': 'private',
      'x-content-type-options': 'nosniff',
    });
    expect(res.headers.get('content-disposition')).toBe(contentDisposition(NAME));
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);

    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(big.length), 0]);
    const cached = await fetch(url, { headers: { 'if-none-match': `"${sha256Of(big)}"` } });
    expect(cached.status).toBe(304);
  });

  it('writes the name as RFC 5987 UTF-8 with an ASCII fallback', () => {
    expect(contentDisposition(NAME)).toBe(
      `attachment; filename="${NAME.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(NAME).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
    expect(contentDisposition('a"b\\c.txt')).toBe(`attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`);
    expect(contentDisposition("it's.txt")).toContain("filename*=UTF-8''it%27s.txt");
  });

  it('answers 403 with a JSON error for tampered, expired, foreign-tenant and malformed links, 404 for unknown content', async () => {
    const url = await linkTo();
    const status = async (u: string) => {
      const r = await fetch(u);
      return [r.status, ((await r.json()) as { error: string }).error];
    };
    expect(await status(withParam(url, 'n', 'other.pdf'))).toEqual([403, 'the download link is not valid (its signature does not match)']);
    expect(await status(withParam(url, 't', 'other'))).toEqual([403, 'the download link is not valid (its signature does not match)']);
    expect(await status(withParam(url, 'm', 'text/html'))).toEqual([403, 'the download link is not valid (its signature does not match)']);
    expect(await status(withParam(url, 'e', String(Number(new URL(url).searchParams.get('e')) + 1)))).toEqual([403, 'the download link is not valid (its signature does not match)']);
    expect(await status(withParam(url, 's', 'A'.repeat(43)))).toEqual([403, 'the download link is not valid (its signature does not match)']);
    expect(await status(url.replace(sha256Of(big), sha256Of('other content')))).toEqual([403, 'the download link is not valid (its signature does not match)']);
    expect((await status(url.replace(/&s=.*$/, '')))[0]).toBe(403);
    expect((await status(`${url}&t=demo`))[0]).toBe(403);

    const realNow = links.now;
    links.now = () => realNow() - 7200_000;
    const old = await linkTo();
    links.now = realNow;
    expect(await status(old)).toEqual([403, 'the download link has expired; ask for the file again']);

    // Signed with this hub's key for a tenant it does not have (e.g. a link from another deployment's config).
    const elsewhere = new DownloadLinks(parseHubConfig(`${CONFIG_YAML}  ghost: { name: Ghost }\n`, 'g.yaml', {}), env, new FileLinkKeyRepository(db));
    elsewhere.useListeningPort(links['port' as keyof DownloadLinks] as unknown as number);
    expect(await status(await elsewhere.link({ sha256: sha256Of(big), tenant: 'ghost', name: 'a.pdf', mediaType: 'application/pdf' }))).toEqual([
      403,
      'the download link is not valid for any tenant of this hub',
    ]);

    expect(await status(await linkTo(sha256Of('never stored')))).toEqual([404, "the file is not in the hub's store"]);
    // The signature never reaches the log.
    const signature = new URL(url).searchParams.get('s') as string;
    expect(logs.join('')).not.toContain(signature);
  });

  it('keeps one generated key in the database, shared by every instance and surviving restarts; a configured key replaces it', async () => {
    const rows = await sql<{ n: number }>(schema, 'SELECT count(*)::int AS n FROM file_link_key');
    expect(rows[0].n).toBe(1);
    const url = await linkTo();
    const secondInstance = new DownloadLinks(config, env, new FileLinkKeyRepository(db));
    const q = Object.fromEntries(new URL(url).searchParams);
    expect(await secondInstance.verify(sha256Of(big), q)).toEqual({ ok: true, grant: expect.objectContaining({ tenant: 'demo', name: NAME }) });

    const keyed = parseHubConfig(`${CONFIG_YAML}`.replace('linkTtlSeconds: 3600', 'linkTtlSeconds: 3600, signingKey: { env: LINK_KEY }'), 'k.yaml', { LINK_KEY: 'x'.repeat(40) });
    const configuredKey = new DownloadLinks(keyed, env, new FileLinkKeyRepository(db));
    expect(await configuredKey.verify(sha256Of(big), q)).toEqual({ ok: false, reason: 'bad-signature' });
    const own = Object.fromEntries(new URL(await configuredKey.link({ sha256: sha256Of(big), tenant: 'demo', name: 'a', mediaType: 'text/plain' })).searchParams);
    expect(await configuredKey.verify(sha256Of(big), own)).toMatchObject({ ok: true });
    expect(await links.verify(sha256Of(big), own)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('builds links on hub.publicUrl when set, else on the listening address; valid for linkTtlSeconds', async () => {
    const fixed = new DownloadLinks(parseHubConfig(`hub: { publicUrl: 'https://hub.example/base/' }\ntenants: { demo: { name: D } }\n`, 'p.yaml', {}), env, new FileLinkKeyRepository(db));
    fixed.now = () => 1_700_000_000_000;
    const url = new URL(await fixed.link({ sha256: 'a'.repeat(64), tenant: 'demo', name: 'n', mediaType: 'text/plain' }));
    expect(`${url.origin}${url.pathname}`).toBe(`https://hub.example/base/v1/files/${'a'.repeat(64)}`);
    expect(url.searchParams.get('e')).toBe(String(1_700_000_000 + 7 * 86400));
    expect(new DownloadLinks(config, { httpHost: '10.1.2.3', httpPort: 8080 } as EnvConfig, new FileLinkKeyRepository(db)).baseUrl).toBe('http://10.1.2.3:8080');
    expect(new DownloadLinks(config, { httpHost: '::1', httpPort: 8080 } as EnvConfig, new FileLinkKeyRepository(db)).baseUrl).toBe('http://[::1]:8080');
  });

  it('hands out what HubFiles keeps: inline when small, else a link that downloads the same bytes', async () => {
    const files = new HubFiles(store, links, config);
    const small = await files.keep(Buffer.from('hello'), { tenant: 'demo', name: 'hi.txt', mediaType: 'text/plain' });
    expect(small).toEqual({ sha256: sha256Of('hello'), size: 5, name: 'hi.txt', mediaType: 'text/plain', contentBase64: Buffer.from('hello').toString('base64') });
    const large = randomBytes(700 * 1024);
    const kept = await files.keep(large, { tenant: 'demo', name: 'Скан.pdf', mediaType: 'application/pdf' });
    expect(kept).toEqual({ sha256: sha256Of(large), size: large.length, name: 'Скан.pdf', mediaType: 'application/pdf', url: expect.stringContaining(`/v1/files/${sha256Of(large)}?`) });
    const res = await fetch(kept.url as string);
    expect(Buffer.from(await res.arrayBuffer()).equals(large)).toBe(true);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="____.pdf"; filename*=UTF-8''${encodeURIComponent('Скан.pdf')}`);
  });
});
