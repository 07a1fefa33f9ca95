import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { Client } from 'pg';
import { startTestTsa, type TestTsa } from '../../test/helpers/tsa.helper';
import { runCli } from '../cli/main';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { parseHubConfig } from '../config/hub-config.loader';
import { FILE_STORE, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import { CaseAccessService } from '../portal/case-access.service';
import { EvidenceController } from '../portal/evidence.controller';
import { createFileStore } from '../files/file-store.factory';
import type { FileStore } from '../files/file-store.port';
import { MetricsService } from '../metrics/metrics.service';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { type JournalEntry, JournalRepository } from '../persistence/journal.repository';
import { stableUuid } from '../persistence/stable.uuid';
import { ChainService } from './chain.service';
import { exportEvidencePack } from './evidence-pack.service';
import { verifyEvidencePack } from './evidence-verify.service';

/** Every entry of a ZIP, in order. */
async function entriesOf(path: string): Promise<{ name: string; bytes: Buffer }[]> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true });
  const out: { name: string; bytes: Buffer }[] = [];
  for await (const e of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(e)) chunks.push(c as Buffer);
    out.push({ name: e.fileName, bytes: Buffer.concat(chunks) });
  }
  zip.close();
  return out;
}

/** Writes a ZIP with these entries (as an attacker who rebuilt the pack would). */
async function writeZip(path: string, entries: { name: string; bytes: Buffer }[]): Promise<void> {
  const zip = new ZipFile();
  for (const e of entries) zip.addBuffer(e.bytes, e.name);
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(path)).on('finish', resolve).on('error', reject));
}

/**
 * Medium tier: a case's evidence pack from the real PostgreSQL, time-stamped by a real RFC 3161
 * authority (openssl ts), checked offline; then every file of the pack changed by one byte.
 */
