import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { startTestTsa, type TestTsa } from '../../test/helpers/tsa.helper';
import { CaseRepository } from '../cases/case.repository';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { MetricsService } from '../metrics/metrics.service';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { type CaseOpening, type JournalEntry, JournalRepository } from '../persistence/journal.repository';
import { stableUuid } from '../persistence/stable.uuid';
import { ChainRepository } from './chain.repository';
import { ChainService } from './chain.service';
import { verifyJournal } from './journal-verify.service';
import { runCli } from '../cli/main';

/**
 * Medium tier: the hash chain against the real PostgreSQL. Each describe its own schema. Tamper
 * scenarios act as a superuser would: `session_replication_role = replica` switches the
 * append-only triggers off for that session.
 */
describe('evidence chain', () => {
  const schema = uniqueName('chaintest');
  let db: DataSource;
  let journal: JournalRepository;
  let chain: ChainRepository;

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema, instanceId: uniqueName('chain') }, 4);
    await db.initialize();
    journal = new JournalRepository(db);
    chain = new ChainRepository(poolOf(db));
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  /** A submission (journal entry + case opening with its audit line) for a tenant. */
  function submission(tenant: string, caseRef = `EP-${randomUUID()}`): { entry: JournalEntry; opening: CaseOpening } {
    const id = randomUUID();
    const eventId = randomUUID();
    const caseId = stableUuid(`${tenant}\nappeal\n${caseRef}`);
    return {
      entry: {
        id,
        direction: 'in',
        via: 'amqp',
        status: 'accepted',
        tenant,
        source: 'urn:test',
        eventId,
        type: 'appeal.submitted',
        subject: caseRef,
        dedupeKey: `urn:test\n${eventId}`,
        routes: ['edms'],
        opensCase: { caseId, caseTakenErrors: () => [] },
        body: Buffer.from(JSON.stringify({ id: eventId, tenant, subject: caseRef, data: { caseRef, text: `private text of ${caseRef}` } })),
        bodySize: 10,
        bodyTruncated: false,
      },
      opening: { journalId: id, caseId, tenant, kind: 'appeal', caseRef, status: 'submitted', statusAt: new Date().toISOString(), actor: 'portal:urn:test' },
    };
  }
  const store = async (subs: { entry: JournalEntry; opening: CaseOpening }[]) =>
    journal.store(
      subs.map((s) => s.entry),
      [],
      subs.map((s) => s.opening),
    );
  const links = async (tenant: string) =>
    sql<{ seq: string; kind: string; row_id: string }>(schema, 'SELECT seq::text, kind, row_id FROM chain_entry WHERE tenant = $1 ORDER BY chain_entry.seq', [tenant]);
  const asSuperuser = async (text: string, params: unknown[] = []) => {
    const c = new Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
    await c.connect();
    try {
      await c.query('SET session_replication_role = replica');
      return (await c.query(text, params)).rows;
    } finally {
      await c.end();
    }
  };

  it('chains the journal and audit rows of two tenants, each in its own chain, in order', async () => {
    const a = [submission('kyiv'), submission('kyiv')];
    const b = [submission('lviv')];
    await store([...a, ...b]);
    const r = await chain.chainRound();
    expect(r.chained).toBeGreaterThanOrEqual(6);
    const kyiv = await links('kyiv');
    expect(kyiv.map((l) => Number(l.seq))).toEqual([1, 2, 3, 4]);
    expect(
      kyiv
        .filter((l) => l.kind === 'journal')
        .map((l) => l.row_id)
        .sort(),
    ).toEqual(a.map((s) => s.entry.id).sort());
    expect(kyiv.filter((l) => l.kind === 'audit')).toHaveLength(2);
    expect((await links('lviv')).map((l) => l.kind).sort()).toEqual(['audit', 'journal']);
    // Nothing new: a round chains nothing, and the chains verify.
    expect((await chain.chainRound()).chained).toBe(0);
    expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true, broken: [] });
  });

  it('puts rows without a tenant (provider callbacks) on the hub chain', async () => {
    const c = await poolOf(db).connect();
    const id = randomUUID();
    try {
      await journal.insertCallback(c, { id, via: 'webhook:sms-twilio', status: 'accepted', body: Buffer.from('{"x":1}'), bodySize: 7 });
    } finally {
      c.release();
    }
    await chain.chainRound();
    expect((await links('_hub')).map((l) => l.row_id)).toContain(id);
  });

  it('chains a rejection naming a malformed tenant on the hub chain', async () => {
    const bad = { ...submission('kyiv').entry, tenant: 'Kyiv\u001b[2J; DROP TABLE', status: 'rejected' as const, dedupeKey: undefined, opensCase: undefined, routes: [] };
    await journal.store([bad], [], []);
    await chain.chainRound();
    expect((await links('_hub')).map((l) => l.row_id)).toContain(bad.id);
    expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
  });

  it('does not skip a transaction that commits after a later one', async () => {
    const early = new Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
    await early.connect();
    try {
      const lateId = randomUUID();
      await early.query('BEGIN');
      // This transaction takes its xid first and commits last.
      await journal.insertCallback(early as never, { id: lateId, via: 'webhook:late', status: 'accepted', body: Buffer.from('late'), bodySize: 4 });
      const quick = submission('kyiv');
      await store([quick]);
      await chain.chainRound();
      const chained = (await links('kyiv')).map((l) => l.row_id);
      expect(chained).toContain(quick.entry.id);
      expect((await links('_hub')).map((l) => l.row_id)).not.toContain(lateId);
      await early.query('COMMIT');
      await chain.chainRound();
      expect((await links('_hub')).map((l) => l.row_id)).toContain(lateId);
    } finally {
      await early.end();
    }
    const all = await sql<{ n: number; d: number }>(schema, 'SELECT count(*)::int AS n, count(DISTINCT (kind, row_id))::int AS d FROM chain_entry');
    expect(all[0].n).toBe(all[0].d);
    expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
  });

  it('resumes after a restart of the chainer without gaps or duplicates', async () => {
    await store([submission('kyiv'), submission('lviv')]);
    // A "restarted" chainer: another pool, nothing in memory.
    const other = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema, instanceId: uniqueName('restart') }, 2);
    await other.initialize();
    try {
      await new ChainRepository(poolOf(other)).chainRound();
      await store([submission('kyiv')]);
      await new ChainRepository(poolOf(other)).chainRound();
    } finally {
      await other.destroy();
    }
    const seqs = (await links('kyiv')).map((l) => Number(l.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const unchained = await chain.unchained(5);
    expect(unchained).toEqual([]);
    expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
  });

  it('cabinet-hub journal verify prints each chain and exits 0, then 1 naming the broken link', async () => {
    const saved = { ...process.env };
    const cli = async (args: string[]) => {
      let out = '';
      const code = await runCli(
        args,
        (x) => (out += x),
        (x) => (out += x),
      );
      return { code, out };
    };
    try {
      Object.assign(process.env, { DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: schema });
      const ok = await cli(['journal', 'verify']);
      expect(ok).toMatchObject({ code: 0, out: expect.stringMatching(/chain kyiv: \d+ entries[\s\S]*journal: OK/) });
      const [row] = await sql<{ id: string; source: string }>(schema, `SELECT id::text, source FROM journal WHERE tenant = 'lviv' LIMIT 1`);
      await asSuperuser(`UPDATE journal SET source = 'urn:forged' WHERE id = $1`, [row.id]);
      const broken = await cli(['journal', 'verify', '--tenant', 'lviv']);
      expect(broken.code).toBe(1);
      expect(broken.out).toMatch(new RegExp(`BROKEN: chain lviv seq \\d+ journal ${row.id}: row_digest differs`));
      await asSuperuser(`UPDATE journal SET source = $2 WHERE id = $1`, [row.id, row.source]);
    } finally {
      process.env = saved;
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the journal, the audit trail and the chain', async () => {
    const [row] = await sql<{ id: string }>(schema, 'SELECT id::text FROM journal LIMIT 1');
    await expect(sql(schema, `UPDATE journal SET type = 'x' WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(sql(schema, `UPDATE journal SET body = NULL WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(sql(schema, `DELETE FROM journal WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(sql(schema, `TRUNCATE journal CASCADE`)).rejects.toThrow(/append-only/);
    await expect(sql(schema, `UPDATE audit_log SET new_value = 'x'`)).rejects.toThrow(/append-only/);
    await expect(sql(schema, `DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(sql(schema, `TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    await expect(sql(schema, `UPDATE chain_entry SET hash_v = 2`)).rejects.toThrow(/append-only/);
    await expect(sql(schema, `DELETE FROM chain_entry`)).rejects.toThrow(/append-only/);
    await expect(sql(schema, `TRUNCATE chain_entry`)).rejects.toThrow(/append-only/);
  });

  describe('journal verify names the first broken link', () => {
    let victim: { entry: JournalEntry; opening: CaseOpening };
    beforeAll(async () => {
      victim = submission('kyiv');
      await store([victim, submission('kyiv')]);
      await chain.chainRound();
      expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
    });
    afterEach(async () => {
      // Every scenario leaves the journal as it found it.
      expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
    });

    it('one byte of a body', async () => {
      const [{ body }] = await sql<{ body: Buffer }>(schema, 'SELECT body FROM journal WHERE id = $1', [victim.entry.id]);
      const changed = Buffer.from(body);
      changed[changed.length - 3] ^= 1;
      await asSuperuser('UPDATE journal SET body = $2 WHERE id = $1', [victim.entry.id, changed]);
      const r = await verifyJournal(poolOf(db));
      expect(r.ok).toBe(false);
      expect(r.broken[0]).toMatchObject({ tenant: 'kyiv', kind: 'journal', rowId: victim.entry.id, problem: expect.stringMatching(/body differs/) });
      await asSuperuser('UPDATE journal SET body = $2 WHERE id = $1', [victim.entry.id, body]);
    });

    it('the type of an entry', async () => {
      await asSuperuser(`UPDATE journal SET type = 'appeal.answered' WHERE id = $1`, [victim.entry.id]);
      const r = await verifyJournal(poolOf(db), { tenant: 'kyiv' });
      expect(r.broken[0]).toMatchObject({ rowId: victim.entry.id, problem: expect.stringMatching(/row_digest differs/) });
      expect(r.broken[0].seq).toBeGreaterThan(0);
      await asSuperuser(`UPDATE journal SET type = 'appeal.submitted' WHERE id = $1`, [victim.entry.id]);
    });

    it('an audit line', async () => {
      const [a] = await sql<{ id: string; new_value: string }>(schema, 'SELECT id::text, new_value FROM audit_log WHERE journal_id = $1', [victim.entry.id]);
      await asSuperuser(`UPDATE audit_log SET new_value = 'answered' WHERE id = $1`, [a.id]);
      expect((await verifyJournal(poolOf(db))).broken[0]).toMatchObject({ kind: 'audit', rowId: a.id });
      await asSuperuser(`UPDATE audit_log SET new_value = $2 WHERE id = $1`, [a.id, a.new_value]);
    });

    it('a deleted row, and a row slipped in with the triggers off', async () => {
      await asSuperuser(`CREATE TABLE saved_row AS SELECT * FROM journal WHERE id = $1`.replace('$1', `'${victim.entry.id}'`));
      await asSuperuser(`DELETE FROM journal WHERE id = $1`, [victim.entry.id]);
      expect((await verifyJournal(poolOf(db))).broken[0]).toMatchObject({ rowId: victim.entry.id, problem: expect.stringMatching(/missing/) });
      await asSuperuser(`INSERT INTO journal SELECT * FROM saved_row`);
      await asSuperuser(`DROP TABLE saved_row`);
      // A row inserted behind the chainer's back, with a transaction id it has passed already.
      const ghost = randomUUID();
      await asSuperuser(`INSERT INTO journal (id, direction, via, status, body_size, tx) VALUES ($1, 'in', 'forged', 'accepted', 0, '3'::xid8)`, [ghost]);
      expect((await verifyJournal(poolOf(db))).broken).toContainEqual(expect.objectContaining({ rowId: ghost, problem: expect.stringMatching(/no chain holds/) }));
      await asSuperuser(`DELETE FROM journal WHERE id = $1`, [ghost]);
    });

    it('a chain head removed', async () => {
      const [h] = await sql<{ tenant: string; seq: string; entry_hash: Buffer; checkpointed_seq: string }>(schema, `SELECT * FROM chain_head WHERE tenant = 'lviv'`);
      await sql(schema, `DELETE FROM chain_head WHERE tenant = 'lviv'`);
      expect((await verifyJournal(poolOf(db))).broken).toContainEqual({ tenant: 'lviv', problem: expect.stringMatching(/no chain_head/) });
      await sql(schema, 'INSERT INTO chain_head VALUES ($1, $2, $3, $4)', [h.tenant, h.seq, h.entry_hash, h.checkpointed_seq]);
    });

    it('a chain link removed', async () => {
      const [l] = await sql<Record<string, unknown>>(schema, `SELECT * FROM chain_entry WHERE tenant = 'kyiv' AND seq = 2`);
      await asSuperuser(`DELETE FROM chain_entry WHERE tenant = 'kyiv' AND seq = 2`);
      expect((await verifyJournal(poolOf(db))).broken[0]).toMatchObject({ tenant: 'kyiv', seq: 3, problem: expect.stringMatching(/follows seq 1/) });
      await asSuperuser(`INSERT INTO chain_entry (tenant, seq, kind, row_id, row_digest, payload_digest, prev_hash, entry_hash, hash_v, chained_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
        l.tenant,
        l.seq,
        l.kind,
        l.row_id,
        l.row_digest,
        l.payload_digest,
        l.prev_hash,
        l.entry_hash,
        l.hash_v,
        l.chained_at,
      ]);
    });
  });

  it('erases a body for data protection and the chain still verifies', async () => {
    const s = submission('kyiv');
    await store([s]);
    await expect(journal.eraseBody(s.entry.id, 'GDPR art. 17 request 2026-41', 'operator:test')).rejects.toMatchObject({ code: 'HC004' });
    await chain.chainRound();
    await expect(journal.eraseBody(s.entry.id, '', 'operator:test')).rejects.toMatchObject({ code: 'HC003' });
    await journal.eraseBody(s.entry.id, 'GDPR art. 17 request 2026-41', 'operator:test');
    expect((await sql<{ body: Buffer | null }>(schema, 'SELECT body FROM journal WHERE id = $1', [s.entry.id]))[0].body).toBeNull();
    const [line] = await sql<{ id: string; new_value: string; actor: string }>(schema, `SELECT id::text, new_value, actor FROM audit_log WHERE entity = 'journal' AND entity_id = $1`, [s.entry.id]);
    expect(line).toMatchObject({ new_value: 'erased: GDPR art. 17 request 2026-41', actor: 'operator:test' });
    await chain.chainRound();
    expect((await links('kyiv')).map((l) => l.row_id)).toContain(line.id);
    expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
  });

  it('an audit line of a case opened by a result lands on its tenant', async () => {
    const c = await poolOf(db).connect();
    try {
      await c.query('BEGIN');
      const kase = await new CaseRepository().lockForResult(c, 'lviv', 'appeal', `EP-${randomUUID()}`);
      await new CaseRepository().audit(c, kase.id, [{ attribute: 'status', oldValue: 'submitted', newValue: 'registered' }], 'edms', randomUUID());
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    await chain.chainRound();
    expect(await verifyJournal(poolOf(db), { tenant: 'lviv' })).toMatchObject({ ok: true });
  });

  describe('checkpoints with a real RFC 3161 authority (openssl ts)', () => {
    let tsa: TestTsa;
    const witnessDir = join(tmpdir(), uniqueName('witness'));
    const service = (metrics = new MetricsService()) =>
      new ChainService(
        db,
        metrics,
        {
          evidence: {
            chain: true,
            chainIntervalMs: 1000,
            timestamping: { url: tsa.url, intervalSeconds: 60, maxEntries: 1000, timeoutMs: 10000 },
            witnessDir,
          },
        } as HubConfig,
        { databaseUrl: databaseUrl(), databaseSchema: schema } as EnvConfig,
        pino({ level: 'silent' }),
      );
    beforeAll(async () => {
      tsa = await startTestTsa();
    });
    afterAll(async () => {
      await tsa?.close();
      await rm(witnessDir, { recursive: true, force: true });
    });

    it('time-stamps every moved head with one token, stores it, writes the witness copy, and verify checks it', async () => {
      await store([submission('kyiv'), submission('lviv')]);
      const s = service();
      const r = await s.round(new Date());
      expect(r.chained).toBeGreaterThan(0);
      expect(r.checkpoint).toBeDefined();
      expect(tsa.issued).toBe(1);
      const heads = await sql<{ tenant: string }>(schema, 'SELECT tenant FROM chain_checkpoint_head WHERE checkpoint_id = $1 ORDER BY tenant', [r.checkpoint?.id]);
      expect(heads.map((h) => h.tenant)).toEqual(expect.arrayContaining(['kyiv', 'lviv']));
      expect(await readdir(witnessDir)).toContain(`checkpoint-${(r.checkpoint?.id ?? '').padStart(12, '0')}.json`);
      const v = await verifyJournal(poolOf(db));
      expect(v).toMatchObject({ ok: true });
      expect(v.chains.find((c) => c.tenant === 'kyiv')?.checkpoints).toBeGreaterThan(0);
      // Nothing moved: no new token.
      expect((await s.round(new Date(Date.now() + 3600_000))).checkpoint).toBeUndefined();
    });

    it('a failing authority is retried at the next round; the ingress never waits for it', async () => {
      await store([submission('kyiv')]);
      const metrics = new MetricsService();
      const s = service(metrics);
      tsa.failing = true;
      const later = new Date(Date.now() + 3600_000);
      expect((await s.round(later)).checkpoint).toBeUndefined();
      expect((await metrics.registry.getSingleMetric('hub_evidence_checkpoint_failures_total')?.get())?.values[0].value).toBe(1);
      tsa.failing = false;
      expect((await s.round(new Date(later.getTime() + 60_000))).checkpoint).toBeDefined();
      expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
    });

    it('a checkpoint token that no longer matches its head is reported', async () => {
      const [cp] = await sql<{ id: string; tsr: Buffer }>(schema, 'SELECT id::text, tsr FROM chain_checkpoint ORDER BY id LIMIT 1');
      const changed = Buffer.from(cp.tsr);
      changed[changed.length - 10] ^= 1;
      await asSuperuser('UPDATE chain_checkpoint SET tsr = $2 WHERE id = $1', [cp.id, changed]);
      const r = await verifyJournal(poolOf(db));
      expect(r.ok).toBe(false);
      expect(r.broken[0].problem).toMatch(new RegExp(`checkpoint ${cp.id}`));
      await asSuperuser('UPDATE chain_checkpoint SET tsr = $2 WHERE id = $1', [cp.id, cp.tsr]);
    });
  });
});
