import ruData from '../../src/deadlines/data/ru-production-calendar.json';
import { deriveYear } from './xmlcalendar.derive';

/**
 * Small tier: the derivation of the vendored RU calendar, on two versions of xmlcalendar/data's
 * ru/2024/calendar.xml that write working Saturdays differently (§2.5 of the deadlines audit).
 */
const HOLIDAYS = `<holidays><holiday id="1" title="Новогодние каникулы"/><holiday id="2" title="Рождество Христово"/><holiday id="3" title="День защитника Отечества"/><holiday id="4" title="Международный женский день"/><holiday id="5" title="Праздник Весны и Труда"/><holiday id="6" title="День Победы"/><holiday id="7" title="День России"/><holiday id="8" title="День народного единства"/></holidays>`;
const JAN = [1, 2, 3, 4, 5, 6, 8].map((d) => `<day d="01.0${d}" t="1" h="1"/>`).join('') + '<day d="01.07" t="1" h="2"/>';

/** ru/2024/calendar.xml at 072ff603 (2023-09-02): working Saturdays only as f= sources. The pinned one. */
const PINNED = `<calendar year="2024" lang="ru" date="2023.09.02" commit="072ff603c963935d574108fe427990aebb95ffde">${HOLIDAYS}<days>${JAN}
<day d="02.22" t="2"/><day d="02.23" t="1" h="3"/><day d="03.07" t="2"/><day d="03.08" t="1" h="4"/><day d="04.29" t="1" f="04.27"/><day d="04.30" t="1" f="11.02"/><day d="05.01" t="1" h="5"/>
<day d="05.08" t="2"/><day d="05.09" t="1" h="6"/><day d="05.10" t="1" f="01.06"/><day d="06.11" t="2"/><day d="06.12" t="1" h="7"/><day d="11.02" t="2"/><day d="11.04" t="1" h="8"/><day d="12.30" t="1" f="12.28"/><day d="12.31" t="1" f="01.07"/></days></calendar>`;

/** ru/2024/calendar.xml at d69eb76f (2022-08-07, preliminary): explicit t="3", 12.31 twice, no 12.30. */
const PRELIMINARY = `<calendar year="2024" lang="ru" date="2022.08.07" country="ru" commit="d69eb76f3acab9758e15d93ffcbeab70995b2f3b">${HOLIDAYS}<days>${JAN}
<day d="02.22" t="2"/><day d="02.23" t="1" h="3"/><day d="03.07" t="2"/><day d="03.08" t="1" h="4"/><day d="04.27" t="3"/><day d="04.29" t="1"/><day d="04.30" t="1"/><day d="05.01" t="1" h="5"/>
<day d="05.08" t="2"/><day d="05.09" t="1" h="6"/><day d="05.10" t="1"/><day d="06.11" t="2"/><day d="06.12" t="1" h="7"/><day d="11.02" t="2"/><day d="11.04" t="1" h="8"/><day d="12.28" t="3"/><day d="12.31" t="1"/><day d="12.31" t="1"/></days></calendar>`;

const kindOn = (days: { date: string; kind: string }[], date: string) => days.find((d) => d.date === date)?.kind;

describe('xmlcalendar derivation', () => {
  it('makes a weekend date named in f= a working day (the pinned 2024 has no t="3")', () => {
    const y = deriveYear(PINNED);
    expect(kindOn(y.days, '2024-04-27')).toBe('working');
    expect(kindOn(y.days, '2024-12-28')).toBe('working');
    expect(kindOn(y.days, '2024-11-02')).toBe('short');
    // 01-06 is a holiday, not a working day, although 05-10 names it in f=.
    expect(kindOn(y.days, '2024-01-06')).toBe('off');
    expect(y.days.find((d) => d.date === '2024-05-10')?.reason).toBe('transferred day off (from 2024-01-06, New Year holidays)');
  });

  it('gives exactly the vendored 2024 days from the pinned file', () => {
    expect(deriveYear(PINNED).days).toEqual(ruData.years['2024'].days);
    expect(deriveYear(PINNED).meta.commit).toBe(ruData.years['2024'].commit);
  });

  it('reads the preliminary version too, and shows why it is not the one pinned', () => {
    const y = deriveYear(PRELIMINARY);
    expect(kindOn(y.days, '2024-04-27')).toBe('working');
    expect(y.notes).toContain('2024-12-31 is listed twice in the data (identical entries, kept once)');
    // 30 December 2024 (a Monday, a day off by decree) is missing from it.
    expect(kindOn(y.days, '2024-12-30')).toBeUndefined();
  });

  it('refuses a date listed twice with different attributes, and notes an f= that points at a weekday', () => {
    expect(() => deriveYear(PINNED.replace('</days>', '<day d="05.01" t="2"/></days>'))).toThrow(/listed twice with different attributes/);
    const typo = deriveYear(PINNED.replace('<day d="04.29" t="1" f="04.27"/>', '<day d="04.29" t="1" f="04.11"/>'));
    expect(typo.notes).toContain('2024-04-29 names f="04.11", a weekday the data does not list; ignored');
  });

  it('adds a fixed holiday the data leaves out, and refuses one marked as a working day', () => {
    const missing = deriveYear(PINNED.replace('<day d="11.04" t="1" h="8"/>', ''));
    expect(missing.days.find((d) => d.date === '2024-11-04')).toMatchObject({ kind: 'off', reason: 'public holiday: Unity Day' });
    expect(() => deriveYear(PINNED.replace('<day d="06.12" t="1" h="7"/>', '<day d="06.12" t="2"/>'))).toThrow(/fixed holiday Russia Day is a working day/);
  });
});
