import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { DayFact, DayKind, Regime, RegimeRule } from './business-calendar.model';

/** A `calendar` row. */
export interface CalendarRow {
  id: string;
  tenant: string;
  country: 'UA' | 'RU';
  timeZone: string;
  weekend: number[];
  provenance: Record<string, unknown>;
  version: number;
}

/** One line of a calendar's audit: the version it produced, who, why, before and after (null: nothing there, e.g. a new day fact). */
export interface CalendarChange {
  version: number;
  subject: 'seed' | 'day' | 'regime';
  actor: string;
  reason: string;
  before: unknown;
  after: unknown;
  changedAt?: Date;
}

type Row = { id: string; tenant: string; country: 'UA' | 'RU'; tz: string; weekend: number[]; provenance: Record<string, unknown>; version: number };
const toCalendar = (r: Row): CalendarRow => ({ id: r.id, tenant: r.tenant, country: r.country, timeZone: r.tz, weekend: r.weekend.map(Number), provenance: r.provenance, version: r.version });

/**
 * Owner of `calendar`, `calendar_day`, `calendar_regime` and `calendar_change`. Every method runs
 * in the caller's transaction, so a change, its version bump and its audit line commit together.
 * Dates travel as `YYYY-MM-DD` text both ways (`::text`), never as JS Dates, which pg would read in
 * the server process's zone.
 */
@Injectable()
export class CalendarRepository {
  /** The tenant's calendar for a country; `lock` takes it FOR UPDATE (changes serialise on it). */
  async find(tx: PoolClient, tenant: string, country: 'UA' | 'RU', lock = false): Promise<CalendarRow | undefined> {
    const r = await tx.query<Row>(`SELECT id, tenant, country, tz, weekend, provenance, version FROM calendar WHERE tenant = $1 AND country = $2${lock ? ' FOR UPDATE' : ''}`, [tenant, country]);
    return r.rows[0] ? toCalendar(r.rows[0]) : undefined;
  }