describe('evidence pack', () => {
  const schema = uniqueName('evidencetest');
  let db: DataSource;
  let tsa: TestTsa;
  let files: FileStore;
  let dir: string;
  let pack: string;
  let mineId: string;
  let chainer: ChainService;
  const caseRef = `EP-${randomUUID()}`;
  const fileContent = Buffer.from(`scan of a letter ${randomUUID()}`);
  const fileSha = createHash('sha256').update(fileContent).digest('hex');

  function entry(tenant: string, ref: string, extra: Record<string, unknown> = {}): JournalEntry {
    const eventId = randomUUID();
    return {
      id: randomUUID(),
      direction: 'in',
      via: 'amqp',
      status: 'accepted',
      tenant,
      source: 'urn:test',
      eventId,
      type: 'appeal.submitted',
      subject: ref,
      dedupeKey: `urn:test\n${eventId}`,
      routes: [],
      opensCase: { caseId: stableUuid(`${tenant}\nappeal\n${ref}`), caseTakenErrors: () => [] },
      body: Buffer.from(JSON.stringify({ id: eventId, tenant, subject: ref, data: { caseRef: ref, text: `private text of ${ref}`, ...extra } })),
      bodySize: 1,
      bodyTruncated: false,
    };
  }

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema, instanceId: uniqueName('pack') }, 4);
    await db.initialize();
    tsa = await startTestTsa();
    dir = await mkdtemp(join(tmpdir(), 'hub-pack-'));
    files = createFileStore({ kind: 'postgres' }, poolOf(db));
    await files.put(fileContent, { maxBytes: 1024 * 1024 });
    const journal = new JournalRepository(db);
    const other = `EP-OTHER-${randomUUID()}`;
    const mine = entry('kyiv', caseRef, { files: [{ name: 'letter.pdf', sha256: fileSha, size: fileContent.length }] });
    mineId = mine.id;
    const opening = (e: JournalEntry, ref: string) => ({
      journalId: e.id,
      caseId: e.opensCase?.caseId as string,
      tenant: 'kyiv',
      kind: 'appeal' as const,
      caseRef: ref,
      status: 'submitted',
      statusAt: new Date().toISOString(),
      actor: 'portal:urn:test',
    });
    const before = entry('kyiv', other);
    await journal.store([before], [], [opening(before, other)]);
    await journal.store([mine], [], [opening(mine, caseRef)]);
    // Another case's entry after ours: in the segment as hashes only.
    const after = { ...entry('kyiv', other), opensCase: undefined };
    await journal.store([after], [], []);
    chainer = new ChainService(
      db,
      new MetricsService(),
      { evidence: { chain: true, chainIntervalMs: 1000, timestamping: { url: tsa.url, intervalSeconds: 60, maxEntries: 1000, timeoutMs: 10000 } } } as HubConfig,
      { databaseUrl: databaseUrl(), databaseSchema: schema } as EnvConfig,
      pino({ level: 'silent' }),
    );
    expect((await chainer.round()).checkpoint).toBeDefined();
    pack = join(dir, 'pack.zip');
    const summary = await exportEvidencePack(poolOf(db), files, 'kyiv', caseRef, () => createWriteStream(pack));
    expect(summary).toMatchObject({ entries: 2, unchained: 0, files: 1 });
    expect((summary as { checkpoint?: string }).checkpoint).toBeDefined();
  });
  afterAll(async () => {
    await db?.destroy();
    await tsa?.close();
    await dropSchema(schema);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the case, its file, the segment, the token and the manifest, and nothing of the other case', async () => {
    const names = (await entriesOf(pack)).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['README-verify.txt', 'case.json', 'chain-segment.json', 'manifest.json', `files/${fileSha}`]));
    expect(names.some((n) => /^checkpoints\/[0-9]+\.tsr$/.test(n))).toBe(true);
    const entries = await entriesOf(pack);
    const kase = JSON.parse((entries.find((e) => e.name === 'case.json') as { bytes: Buffer }).bytes.toString('utf8')) as { entries: { body?: string | null }[] };
    const bodies = kase.entries.map((e) => (e.body ? Buffer.from(e.body, 'base64').toString('utf8') : '')).join('\n');
    expect(bodies).toContain(`private text of ${caseRef}`);
    const all = `${Buffer.concat(entries.map((e) => e.bytes)).toString('utf8')}\n${bodies}`;
    expect(all).not.toContain('EP-OTHER');
  });

  it('an intact pack verifies offline, without any database setting', async () => {
    const saved = { ...process.env };
    try {
      delete process.env.DATABASE_URL;
      process.env.PGHOST = '192.0.2.1'; // TEST-NET: any connection attempt would hang and fail
      const out: string[] = [];
      expect(
        await runCli(
          ['evidence', 'verify', pack, '--trust', await caFile()],
          (s) => out.push(s),
          (s) => out.push(s),
        ),
      ).toBe(0);
      expect(out.join('')).toMatch(/OK/);
      expect(out.join('')).toMatch(/time-stamped/);
    } finally {
      process.env = saved;
    }
  });

  async function caFile(): Promise<string> {
    const p = join(dir, 'ca.pem');
    await writeFile(p, tsa.caPem);
    return p;
  }

  it.each(['README-verify.txt', 'case.json', 'chain-segment.json', 'manifest.json', 'checkpoint.json', 'checkpoint.tsr', 'file'])('one byte changed in %s is named', async (which) => {
    const entries = await entriesOf(pack);
    const target = entries.find((e) =>
      which === 'file' ? e.name.startsWith('files/') : which.startsWith('checkpoint.') ? e.name.startsWith('checkpoints/') && e.name.endsWith(which.slice('checkpoint'.length)) : e.name === which,
    ) as { name: string; bytes: Buffer };
    const bytes = Buffer.from(target.bytes);
    // A digit or letter inside the content (not JSON punctuation), so the file still parses where it is JSON.
    let at = Math.floor(bytes.length / 2);
    while (which.endsWith('.json') && !/[0-9a-f]/.test(String.fromCharCode(bytes[at]))) at++;
    bytes[at] = bytes[at] === 0x30 ? 0x31 : /[0-9a-f]/.test(String.fromCharCode(bytes[at])) ? 0x30 : bytes[at] ^ 1;
    const tampered = join(dir, `tampered-${which}.zip`);
    await writeZip(
      tampered,
      entries.map((e) => (e === target ? { name: e.name, bytes } : e)),
    );
    const r = await verifyEvidencePack(tampered);
    expect(r.ok).toBe(false);
    expect(r.broken).toContain(target.name);
  });

  it('refuses hostile ZIPs: path traversal, unknown names, duplicates, garbage', async () => {
    const entries = await entriesOf(pack);
    // yazl refuses to write "../" names, so the name is patched into the bytes afterwards.
    const evil = join(dir, 'evil.zip');
    await writeZip(evil, [...entries, { name: 'files/XXXXXXXXXXXXXXXX', bytes: Buffer.from('x') }]);
    const raw = await readFile(evil);
    for (let i = raw.indexOf('files/XXXXXXXXXXXXXXXX'); i >= 0; i = raw.indexOf('files/XXXXXXXXXXXXXXXX', i + 1)) raw.write('../../../../etc/pwnd', i, 'latin1');
    await writeFile(evil, raw);
    expect((await verifyEvidencePack(evil)).ok).toBe(false);
    const extra = join(dir, 'extra.zip');
    await writeZip(extra, [...entries, { name: 'run-me.sh', bytes: Buffer.from('rm -rf /') }]);
    expect((await verifyEvidencePack(extra)).broken).toMatch(/unexpected file/);
    const garbage = join(dir, 'garbage.zip');
    await writeFile(garbage, Buffer.from('PK\u0003\u0004 not really a zip'));
    expect((await verifyEvidencePack(garbage)).ok).toBe(false);
    const whole = await readFile(pack);
    const cut = join(dir, 'cut.zip');
    await writeFile(cut, whole.subarray(0, whole.length - 30));
    expect((await verifyEvidencePack(cut)).ok).toBe(false);
  });

  it('GET /v1/evidence/{tenant}/{caseRef}.zip: the pack for a reader of the tenant, 401/403/404 otherwise', async () => {
    const config = parseHubConfig(`tenants:\n  kyiv: { name: Kyiv, ingressTokens: [{ env: KYIV_T }] }\n  lviv: { name: Lviv, ingressTokens: [{ env: LVIV_T }] }\n`, 'evidence.yaml', {
      KYIV_T: 'kyiv-token-0123456789',
      LVIV_T: 'lviv-token-0123456789',
    });
    @Module({
      controllers: [EvidenceController],
      providers: [
        { provide: HUB_CONFIG, useValue: config },
        { provide: LOGGER, useValue: pino({ level: 'silent' }) },
        { provide: DataSource, useValue: db },
        { provide: FILE_STORE, useValue: files },
        CaseAccessService,
      ],
    })
    class EvidenceTestModule {}
    const app: INestApplication = await NestFactory.create(EvidenceTestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/v1/evidence`;
      const get = (path: string, token?: string) => fetch(`${base}/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const ok = await get(`kyiv/${encodeURIComponent(caseRef)}.zip`, 'kyiv-token-0123456789');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/zip');
      expect(ok.headers.get('cache-control')).toBe('no-store');
      const viaHttp = join(dir, 'http.zip');
      await writeFile(viaHttp, Buffer.from(await ok.arrayBuffer()));
      expect(await verifyEvidencePack(viaHttp)).toMatchObject({ ok: true });
      expect((await get(`kyiv/${caseRef}.zip`)).status).toBe(401);
      expect((await get(`kyiv/${caseRef}.zip`, 'lviv-token-0123456789')).status).toBe(403);
      expect((await get(`kyiv/EP-NOPE.zip`, 'kyiv-token-0123456789')).status).toBe(404);
      expect((await get(`kyiv/${caseRef}`, 'kyiv-token-0123456789')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('a row changed in the database (one byte, triggers off) makes the exported pack fail verify, naming the entry', async () => {
    const [row] = await sql<{ id: string; event_id: string }>(schema, 'SELECT id::text, event_id FROM journal WHERE id = $1', [mineId]);
    const superuser = async (text: string, params: unknown[]) => {
      const c = new Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
      await c.connect();
      try {
        await c.query('SET session_replication_role = replica');
        await c.query(text, params);
      } finally {
        await c.end();
      }
    };
    const forged = row.event_id.slice(0, -1) + (row.event_id.endsWith('0') ? '1' : '0');
    await superuser('UPDATE journal SET event_id = $2 WHERE id = $1', [mineId, forged]);
    try {
      const p = join(dir, 'from-tampered-db.zip');
      await exportEvidencePack(poolOf(db), files, 'kyiv', caseRef, () => createWriteStream(p));
      const r = await verifyEvidencePack(p);
      expect(r.ok).toBe(false);
      expect(r.broken).toMatch(new RegExp(`case.json: journal ${mineId} \\(seq \\d+\\): row_digest differs`));
    } finally {
      await superuser('UPDATE journal SET event_id = $2 WHERE id = $1', [mineId, row.event_id]);
    }
  });

  it('a pack whose body was erased (with its audit line) still verifies; the erased body is not in it', async () => {
    await new JournalRepository(db).eraseBody(mineId, 'data protection request 7', 'dpo:test');
    await chainer.round();
    const erased = join(dir, 'erased.zip');
    expect(await exportEvidencePack(poolOf(db), files, 'kyiv', caseRef, () => createWriteStream(erased))).toMatchObject({ entries: 3, unchained: 0 });
    const kase = JSON.parse(((await entriesOf(erased)).find((e) => e.name === 'case.json') as { bytes: Buffer }).bytes.toString('utf8')) as { entries: { rowId: string; body?: string | null }[] };
    expect(kase.entries.find((e) => e.rowId === mineId)?.body).toBeNull();
    // The case's file is referenced only by the erased body: it is no longer shipped.
    expect((await entriesOf(erased)).some((e) => e.name.startsWith('files/'))).toBe(false);
    const r = await verifyEvidencePack(erased);
    expect(r).toMatchObject({ ok: true });
    // The erasure line came after the last checkpoint.
    expect(r.notes.join('\n')).toMatch(/no checkpoint covers/);
  });

  it('leaves out an entry the chainer has not reached yet, and says so', async () => {
    await new JournalRepository(db).store([{ ...entry('kyiv', caseRef), opensCase: undefined, type: 'appeal.document-added' } as JournalEntry], [], []);
    const p = join(dir, 'newer.zip');
    expect(await exportEvidencePack(poolOf(db), files, 'kyiv', caseRef, () => createWriteStream(p))).toMatchObject({ unchained: 1 });
    const r = await verifyEvidencePack(p);
    expect(r.ok).toBe(true);
    expect(r.notes.join('\n')).toMatch(/1 newer entry was not chained yet/);
  });

  it('answers 404-like undefined for a case the tenant does not have', async () => {
    expect(await exportEvidencePack(poolOf(db), files, 'kyiv', 'EP-NOPE', () => createWriteStream(join(dir, 'nope.zip')))).toBeUndefined();
    expect(await exportEvidencePack(poolOf(db), files, 'lviv', caseRef, () => createWriteStream(join(dir, 'nope.zip')))).toBeUndefined();
  });
});
