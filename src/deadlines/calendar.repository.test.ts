import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate } from '../persistence/database.setup';
import { TransactionRunner } from '../persistence/transaction.runner';
import { computeDeadline } from './deadline.calculator';
import { CalendarRepository } from './calendar.repository';
import { CalendarChangeError, CalendarService } from './calendar.service';
import { LEGAL_PROFILES } from './legal-profile.config';

/**
 * Medium tier: calendars in the real PostgreSQL, in a schema of their own — seeding on first use,
 * loading, audited changes with version bumps, and the append-only audit.
 */
describe('CalendarService with CalendarRepository', () => {
  const schema = uniqueName('calendars');
  let db: DataSource;
  let service: CalendarService;

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema }, 4);
    await db.initialize();
    service = new CalendarService(new TransactionRunner(db), new CalendarRepository());
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  it('creates a tenant’s calendar from the vendored data once, even when asked twice at the same time', async () => {
    const [a, b] = await Promise.all([service.ensureCalendar('city-a', 'RU', 'Europe/Moscow'), service.ensureCalendar('city-a', 'RU', 'Europe/Moscow')]);
    expect(a.id).toBe(b.id);
    expect(a.version).toBe(1);
    expect(a.day('2024-04-27')).toMatchObject({ working: true, reason: 'working Saturday (day off moved to 2024-04-29)' });
    expect(a.day('2024-04-27').source).toMatch(/^xmlcalendar\/data ru\/2024\/calendar.xml at 072ff603/);
    const rows = await sql<{ n: number }>(schema, `SELECT count(*)::int AS n FROM calendar WHERE tenant = 'city-a'`);
    expect(rows[0].n).toBe(1);
    const history = await service.history('city-a', 'RU');
    expect(history.map((h) => [h.version, h.subject, h.actor])).toEqual([[1, 'seed', 'system']]);
  });

  it('stores UA with the martial-law regime and loads it back', async () => {
    const ua = await service.ensureCalendar('hromada-b', 'UA', 'Europe/Kyiv');
    expect(ua.timeZone).toBe('Europe/Kyiv');
    expect(ua.day('2024-08-26')).toMatchObject({ working: true, reason: 'working day: martial law, Law 2136-IX Art. 6 (day off for Independence Day)' });
    expect((await service.calendar('hromada-b', 'UA'))!.day('2021-05-04').working).toBe(false);
  });

  it('changes a day: fact, version and audit line in one transaction; the due date follows', async () => {
    const before = await service.ensureCalendar('hromada-c', 'UA', 'Europe/Kyiv');
    const events = [{ kind: 'received' as const, at: '2025-06-20T10:00:00+03:00' }];
    const now = new Date('2025-06-21T00:00:00Z');
    // Public information from Fri 06-20: 23 (1), 24 (2), 25 (3), 26 (4), 27 Fri (5).
    expect(computeDeadline(LEGAL_PROFILES['ua.public-info.art20'], 'standard', events, before, now).dueDate).toBe('2025-06-27');
    const v = await service.changeDay(
      'hromada-c',
      'UA',
      { date: '2025-06-24', kind: 'off', reason: 'day off: city day', source: 'council decision No. 12' },
      'admin-7',
      'city day moved by the council',
    );
    expect(v).toBe(2);
    const after = (await service.calendar('hromada-c', 'UA'))!;
    expect(after.version).toBe(2);
    expect(after.day('2025-06-24')).toMatchObject({ working: false, reason: 'day off: city day', source: 'council decision No. 12' });
    expect(computeDeadline(LEGAL_PROFILES['ua.public-info.art20'], 'standard', events, after, now).dueDate).toBe('2025-06-30');
    const history = await service.history('hromada-c', 'UA');
    expect(history.at(-1)).toMatchObject({ version: 2, subject: 'day', actor: 'admin-7', reason: 'city day moved by the council', before: null, after: { date: '2025-06-24', kind: 'off' } });
    // Removing the fact gives the weekday rule back, audited too.
    expect(await service.changeDay('hromada-c', 'UA', { date: '2025-06-24', kind: null }, 'admin-7', 'decision revoked')).toBe(3);
    expect((await service.calendar('hromada-c', 'UA'))!.day('2025-06-24')).toMatchObject({ working: true, reason: 'working day' });
  });

  it('ends a regime through setRegime, audited', async () => {
    await service.ensureCalendar('hromada-d', 'UA', 'Europe/Kyiv');
    const v = await service.setRegime('hromada-d', 'UA', { rule: 'UA_MARTIAL_LAW', from: '2022-03-15', to: '2025-12-31' }, 'admin-1', 'martial law ended (test)');
    expect(v).toBe(2);
    const cal = (await service.calendar('hromada-d', 'UA'))!;
    expect(cal.day('2025-08-25').working).toBe(true);
    // 2026-08-24 is a Monday: a holiday again once the regime has ended.
    expect(cal.day('2026-08-24')).toMatchObject({ working: false, reason: 'public holiday: Independence Day' });
    const last = (await service.history('hromada-d', 'UA')).at(-1)!;
    expect(last).toMatchObject({ subject: 'regime', before: { rule: 'UA_MARTIAL_LAW', from: '2022-03-15' }, after: { to: '2025-12-31' } });
  });

  it('refuses changes without an actor or reason, bad dates, and tenants without a calendar', async () => {
    await service.ensureCalendar('city-e', 'RU', 'Europe/Moscow');
    await expect(service.changeDay('city-e', 'RU', { date: '2025-02-30', kind: 'off', reason: 'x' }, 'a', 'b')).rejects.toThrow(CalendarChangeError);
    await expect(service.changeDay('city-e', 'RU', { date: '2025-02-03', kind: 'off', reason: 'x' }, ' ', 'b')).rejects.toThrow(/actor and a reason/);
    await expect(service.changeDay('nobody', 'RU', { date: '2025-02-03', kind: 'off', reason: 'x' }, 'a', 'b')).rejects.toThrow(/no RU calendar/);
    await expect(service.ensureCalendar('city-e', 'RU', 'Mars/Olympus')).rejects.toThrow(/time zone/);
    expect((await service.calendar('city-e', 'RU'))!.version).toBe(1);
  });

  it('keeps the audit append only', async () => {
    await service.ensureCalendar('city-f', 'RU', 'Europe/Moscow');
    await expect(sql(schema, `UPDATE calendar_change SET actor = 'someone else'`)).rejects.toThrow(/append only/);
    await expect(sql(schema, `DELETE FROM calendar_change`)).rejects.toThrow(/append only/);
    await expect(sql(schema, `TRUNCATE calendar_change`)).rejects.toThrow(/append only/);
  });
});
