import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { TransactionRunner } from '../persistence/transaction.runner';
import { FactsBusinessCalendar, REGIME_RULES, type DayFact, type DayKind, type Regime, type RegimeRule } from './business-calendar.model';
import { seedFor } from './calendar-seed.mapper';
import { CalendarRepository, type CalendarChange, type CalendarRow } from './calendar.repository';
import { assertTimeZone, isLocalDate } from './local-date.codec';

/** A tenant's change of one date: a new fact, or `kind: null` to drop the date's fact (the weekday rule answers again). */
export interface DayChange {
  date: string;
  kind: DayKind | null;
  /** English, shown in explanations: "day off: city day (council decision No. 12)". */
  reason?: string;
  /** The decision the change rests on (decree, order number). */
  source?: string;
}

/** A tenant's change of a regime: set its period (`to` ends it). */
export interface RegimeChange {
  rule: RegimeRule;
  from: string;
  to?: string;
  source?: string;
}

/** A change the service refuses before writing anything. */
export class CalendarChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarChangeError';
  }
}

/**
 * Tenants' business calendars: created from the vendored data on first use, loaded into a pure
 * {@link FactsBusinessCalendar}, and changed only through {@link changeDay} and {@link setRegime},
 * which write the fact, bump the version and append the audit line in one transaction. The
 * vendored files never change at run time.
 */
