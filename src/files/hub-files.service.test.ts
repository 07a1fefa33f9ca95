import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { MAX_INLINE_FILE_BYTES, PermanentError, TransientError } from '../../contracts';
import { digestOf, MemoryFileStore, MemoryFileTenants, refusal, sha256Of, startFileServer, type TestFileServer } from '../../test/helpers/files.helper';
import { databaseUrl, dropSchema, uniqueName } from '../../test/helpers/infra.helper';
import { parseHubConfig } from '../config/hub-config.loader';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import type { DownloadLinks } from './download-link.signer';
import { FileTenantRepository } from './file-tenant.repository';
import { PostgresFileStore } from './file-blob.repository';
import type { FileStore } from './file-store.port';
import { FileIntake, fileNameOf, fileRefsOf, type FileTenants, HubFiles } from './hub-files.service';
import { UrlFetcher } from './url.fetcher';

const b64 = (b: Buffer) => b.toString('base64');
const ref = (b: Buffer) => ({ sha256: sha256Of(b), size: b.length });

describe('HubFiles and FileIntake', () => {
  let server: TestFileServer;
  const small = Buffer.from('a small signed statement');
  const large = randomBytes(3 * 1024 * 1024 + 17);
  const links = { link: jest.fn(async (g: { sha256: string }) => `https://hub.example/v1/files/${g.sha256}?s=sig`) } as unknown as DownloadLinks;
  const yaml = (port: number) => `
hub:
  files: { maxBytes: 4194304, fetch: { maxBytes: 4194304, timeoutMs: 5000 } }
tenants:
  demo: { name: Demo, files: { allowedHosts: ['http://127.0.0.1:${port}'] } }
  other: { name: Other, files: { allowedHosts: ['http://127.0.0.1:${port}'] } }
  closed: { name: Closed }
`;
  const build = (store: FileStore, tenants: FileTenants = new MemoryFileTenants()) => {
    const config = parseHubConfig(yaml(server.port), 'files.yaml', {});
    return { files: new HubFiles(store, links, config), intake: new FileIntake(store, new UrlFetcher(store, config), tenants) };
  };

  beforeAll(async () => {
    const serve = (body: Buffer) => (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.end(body);
    };
    server = await startFileServer({ '/large': serve(large), '/small': serve(small), '/500': (_q, res) => (res.writeHead(500), res.end()) });
  });
  afterAll(() => server?.close());
  beforeEach(() => (server.requests.length = 0));

  describe('on the in-memory store', () => {
    let store: MemoryFileStore;
    let files: HubFiles;
    let intake: FileIntake;
    beforeEach(() => {
      store = new MemoryFileStore();
      ({ files, intake } = build(store));
    });

    it('opens inline content decoded and checked, without the store', async () => {
      expect(Buffer.concat(await (await files.open({ ...ref(small), contentBase64: b64(small) })).toArray()).equals(small)).toBe(true);
      expect((await refusal(files.open({ ...ref(small), size: 3, contentBase64: b64(small) }))).reason).toBe('size-mismatch');
      expect((await refusal(files.open({ ...ref(small), sha256: 'e'.repeat(64), contentBase64: b64(small) }))).reason).toBe('sha256-mismatch');
      expect(store.puts).toBe(0);
    });

    it('opens stored content, and rejects permanently what the store lacks', async () => {
      const e = await files.open(ref(large)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PermanentError);
      expect((e as { reason: string }).reason).toBe('not-stored');
      await store.put(large, { maxBytes: 1 << 30 });
      expect(await digestOf(await files.open(ref(large)))).toEqual(ref(large));
      expect((await refusal(files.open({ ...ref(large), size: 5 }))).reason).toBe('size-mismatch');
      expect((await refusal(files.open({ sha256: 'nope', size: 1 }))).reason).toBe('bad-meta');
    });

    it('keeps a stream: inline up to MAX_INLINE_FILE_BYTES, a link above, the content stored either way', async () => {
      const edge = randomBytes(MAX_INLINE_FILE_BYTES);
      const meta = { tenant: 'demo', name: 'Лист.pdf', mediaType: 'application/pdf' };
      const inPieces = (b: Buffer) => Readable.from([b.subarray(0, 1000), b.subarray(1000, 300000), b.subarray(300000)]);
      expect(await files.keep(inPieces(edge), meta)).toEqual({ ...ref(edge), ...{ name: meta.name, mediaType: meta.mediaType }, contentBase64: b64(edge) });
      const over = randomBytes(MAX_INLINE_FILE_BYTES + 1);
      expect(await files.keep(inPieces(over), meta, ref(over))).toEqual({ ...ref(over), name: meta.name, mediaType: meta.mediaType, url: `https://hub.example/v1/files/${sha256Of(over)}?s=sig` });
      expect(links.link).toHaveBeenLastCalledWith({ sha256: sha256Of(over), tenant: 'demo', name: 'Лист.pdf', mediaType: 'application/pdf' });
      expect([store.blobs.has(sha256Of(edge)), store.blobs.has(sha256Of(over))]).toEqual([true, true]);
    });

    it('refuses a kept file that does not match its expectation, is too large or names no tenant, keeping nothing', async () => {
      const meta = { tenant: 'demo', name: 'a.pdf', mediaType: 'application/pdf' };
      expect((await refusal(files.keep(small, meta, { sha256: 'a'.repeat(64) }))).reason).toBe('sha256-mismatch');
      expect((await refusal(files.keep(Readable.from([small]), meta, { size: 1 }))).reason).toBe('size-mismatch');
      expect((await refusal(files.keep(Buffer.alloc(4194305), meta))).reason).toBe('too-large');
      expect((await refusal(files.keep(small, { ...meta, tenant: 'ghost' }))).reason).toBe('bad-meta');
      expect(store.blobs.size).toBe(0);
    });

    it('makes an odd name and media type from a back office valid instead of refusing the file', async () => {
      const kept = await files.keep(small, { tenant: 'demo', name: '../Акт\n1/2.pdf', mediaType: 'PDF document' });
      expect([kept.name, kept.mediaType]).toEqual(['.._Акт_1_2.pdf', 'application/octet-stream']);
      expect(fileNameOf('')).toBe('file');
      expect(fileNameOf('a\u0000b')).toBe('a_b');
      const long = fileNameOf(`${'я'.repeat(300)}.pdf`);
      expect([long.length, long.endsWith('я.pdf')]).toEqual([255, true]);
    });

    it('ensureStored fetches a URL once, then finds it in the store; inline content is only checked', async () => {
      const r = { ...ref(large), url: `${server.url}/large` };
      expect(await intake.ensureStored('demo', r)).toEqual(ref(large));
      expect(await intake.ensureStored('demo', r)).toEqual(ref(large));
      expect(server.requests).toEqual(['/large']);
      expect(await digestOf(await files.open(ref(large)))).toEqual(ref(large));
      // The intake reads what it stored (signatures, digests) the same way.
      expect(await digestOf(await intake.open(ref(large)))).toEqual(ref(large));

      expect(await intake.ensureStored('demo', { ...ref(small), contentBase64: b64(small) })).toEqual(ref(small));
      expect(store.blobs.has(sha256Of(small))).toBe(false);
      expect((await refusal(intake.ensureStored('demo', { ...ref(small), size: 1, contentBase64: b64(small) }))).reason).toBe('size-mismatch');
      expect((await refusal(intake.ensureStored('demo', { ...ref(large), size: 1, url: `${server.url}/large` }))).reason).toBe('size-mismatch');
      expect((await refusal(intake.ensureStored('demo', ref(small)))).reason).toBe('bad-meta');
    });

    it('ensureStored never lets another tenant’s copy stand in for a fetch, and refuses a host off the list even for stored content', async () => {
      const r = { ...ref(small), url: `${server.url}/small` };
      await intake.ensureStored('demo', r);
      await intake.ensureStored('other', r);
      expect(server.requests).toEqual(['/small', '/small']);
      await intake.ensureStored('other', r);
      expect(server.requests).toHaveLength(2);
      // A tenant with no list is refused the loopback address as an IP literal it never allowed.
      expect((await refusal(intake.ensureStored('closed', r))).reason).toBe('ip-literal');
      expect((await refusal(intake.ensureStored('demo', { ...r, url: 'https://elsewhere.example/small' }))).reason).toBe('host-not-allowed');
      expect(server.requests).toHaveLength(2);
    });

    it('ensureStored refuses hosts off the list and passes transient failures on', async () => {
      expect((await refusal(intake.ensureStored('demo', { ...ref(small), url: 'https://elsewhere.example/small' }))).reason).toBe('host-not-allowed');
      await expect(intake.ensureStored('demo', { ...ref(small), url: `${server.url}/500` })).rejects.toBeInstanceOf(TransientError);
      await intake.ensureAllStored('demo', [{ ...ref(large), url: `${server.url}/large`, signatures: [{ ...ref(small), url: `${server.url}/small` }] }]);
      expect([store.blobs.has(sha256Of(large)), store.blobs.has(sha256Of(small))]).toEqual([true, true]);
    });

    it('ensureEventFiles fetches the files and signatures an event carries, in data.files and data.document', async () => {
      const signature = { ...ref(small), url: `${server.url}/small` };
      await intake.ensureEventFiles({ tenant: 'demo', data: { caseRef: 'X', files: [{ id: 'f1', ...ref(large), url: `${server.url}/large`, signatures: [signature] }] } });
      expect(server.requests).toEqual(['/large', '/small']);
      store.blobs.clear();
      await intake.ensureEventFiles({ tenant: 'demo', data: { document: { ...ref(small), url: `${server.url}/small` } } });
      await intake.ensureEventFiles({ tenant: 'demo', data: { text: 'no files' } });
      expect(server.requests).toEqual(['/large', '/small', '/small']);
      expect(fileRefsOf(undefined)).toEqual([]);
    });
  });

  describe('on the PostgreSQL store', () => {
    const schema = uniqueName('hubfiles');
    let db: DataSource;
    beforeAll(async () => {
      await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
      db = await createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema }, 4).initialize();
    });
    afterAll(async () => {
      await db?.destroy();
      await dropSchema(schema);
    });

    it('fetches a URL into the database and opens it byte-identical; what each tenant took is remembered there', async () => {
      const { files, intake } = build(new PostgresFileStore(poolOf(db)), new FileTenantRepository(db));
      await intake.ensureStored('demo', { ...ref(large), url: `${server.url}/large` });
      expect(await digestOf(await files.open(ref(large)))).toEqual(ref(large));
      expect(server.requests).toEqual(['/large']);
      // A new intake (a restarted hub) still knows what demo took, and still not what other did.
      const again = build(new PostgresFileStore(poolOf(db)), new FileTenantRepository(db)).intake;
      await again.ensureStored('demo', { ...ref(large), url: `${server.url}/large` });
      expect(server.requests).toEqual(['/large']);
      await again.ensureStored('other', { ...ref(large), url: `${server.url}/large` });
      expect(server.requests).toEqual(['/large', '/large']);
    });
  });
});
