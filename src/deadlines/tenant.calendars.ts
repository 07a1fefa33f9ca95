import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { TenantDeadlineSettings } from '../config/hub-config.schema';
import { CalendarService } from './calendar.service';
import type { BusinessCalendar } from './deadline.types';

/**
 * A tenant's business calendar for its deadline settings: created from the vendored data the first
 * time a case of the tenant needs it, then as the tenant changed it (CLI `calendar …`, audited).
 * The martial-law regime is part of the stored calendar, switched off by an audited change, not
 * by configuration: the evidence of why a day counted must not depend on a file that changes.
 */
@Injectable()
export class TenantCalendars {
  constructor(private readonly calendars: CalendarService) {}

  /**
   * Read in the caller's transaction; only the very first use of a tenant's calendar (nothing
   * stored yet) creates it, in a transaction of its own.
   */
  async forTenant(tx: PoolClient, tenant: string, s: TenantDeadlineSettings): Promise<BusinessCalendar> {
    return (await this.calendars.calendarIn(tx, tenant, s.country)) ?? this.calendars.ensureCalendar(tenant, s.country, s.timeZone);
  }
}