@Injectable()
export class CalendarService {
  /** Loaded calendars by tenant and country; reused while the stored version is the same. */
  private readonly cache = new Map<string, FactsBusinessCalendar>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: CalendarRepository,
  ) {}

  /**
   * The tenant's calendar for the country, created from the vendored data when it has none (two
   * instances doing so at once create one: the loser reads the winner's). The time zone is set at
   * creation; a later call with another zone gets the stored one.
   */
  async ensureCalendar(tenant: string, country: 'UA' | 'RU', timeZone: string): Promise<FactsBusinessCalendar> {
    assertTimeZone(timeZone);
    return this.tx.run(async (tx) => {
      let row = await this.repo.find(tx, tenant, country);
      if (!row) {
        const seed = seedFor(country);
        const id = uuidv7();
        if (await this.repo.create(tx, { id, tenant, country, timeZone, weekend: seed.weekend, provenance: seed.provenance })) {
          await this.repo.addDays(tx, id, seed.days);
          for (const r of seed.regimes) await this.repo.putRegime(tx, id, r);
          await this.repo.appendChange(tx, id, {
            version: 1,
            subject: 'seed',
            actor: 'system',
            reason: 'created from the vendored calendar data on first use',
            before: undefined,
            after: { days: seed.days.length, regimes: seed.regimes, provenance: seed.provenance },
          });
        }
        row = (await this.repo.find(tx, tenant, country))!;
      }
      return this.loaded(tx, row);
    });
  }

  /**
   * The tenant's calendar read in the caller's transaction (read-only is fine), or undefined when
   * it has none yet: the deadline engine reads it this way, so computing a case never takes a
   * second connection while it holds one.
   */
  async calendarIn(tx: PoolClient, tenant: string, country: 'UA' | 'RU'): Promise<FactsBusinessCalendar | undefined> {
    const row = await this.repo.find(tx, tenant, country);
    return row ? this.loaded(tx, row) : undefined;
  }

  /** The tenant's calendar, or undefined when it has none yet. */
  async calendar(tenant: string, country: 'UA' | 'RU'): Promise<FactsBusinessCalendar | undefined> {
    return this.tx.snapshot(async (tx) => {
      const row = await this.repo.find(tx, tenant, country);
      return row ? this.loaded(tx, row) : undefined;
    });
  }

  /** Sets or removes one date's fact; returns the calendar's new version. */
  async changeDay(tenant: string, country: 'UA' | 'RU', change: DayChange, actor: string, reason: string): Promise<number> {
    if (!isLocalDate(change.date)) throw new CalendarChangeError(`not a date (YYYY-MM-DD): ${String(change.date)}`);
    if (change.kind !== null && !['off', 'working', 'short'].includes(change.kind)) throw new CalendarChangeError(`unknown kind ${String(change.kind)}`);
    if (change.kind !== null && !change.reason?.trim()) throw new CalendarChangeError('a day fact needs a reason (it is shown in explanations)');
    return this.audited(tenant, country, actor, reason, async (tx, cal, version) => {
      const before = await this.repo.day(tx, cal.id, change.date);
      let after: DayFact | undefined;
      if (change.kind === null) await this.repo.removeDay(tx, cal.id, change.date);
      else {
        after = { date: change.date, kind: change.kind, reason: change.reason!.trim(), source: change.source?.trim() || `tenant change, calendar version ${version}` };
        await this.repo.putDay(tx, cal.id, after);
      }
      return { subject: 'day', before: before ?? null, after: after ?? null };
    });
  }

  /** Sets a regime's period (e.g. ends martial law with `to`); returns the calendar's new version. */
  async setRegime(tenant: string, country: 'UA' | 'RU', change: RegimeChange, actor: string, reason: string): Promise<number> {
    if (!REGIME_RULES.includes(change.rule)) throw new CalendarChangeError(`unknown regime ${String(change.rule)}`);
    if (!isLocalDate(change.from) || (change.to !== undefined && (!isLocalDate(change.to) || change.to < change.from))) throw new CalendarChangeError(`bad period ${change.from}…${change.to ?? ''}`);
    return this.audited(tenant, country, actor, reason, async (tx, cal) => {
      const before = (await this.repo.regimes(tx, cal.id)).find((r) => r.rule === change.rule && r.from === change.from);
      const after: Regime = { rule: change.rule, from: change.from, ...(change.to ? { to: change.to } : {}), source: change.source?.trim() || before?.source || `tenant change by ${actor}` };
      await this.repo.putRegime(tx, cal.id, after);
      return { subject: 'regime', before: before ?? null, after };
    });
  }

  /** The calendar's audit, oldest first. */
  async history(tenant: string, country: 'UA' | 'RU'): Promise<CalendarChange[]> {
    return this.tx.snapshot(async (tx) => {
      const row = await this.repo.find(tx, tenant, country);
      return row ? this.repo.changes(tx, row.id) : [];
    });
  }

  /**
   * Runs one change: the calendar row locked (changes of a calendar serialise), the change written,
   * the version bumped and the audit line appended, all in one transaction. The result is loaded
   * before commit, so a change that makes the calendar inconsistent rolls back.
   */
  private async audited(
    tenant: string,
    country: 'UA' | 'RU',
    actor: string,
    reason: string,
    write: (tx: PoolClient, cal: CalendarRow, version: number) => Promise<Pick<CalendarChange, 'subject' | 'before' | 'after'>>,
  ): Promise<number> {
    if (!actor?.trim() || !reason?.trim()) throw new CalendarChangeError('a calendar change needs an actor and a reason (it is audited)');
    return this.tx.run(async (tx) => {
      const cal = await this.repo.find(tx, tenant, country, true);
      if (!cal) throw new CalendarChangeError(`tenant ${tenant} has no ${country} calendar yet (ensureCalendar creates it)`);
      const version = cal.version + 1;
      const what = await write(tx, cal, version);
      const bumped = await this.repo.bumpVersion(tx, cal.id);
      await this.repo.appendChange(tx, cal.id, { ...what, version: bumped, actor: actor.trim(), reason: reason.trim() });
      await this.loaded(tx, { ...cal, version: bumped });
      return bumped;
    });
  }

  private async loaded(tx: PoolClient, row: CalendarRow): Promise<FactsBusinessCalendar> {
    const key = `${row.tenant}\u0000${row.country}`;
    const cached = this.cache.get(key);
    if (cached && cached.id === row.id && cached.version === row.version) return cached;
    const coverage = (row.provenance as { coverage?: { fromYear: number; toYear: number } }).coverage;
    const cal = new FactsBusinessCalendar({
      id: row.id,
      country: row.country,
      timeZone: row.timeZone,
      version: row.version,
      weekend: row.weekend,
      days: await this.repo.days(tx, row.id),
      regimes: await this.repo.regimes(tx, row.id),
      ...(coverage ? { coverage } : {}),
    });
    this.cache.set(key, cal);
    return cal;
  }
}
