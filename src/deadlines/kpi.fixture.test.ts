import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { inTransaction } from '../persistence/transaction.runner';
import { DeadlineRepository, type KpiRow } from './deadline.repository';
import { kpiCsv, type KpiReport } from './kpi-report.mapper';

/**
 * Medium tier: the seed-004 KPIs over a month of cases in the real PostgreSQL, against figures
 * counted by hand. Tenant kyiv (Europe/Kyiv, UTC+3 in May), period 1–31 May 2024, "now" 5 June.
 * Due instants are the end of the due day in Kyiv (20:59:59.999Z).
 *
 * | case | addressee | registered (UTC)    | taken (UTC)      | due   | answered (UTC)     | postp. | repeats |
 * |------|-----------|---------------------|------------------|-------|--------------------|--------|---------|
 * | A1   | kp        | 05-02 07:00         | 05-02 12:00      | 05-31 | 05-20 10:00        | 0      |         |
 * | A2   | kp        | 05-03 07:00         | 05-05 08:00      | 05-25 | 05-24 10:00        | 2      |         |
 * | A3   | vodokanal | 05-06 07:00         | —                | 05-28 | — (open)           | 0      |         |
 * | A4   | vodokanal | 05-10 07:00         | 05-10 09:00      | 05-15 | 05-16 09:00        | 1      | A1      |
 * | A5   | kp        | 04-25 07:00         | 04-25 08:00      | 05-10 | 05-07 10:00        | 3      |         |
 * | A6   | kp        | 05-20 07:00         | 05-20 08:00      | 06-20 | —                  | 0      |         |
 * | A7   | kp        | 05-30 22:30 (31st local) | 05-31 10:00 | 06-30 | 06-02 10:00        | 0      | A2      |
 * | A8   | vodokanal | (received 05-12 07:00) | 05-14 07:00   | 05-31 | 05-31 20:00 (23:00 local) | 0 |      |
 * | A9   | kp        | 04-01 07:00         | 04-01 08:00      | 05-01 | 05-01 21:30 (05-02 local) | 0 |      |
 * A8 is excluded from `late` with a reason.
 *
 * By hand:
 * - answered in May (local day): A1, A2, A4, A5, A8, A9 = 6.
 *   repeat: A1 (repeated by A4), A2 (by A7) = 2/6. postponed ≥ 2: A2, A5 = 2/6.
 *   solved by T−3 (answered day ≤ due − 3): A1 (05-20 ≤ 05-28), A5 (05-07 ≤ 05-07) = 2/6.
 * - due in May: A1, A2, A3, A4, A5, A8, A9; A8 excluded → 6. Late: A3 (open past 05-28), A4, A9 (21:30Z > 20:59:59Z) = 3/6.
 * - registered (else received) in May, local: A1, A2, A3, A4, A6, A7, A8 = 7. Taken within 24 h: A1, A4, A6, A7 = 4/7.
 * Per addressee — kp: answered A1 A2 A5 A9: repeat 2/4, postponed 2/4, T−3 2/4; due A1 A2 A5 A9: late 1/4 (A9);
 * registered A1 A2 A6 A7: taken 3/4 (A1 A6 A7). vodokanal: answered A4 A8: 0/2, 0/2, 0/2; due A3 A4 (A8 excluded):
 * late 2/2; registered A3 A4 A8: taken 1/3 (A4).
 */
