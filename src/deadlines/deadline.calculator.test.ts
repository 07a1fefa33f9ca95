import { seededCalendar } from './calendar-seed.mapper';
import { computeDeadline } from './deadline.calculator';
import type { ClockEvent } from './deadline.types';
import { LEGAL_PROFILES, PROFILE_OVERLAYS, profileFor } from './legal-profile.config';

/** Small tier: the calculator's rules on a simulated clock (`now` is always passed in). */
const ua = seededCalendar('UA', 'Europe/Kyiv', 'ua', 3);
const ru = seededCalendar('RU', 'Europe/Moscow', 'ru', 1);
const RU59 = LEGAL_PROFILES['ru.59-fz'];
const UA_APPEALS = LEGAL_PROFILES['ua.appeals.art20'];
const UA_INFO = LEGAL_PROFILES['ua.public-info.art20'];

describe('computeDeadline', () => {
  it('ends the due day at 23:59:59.999 in the calendar’s zone and names the calendar version', () => {
    const r = computeDeadline(RU59, 'standard', [{ kind: 'registered', at: '2024-03-28T10:00:00+03:00' }], ru, new Date('2024-04-01T00:00:00Z'));
    expect(r.dueDate).toBe('2024-04-27');
    expect(r.dueAt).toBe('2024-04-27T20:59:59.999Z');
    expect(r.calendar).toEqual({ id: 'ru', version: 1, timeZone: 'Europe/Moscow' });
    expect(r.days[0]).toEqual({ date: '2024-03-28', counted: false, reason: "day of the 'registered' event: the term runs from the next day (Civil Code: UA Art. 253, RU Art. 191)" });
    expect(r.days.filter((d) => d.counted)).toHaveLength(30);
  });

  it('counts in the calendar’s local date: 23:30 UTC on 31 May is already 1 June in Kyiv', () => {
    const r = computeDeadline(UA_APPEALS, 'no-extra-study', [{ kind: 'received', at: '2025-05-31T23:30:00Z' }], ua, new Date('2025-06-01T00:00:00Z'));
    expect(r.days[0].date).toBe('2025-06-01');
    expect(r.dueDate).toBe('2025-06-16');
  });

  it('sorts events and ignores duplicates', () => {
    const events: ClockEvent[] = [
      { kind: 'resumed', at: '2025-03-10T09:00:00+02:00' },
      { kind: 'received', at: '2025-03-03T10:00:00+02:00' },
      { kind: 'paused', at: '2025-03-05T14:00:00+02:00', reason: 'waiting' },
      { kind: 'received', at: '2025-03-03T08:00:00Z' },
      { kind: 'paused', at: '2025-03-05T14:00:00+02:00', reason: 'waiting' },
    ];
    const r = computeDeadline(UA_APPEALS, 'no-extra-study', events, ua, new Date('2025-03-11T00:00:00Z'));
    expect(r.pausedDays).toBe(4);
    expect(r.dueDate).toBe('2025-03-24');
  });

  it('has no due date before the start event, and says so', () => {
    const r = computeDeadline(RU59, 'standard', [{ kind: 'received', at: '2024-04-26T15:00:00+03:00' }], ru, new Date('2024-04-27T00:00:00Z'));
    expect(r.dueAt).toBeUndefined();
    expect(r.notes).toContain("the term has not started: no 'registered' event yet");
    // The registration term runs from receipt: +3 = 04-29 (off), 04-30 (off), 05-01 (holiday) → 05-02.
    expect(r.milestones).toEqual([{ name: 'registration', dueAt: '2024-05-02T20:59:59.999Z' }]);
  });

  it('gives 59-ФЗ its registration and forwarding milestones, met by the case’s events', () => {
    const events: ClockEvent[] = [
      { kind: 'received', at: '2024-04-26T15:00:00+03:00' },
      { kind: 'registered', at: '2024-04-27T10:00:00+03:00' },
    ];
    const r = computeDeadline(RU59, 'standard', events, ru, new Date('2024-05-01T00:00:00Z'));
    expect(r.dueDate).toBe('2024-05-27');
    expect(r.milestones).toEqual([
      { name: 'registration', dueAt: '2024-05-02T20:59:59.999Z', metAt: '2024-04-27T10:00:00+03:00' },
      // Registration + 7 = Sat 05-04 → Sun 05-05 → Mon 05-06.
      { name: 'forwarding', dueAt: '2024-05-06T20:59:59.999Z' },
    ]);
  });

  it('adds the municipal overlay: taken into work within 24 hours, solved by T−3 calendar days', () => {
    const events: ClockEvent[] = [
      { kind: 'received', at: '2024-04-26T15:00:00+03:00' },
      { kind: 'registered', at: '2024-04-27T10:00:00+03:00' },
      { kind: 'taken', at: '2024-04-28T09:00:00+03:00' },
    ];
    const r = computeDeadline(RU59, 'standard', events, ru, new Date('2024-05-01T00:00:00Z'), PROFILE_OVERLAYS['municipal.seed004']);
    expect(r.milestones.find((m) => m.name === 'taken-into-work')).toEqual({ name: 'taken-into-work', dueAt: '2024-04-28T07:00:00.000Z', metAt: '2024-04-28T09:00:00+03:00' });
    // Due 2024-05-27 − 3 = 2024-05-24, end of day in Moscow.
    expect(r.milestones.find((m) => m.name === 'solve-by')).toEqual({ name: 'solve-by', dueAt: '2024-05-24T20:59:59.999Z' });
  });

  it('stops the clock at the answer: overdue only when answered after the due instant', () => {
    const start: ClockEvent = { kind: 'registered', at: '2024-03-28T10:00:00+03:00' };
    const onTime = computeDeadline(RU59, 'standard', [start, { kind: 'answered', at: '2024-04-27T23:59:00+03:00' }], ru, new Date('2024-06-01T00:00:00Z'));
    expect(onTime.overdue).toBe(false);
    expect(onTime.answeredAt).toBe('2024-04-27T23:59:00+03:00');
    const late = computeDeadline(RU59, 'standard', [start, { kind: 'answered', at: '2024-04-28T00:00:01+03:00' }], ru, new Date('2024-06-01T00:00:00Z'));
    expect(late.overdue).toBe(true);
    const after = computeDeadline(
      RU59,
      'standard',
      [start, { kind: 'answered', at: '2024-04-20T10:00:00+03:00' }, { kind: 'extended', at: '2024-04-21T10:00:00+03:00', days: 30, reason: 'x' }],
      ru,
      new Date('2024-06-01T00:00:00Z'),
    );
    expect(after.extensions).toBe(0);
    expect(after.notes.join('\n')).toMatch(/after the answer were ignored/);
  });

  it('is overdue on an open case once `now` passes the due instant', () => {
    const events: ClockEvent[] = [{ kind: 'registered', at: '2024-03-28T10:00:00+03:00' }];
    expect(computeDeadline(RU59, 'standard', events, ru, new Date('2024-04-27T20:59:59.999Z')).overdue).toBe(false);
    expect(computeDeadline(RU59, 'standard', events, ru, new Date('2024-04-27T21:00:00.000Z')).overdue).toBe(true);
  });

  it('credits an open pause up to `now`, one whole day at a time', () => {
    const events: ClockEvent[] = [
      { kind: 'received', at: '2025-03-03T10:00:00+02:00' },
      { kind: 'paused', at: '2025-03-05T14:00:00+02:00', reason: 'waiting for the applicant' },
    ];
    const wednesday = computeDeadline(UA_APPEALS, 'no-extra-study', events, ua, new Date('2025-03-05T20:00:00Z'));
    expect(wednesday.paused).toBe(true);
    expect(wednesday.pausedDays).toBe(0);
    expect(wednesday.dueDate).toBe('2025-03-18');
    const saturday = computeDeadline(UA_APPEALS, 'no-extra-study', events, ua, new Date('2025-03-08T12:00:00Z'));
    // 03-06 and 03-07 are whole paused days; 03-08 is not over yet.
    expect(saturday.pausedDays).toBe(2);
    expect(saturday.dueDate).toBe('2025-03-20');
  });

  it('moves an extended date by a later pause, but not by one the extension already took into account', () => {
    // Received Monday 12 Jan 2026; extended on 28 Jan to 26 Feb; paused 1 Feb 10:00 to 5 Feb 10:00: 2, 3, 4 Feb are whole paused days.
    const base: ClockEvent[] = [
      { kind: 'received', at: '2026-01-12T09:00:00+02:00' },
      { kind: 'extended', at: '2026-01-28T13:00:00+02:00', until: '2026-02-26', reason: 'survey' },
    ];
    const pause: ClockEvent[] = [
      { kind: 'paused', at: '2026-02-01T10:00:00+02:00', reason: 'asked the applicant' },
      { kind: 'resumed', at: '2026-02-05T10:00:00+02:00' },
    ];
    const now = new Date('2026-02-06T12:00:00Z');
    expect(computeDeadline(UA_APPEALS, 'standard', base, ua, now).dueDate).toBe('2026-02-26');
    // 26 Feb + 3 days = Sunday 1 Mar, which rolls over to Monday 2 Mar.
    const later = computeDeadline(UA_APPEALS, 'standard', [...base, ...pause], ua, now);
    expect(later).toMatchObject({ pausedDays: 3, dueDate: '2026-03-02', extensions: 1 });
    // The same pause before the extension: the head set 26 Feb knowing it, so 26 Feb stands.
    const before = computeDeadline(UA_APPEALS, 'standard', [base[0], ...pause, { ...base[1], at: '2026-02-05T13:00:00+02:00' }], ua, now);
    expect(before).toMatchObject({ pausedDays: 3, dueDate: '2026-02-26' });
  });

  it('refuses a second 59-ФЗ extension and one decided after the term ended', () => {
    const events: ClockEvent[] = [
      { kind: 'registered', at: '2024-03-01T10:00:00+03:00' },
      { kind: 'extended', at: '2024-03-25T10:00:00+03:00', days: 10, reason: 'inspection' },
      { kind: 'extended', at: '2024-03-26T10:00:00+03:00', days: 10, reason: 'more' },
    ];
    const r = computeDeadline(RU59, 'standard', events, ru, new Date('2024-04-01T00:00:00Z'));
    expect(r.extensions).toBe(1);
    expect(r.extended).toBe(true);
    // 03-01 + 40 = 04-10 (Wed).
    expect(r.dueDate).toBe('2024-04-10');
    expect(r.originalDueDate).toBe('2024-04-01');
    expect(r.notes.join('\n')).toMatch(/refused: ru.59-fz allows 1 extension/);
    const tooLate = computeDeadline(RU59, 'standard', [events[0], { kind: 'extended', at: '2024-04-02T10:00:00+03:00', days: 10, reason: 'late' }], ru, new Date('2024-04-03T00:00:00Z'));
    expect(tooLate.extensions).toBe(0);
    expect(tooLate.dueDate).toBe('2024-04-01');
    expect(tooLate.notes.join('\n')).toMatch(/after the term had ended/);
  });

  it('caps a public-information extension at 20 working days and sets the 5-working-day notice milestone', () => {
    const events: ClockEvent[] = [
      { kind: 'received', at: '2024-08-19T10:00:00+03:00' },
      { kind: 'extended', at: '2024-08-21T10:00:00+03:00', days: 40, reason: 'volume', noticeAt: '2024-08-22T09:00:00+03:00' },
    ];
    const r = computeDeadline(UA_INFO, 'standard', events, ua, new Date('2024-08-22T12:00:00Z'));
    expect(r.dueDate).toBe('2024-09-16');
    expect(r.originalDueDate).toBe('2024-08-26');
    expect(r.notes.join('\n')).toMatch(/capped at 20 working days/);
    expect(r.milestones).toEqual([{ name: 'extension-notice', dueAt: '2024-08-26T20:59:59.999Z', metAt: '2024-08-22T09:00:00+03:00' }]);
  });

  it('refuses a public-information extension decided after the 5 working days (the notice is due by then too)', () => {
    const received: ClockEvent = { kind: 'received', at: '2024-08-19T10:00:00+03:00' };
    // The 5th working day is Mon 08-26: an extension at 22:00 that day is in time, one the next morning is not.
    const inTime = computeDeadline(UA_INFO, 'standard', [received, { kind: 'extended', at: '2024-08-26T22:00:00+03:00', days: 15, reason: 'volume' }], ua, new Date('2024-08-27T12:00:00Z'));
    expect(inTime.dueDate).toBe('2024-09-16');
    const late = computeDeadline(UA_INFO, 'standard', [received, { kind: 'extended', at: '2024-08-27T09:00:00+03:00', days: 15, reason: 'volume' }], ua, new Date('2024-08-27T12:00:00Z'));
    expect(late.dueDate).toBe('2024-08-26');
    expect(late.overdue).toBe(true);
    expect(late.notes.join('\n')).toMatch(/after the term had ended/);
  });

  it('keeps the credited pause when the variant changes (compute-on-read: GLPI #15605)', () => {
    const events: ClockEvent[] = [
      { kind: 'received', at: '2025-03-03T10:00:00+02:00' },
      { kind: 'paused', at: '2025-03-05T14:00:00+02:00', reason: 'waiting' },
      { kind: 'resumed', at: '2025-03-10T09:00:00+02:00' },
    ];
    const now = new Date('2025-03-11T00:00:00Z');
    expect(computeDeadline(UA_APPEALS, 'no-extra-study', events, ua, now).pausedDays).toBe(4);
    const month = computeDeadline(UA_APPEALS, 'standard', events, ua, now);
    expect(month.pausedDays).toBe(4);
    // 03-03 + 1 month = 04-03 (31 days), moved by the 4 paused days to 04-07 (Mon).
    expect(month.dueDate).toBe('2025-04-07');
  });

  it('counts 48 hours for an urgent request, moved by a pause to the millisecond', () => {
    const events: ClockEvent[] = [
      { kind: 'received', at: '2024-08-23T16:30:00+03:00' },
      { kind: 'paused', at: '2024-08-24T10:00:00+03:00', reason: 'clarification' },
      { kind: 'resumed', at: '2024-08-24T13:00:00+03:00' },
    ];
    const r = computeDeadline(UA_INFO, 'urgent', events, ua, new Date('2024-08-24T14:00:00Z'));
    expect(r.unit).toBe('hours');
    expect(r.dueAt).toBe('2024-08-25T16:29:59.999Z');
  });

  it('shortens on the applicant’s request', () => {
    const r = computeDeadline(
      UA_APPEALS,
      'standard',
      [
        { kind: 'received', at: '2025-03-03T10:00:00+02:00' },
        { kind: 'shortened', at: '2025-03-04T10:00:00+02:00', until: '2025-03-14', reason: 'urgent' },
      ],
      ua,
      new Date('2025-03-05T00:00:00Z'),
    );
    expect(r.dueDate).toBe('2025-03-14');
    expect(r.originalDueDate).toBe('2025-04-03');
  });

  it('falls back to the standard term for a variant the profile lacks', () => {
    const r = computeDeadline(RU59, 'urgent', [{ kind: 'registered', at: '2024-03-28T10:00:00+03:00' }], ru, new Date('2024-04-01T00:00:00Z'));
    expect(r.variant).toBe('standard');
    expect(r.notes[0]).toMatch(/no 'urgent' term/);
  });

  it('rolls a calendar-day term back instead when a profile says so', () => {
    const profile = { ...RU59, rollover: 'previous-working-day' as const };
    const r = computeDeadline(profile, 'standard', [{ kind: 'registered', at: '2024-03-29T10:00:00+03:00' }], ru, new Date('2024-04-01T00:00:00Z'));
    // Day 30 is Sun 04-28; the previous working day is the working Saturday 04-27.
    expect(r.dueDate).toBe('2024-04-27');
  });

  it('warns when the term runs past the years the calendar has data for', () => {
    const r = computeDeadline(RU59, 'standard', [{ kind: 'registered', at: '2027-12-20T10:00:00+03:00' }], ru, new Date('2027-12-21T00:00:00Z'));
    // 2027-12-20 + 30 = 2028-01-19: RU data ends with 2027, so the 2028 New Year holidays are unknown here.
    expect(r.dueDate).toBe('2028-01-19');
    expect(r.notes.join('\n')).toMatch(/outside the calendar's data/);
  });

  it('chooses profiles per country and appeal kind, a tenant’s own choice first', () => {
    expect(profileFor('UA', 'complaint').id).toBe('ua.appeals.art20');
    expect(profileFor('UA', 'public-information-request').id).toBe('ua.public-info.art20');
    expect(profileFor('RU', 'appeal').id).toBe('ru.59-fz');
    expect(profileFor('UA', 'appeal', { appeal: 'ua.public-info.art20' }).id).toBe('ua.public-info.art20');
    expect(() => profileFor('UA', 'appeal', { appeal: 'nope' })).toThrow(/unknown legal profile/);
  });
});