  /** Creates a calendar at version 1; false when the tenant already has one for the country (a concurrent first use). */
  async create(tx: PoolClient, c: Omit<CalendarRow, 'version'>): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO calendar (id, tenant, country, tz, weekend, provenance, version) VALUES ($1, $2, $3, $4, $5::smallint[], $6::jsonb, 1)
       ON CONFLICT (tenant, country) DO NOTHING`,
      [c.id, c.tenant, c.country, c.timeZone, c.weekend, JSON.stringify(c.provenance)],
    );
    return r.rowCount === 1;
  }

  /** Adds day facts in one statement. */
  async addDays(tx: PoolClient, calendarId: string, days: readonly DayFact[]): Promise<void> {
    if (!days.length) return;
    await tx.query(
      `INSERT INTO calendar_day (calendar_id, date, kind, reason, holiday, source)
       SELECT $1, d::date, k, r, h, s FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(d, k, r, h, s)`,
      [calendarId, days.map((d) => d.date), days.map((d) => d.kind), days.map((d) => d.reason), days.map((d) => d.holiday ?? null), days.map((d) => d.source)],
    );
  }

  async days(tx: PoolClient, calendarId: string): Promise<DayFact[]> {
    const r = await tx.query<{ date: string; kind: DayKind; reason: string; holiday: string | null; source: string }>(
      'SELECT date::text AS date, kind, reason, holiday, source FROM calendar_day WHERE calendar_id = $1 ORDER BY date',
      [calendarId],
    );
    return r.rows.map((d) => ({ date: d.date, kind: d.kind, reason: d.reason, ...(d.holiday ? { holiday: d.holiday } : {}), source: d.source }));
  }

  async day(tx: PoolClient, calendarId: string, date: string): Promise<DayFact | undefined> {
    return (await this.daysIn(tx, calendarId, [date]))[0];
  }

  private async daysIn(tx: PoolClient, calendarId: string, dates: string[]): Promise<DayFact[]> {
    const r = await tx.query<{ date: string; kind: DayKind; reason: string; holiday: string | null; source: string }>(
      'SELECT date::text AS date, kind, reason, holiday, source FROM calendar_day WHERE calendar_id = $1 AND date = ANY($2::date[])',
      [calendarId, dates],
    );
    return r.rows.map((d) => ({ date: d.date, kind: d.kind, reason: d.reason, ...(d.holiday ? { holiday: d.holiday } : {}), source: d.source }));
  }

  /** Writes a date's fact, replacing the one it had. */
  async putDay(tx: PoolClient, calendarId: string, d: DayFact): Promise<void> {
    await tx.query(
      `INSERT INTO calendar_day (calendar_id, date, kind, reason, holiday, source) VALUES ($1, $2::date, $3, $4, $5, $6)
       ON CONFLICT (calendar_id, date) DO UPDATE SET kind = EXCLUDED.kind, reason = EXCLUDED.reason, holiday = EXCLUDED.holiday, source = EXCLUDED.source`,
      [calendarId, d.date, d.kind, d.reason, d.holiday ?? null, d.source],
    );
  }

  /** Removes a date's fact, so the weekday rule answers for it again. */
  async removeDay(tx: PoolClient, calendarId: string, date: string): Promise<void> {
    await tx.query('DELETE FROM calendar_day WHERE calendar_id = $1 AND date = $2::date', [calendarId, date]);
  }

  async regimes(tx: PoolClient, calendarId: string): Promise<Regime[]> {
    const r = await tx.query<{ rule: RegimeRule; from_date: string; to_date: string | null; source: string }>(
      'SELECT rule, from_date::text AS from_date, to_date::text AS to_date, source FROM calendar_regime WHERE calendar_id = $1 ORDER BY from_date, rule',
      [calendarId],
    );
    return r.rows.map((x) => ({ rule: x.rule, from: x.from_date, ...(x.to_date ? { to: x.to_date } : {}), source: x.source }));
  }

  /** Writes a regime (keyed by rule and start), replacing its end and source. */
  async putRegime(tx: PoolClient, calendarId: string, g: Regime): Promise<void> {
    await tx.query(
      `INSERT INTO calendar_regime (calendar_id, rule, from_date, to_date, source) VALUES ($1, $2, $3::date, $4::date, $5)
       ON CONFLICT (calendar_id, rule, from_date) DO UPDATE SET to_date = EXCLUDED.to_date, source = EXCLUDED.source`,
      [calendarId, g.rule, g.from, g.to ?? null, g.source],
    );
  }

  /** Adds one to the calendar's version and returns the new one. */
  async bumpVersion(tx: PoolClient, calendarId: string): Promise<number> {
    const r = await tx.query<{ version: number }>('UPDATE calendar SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version', [calendarId]);
    return r.rows[0].version;
  }

  /** Appends an audit line (the table refuses UPDATE, DELETE and TRUNCATE). */
  async appendChange(tx: PoolClient, calendarId: string, c: CalendarChange): Promise<void> {
    await tx.query(`INSERT INTO calendar_change (calendar_id, version, subject, actor, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`, [
      calendarId,
      c.version,
      c.subject,
      c.actor,
      c.reason,
      c.before === undefined ? null : JSON.stringify(c.before),
      c.after === undefined ? null : JSON.stringify(c.after),
    ]);
  }

  /** A calendar's audit, oldest first. */
  async changes(tx: PoolClient, calendarId: string): Promise<CalendarChange[]> {
    const r = await tx.query<{ version: number; subject: CalendarChange['subject']; actor: string; reason: string; before: unknown; after: unknown; changed_at: Date }>(
      'SELECT version, subject, actor, reason, before, after, changed_at FROM calendar_change WHERE calendar_id = $1 ORDER BY id',
      [calendarId],
    );
    return r.rows.map((x) => ({ version: x.version, subject: x.subject, actor: x.actor, reason: x.reason, before: x.before, after: x.after, changedAt: x.changed_at }));
  }
}