describe('KPIs over a month of cases', () => {
  const schema = uniqueName('kpitest');
  let db: DataSource;
  const repo = new DeadlineRepository();
  const run = <T>(work: (tx: PoolClient) => Promise<T>) => inTransaction(poolOf(db), work);
  const z = (s: string) => new Date(`2024-${s.replace(' ', 'T')}:00Z`);
  const dueAt = (d: string) => new Date(`2024-${d}T20:59:59.999Z`);

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema, instanceId: uniqueName('kpi') }, 2);
    await db.initialize();
    const rows: [string, string, string | null, string | null, string | null, string, string | null, number, string[]][] = [
      // case, addressee, registered, received, taken, due, answered, postponements, repeatOf
      ['A1', 'kp', '05-02 07:00', '05-02 06:00', '05-02 12:00', '05-31', '05-20 10:00', 0, []],
      ['A2', 'kp', '05-03 07:00', '05-03 06:00', '05-05 08:00', '05-25', '05-24 10:00', 2, []],
      ['A3', 'vodokanal', '05-06 07:00', '05-06 06:00', null, '05-28', null, 0, []],
      ['A4', 'vodokanal', '05-10 07:00', '05-10 06:00', '05-10 09:00', '05-15', '05-16 09:00', 1, ['A1']],
      ['A5', 'kp', '04-25 07:00', '04-25 06:00', '04-25 08:00', '05-10', '05-07 10:00', 3, []],
      ['A6', 'kp', '05-20 07:00', '05-20 06:00', '05-20 08:00', '06-20', null, 0, []],
      ['A7', 'kp', '05-30 22:30', '05-30 22:00', '05-31 10:00', '06-30', '06-02 10:00', 0, ['A2']],
      ['A8', 'vodokanal', null, '05-12 07:00', '05-14 07:00', '05-31', '05-31 20:00', 0, []],
      ['A9', 'kp', '04-01 07:00', '04-01 06:00', '04-01 08:00', '05-01', '05-01 21:30', 0, []],
    ];
    await run(async (tx) => {
      let i = 0;
      for (const [ref, addressee, registered, received, taken, due, answered, postponements, repeatOf] of rows) {
        await repo.save(tx, {
          caseId: `00000000-0000-4000-8000-00000000000${++i}`,
          tenant: 'kyiv',
          caseRef: ref,
          profile: 'ua.appeals.art20',
          dueAt: dueAt(due),
          dueDate: `2024-${due}`,
          extensions: 0,
          ...(answered ? { answeredAt: z(answered) } : {}),
          overdue: false,
          caseVersion: 1,
          facts: {
            appealKind: 'appeal',
            addressee,
            ...(received ? { receivedAt: z(received) } : {}),
            ...(registered ? { registeredAt: z(registered) } : {}),
            ...(taken ? { takenAt: z(taken) } : {}),
            postponements,
            repeatOf,
          },
        });
      }
      // Another tenant's case never counts.
      await repo.save(tx, {
        caseId: '00000000-0000-4000-8000-0000000000ff',
        tenant: 'other',
        caseRef: 'A1',
        profile: 'ua.appeals.art20',
        dueAt: dueAt('05-02'),
        dueDate: '2024-05-02',
        extensions: 0,
        overdue: false,
        caseVersion: 1,
      });
      expect(await repo.exclude(tx, { tenant: 'kyiv', caseRef: 'A8', kpi: 'late', reason: 'the applicant asked to wait for the court', actor: 'kyiv-portal' })).toBe(true);
      expect(await repo.exclude(tx, { tenant: 'kyiv', caseRef: 'A8', kpi: 'late', reason: 'again', actor: 'kyiv-portal' })).toBe(false);
    });
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  const kpis = (byAddressee: boolean) =>
    run((tx) => repo.kpis(tx, { tenant: 'kyiv', from: '2024-05-01', to: '2024-05-31', timeZone: 'Europe/Kyiv', now: new Date('2024-06-05T00:00:00Z'), byAddressee }));
  const counts = (r: KpiRow) => ({
    repeat: [r.repeat_n, r.repeat_d],
    postponed: [r.postponed_n, r.postponed_d],
    late: [r.late_n, r.late_d],
    taken: [r.taken_n, r.taken_d],
    solvedByT3: [r.t3_n, r.t3_d],
  });

  it('equals the figures counted by hand for the tenant', async () => {
    const [all] = await kpis(false);
    expect(counts(all)).toEqual({ repeat: [2, 6], postponed: [2, 6], late: [3, 6], taken: [4, 7], solvedByT3: [2, 6] });
  });

  it('equals the figures counted by hand per addressee', async () => {
    const rows = await kpis(true);
    expect(rows.map((r) => [r.group, counts(r)])).toEqual([
      ['kp', { repeat: [2, 4], postponed: [2, 4], late: [1, 4], taken: [3, 4], solvedByT3: [2, 4] }],
      ['vodokanal', { repeat: [0, 2], postponed: [0, 2], late: [2, 2], taken: [1, 3], solvedByT3: [0, 2] }],
    ]);
  });

  it('exports CSV a spreadsheet opens safely', () => {
    const report: KpiReport = {
      tenant: 'kyiv',
      from: '2024-05-01',
      to: '2024-05-31',
      timeZone: 'Europe/Kyiv',
      by: 'addressee',
      groups: [
        {
          addressee: '=HYPERLINK("x")',
          kpis: {
            repeat: { numerator: 1, denominator: 2, share: 0.5 },
            postponed: { numerator: 0, denominator: 0, share: null },
            late: { numerator: 0, denominator: 1, share: 0 },
            taken: { numerator: 1, denominator: 1, share: 1 },
            solvedByT3: { numerator: 0, denominator: 0, share: null },
          },
        },
      ],
      computedAt: '2024-06-05T00:00:00Z',
    };
    const lines = kpiCsv(report).trim().split('\r\n');
    expect(lines[0]).toBe('tenant,from,to,addressee,kpi,numerator,denominator,share');
    expect(lines[1]).toBe(`kyiv,2024-05-01,2024-05-31,"'=HYPERLINK(""x"")",repeat,1,2,0.5`);
    expect(lines[2]).toBe(`kyiv,2024-05-01,2024-05-31,"'=HYPERLINK(""x"")",postponed,0,0,`);
  });
});
