/**
 * Derives src/deadlines/data/ru-production-calendar.json from pinned copies of xmlcalendar/data
 * (`ru/<year>/calendar.xml`). Run it when a year is added or re-pinned, and review the diff:
 *
 *   npx ts-node --transpile-only test/tools/xmlcalendar.derive.ts DIR > src/deadlines/data/ru-production-calendar.json
 *
 * DIR holds `<year>.xml`, each the file at the commit written in its root element's `commit`
 * attribute (added by hand when the file is saved, so the pin travels with the copy).
 *
 * The trap this handles (anchors-console-deadlines-audit.md §2.5): versions of the data write a
 * working Saturday differently. Older ones say `t="3"` (or `t="2"`, a shortened one); later ones
 * only name it as the source of a moved day off (`<day d="04.29" t="1" f="04.27"/>`). A reader that
 * trusts "weekends are days off unless t=2/3" makes 2024-04-27 a day off. So a weekend date named
 * in an `f` attribute, and not itself a holiday, is a working day here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EN: Record<string, string> = {
  'Новогодние каникулы': 'New Year holidays',
  'Рождество Христово': 'Christmas',
  'День защитника Отечества': 'Defender of the Fatherland Day',
  'Международный женский день': "International Women's Day",
  'Праздник Весны и Труда': 'Spring and Labour Day',
  'День Победы': 'Victory Day',
  'День России': 'Russia Day',
  'День народного единства': 'Unity Day',
};

/** Labour Code of the Russian Federation Art. 112 Part 1: the fixed non-working holidays. */
const FIXED: Record<string, string> = {
  '01-01': 'New Year holidays',
  '01-02': 'New Year holidays',
  '01-03': 'New Year holidays',
  '01-04': 'New Year holidays',
  '01-05': 'New Year holidays',
  '01-06': 'New Year holidays',
  '01-07': 'Christmas',
  '01-08': 'New Year holidays',
  '02-23': 'Defender of the Fatherland Day',
  '03-08': "International Women's Day",
  '05-01': 'Spring and Labour Day',
  '05-09': 'Victory Day',
  '06-12': 'Russia Day',
  '11-04': 'Unity Day',
};

interface RawDay {
  d: string;
  t: string;
  h?: string;
  f?: string;
}
interface OutDay {
  date: string;
  kind: 'off' | 'working' | 'short';
  reason: string;
  xml: string;
}

const attr = (s: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(s)?.[1];
const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string): boolean => weekday(date) === 0 || weekday(date) === 6;
const dayName = (date: string): string => (weekday(date) === 6 ? 'Saturday' : 'Sunday');
const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function decreeText(title: string): string {
  const m = /Указ Президента от (\d{2}\.\d{2}\.\d{4}) №\s*(\d+)/.exec(title);
  return m ? `non-working day by Decree of the President of Russia of ${m[1]} No. ${m[2]}` : `non-working day (${title})`;
}

/** One year's file → its days (off, short, working weekend days), each with a reason and the attributes it came from. */
export function deriveYear(xml: string): { year: number; meta: Record<string, string>; days: OutDay[]; notes: string[] } {
  const root = /<calendar\b[^>]*>/.exec(xml)![0];
  const year = Number(attr(root, 'year'));
  const meta = { path: `ru/${year}/calendar.xml`, commit: attr(root, 'commit')!, dataDate: attr(root, 'date')! };
  // Older files add "(в ред. Федерального закона …)" to a holiday's title.
  const titles = new Map([...xml.matchAll(/<holiday\b[^>]*>/g)].map((m) => [attr(m[0], 'id')!, attr(m[0], 'title')!.replace(/\s*\(в ред\.[^)]*\)\s*$/, '')]));
  const notes: string[] = [];
  const raw = new Map<string, RawDay>();
  for (const m of xml.matchAll(/<day\b[^>]*>/g)) {
    const d = `${year}-${attr(m[0], 'd')!.replace('.', '-')}`;
    const day: RawDay = { d, t: attr(m[0], 't')!, h: attr(m[0], 'h'), f: attr(m[0], 'f') };
    const seen = raw.get(d);
    if (seen && (seen.t !== day.t || seen.h !== day.h || seen.f !== day.f)) throw new Error(`${d}: listed twice with different attributes`);
    if (seen) notes.push(`${d} is listed twice in the data (identical entries, kept once)`);
    raw.set(d, day);
  }
  const fFor = (date: string): string | undefined => [...raw.values()].find((x) => x.f && `${year}-${x.f.replace('.', '-')}` === date)?.d;
  const out = new Map<string, OutDay>();
  const usedHolidays = new Set<string>();
  const xmlOf = (r: RawDay) => `t=${r.t}${r.h ? ` h=${r.h}` : ''}${r.f ? ` f=${r.f}` : ''}`;
  for (const r of [...raw.values()].sort((a, b) => a.d.localeCompare(b.d))) {
    if (r.t === '1') {
      let reason: string;
      const title = r.h ? titles.get(r.h) : undefined;
      if (title && EN[title]) reason = `public holiday: ${EN[title]}`;
      else if (title) reason = decreeText(title);
      else if (r.f) {
        const from = `${year}-${r.f.replace('.', '-')}`;
        const src = raw.get(from);
        const srcTitle = src?.h ? titles.get(src.h) : undefined;
        const named = srcTitle && EN[srcTitle] ? `, ${EN[srcTitle]}` : FIXED[from.slice(5)] ? `, ${FIXED[from.slice(5)]}` : '';
        reason = `transferred day off (from ${from}${named})`;
        usedHolidays.add(from);
      } else if (isWeekend(r.d)) reason = 'weekend';
      else {
        // A weekday off with no source named: a holiday that fell on the weekend just before it
        // moves to the next working day (Labour Code Art. 112 Part 2).
        let from: string | undefined;
        for (let back = 1; back <= 7 && !from; back++) {
          const c = addDays(r.d, -back);
          if (FIXED[c.slice(5)] && isWeekend(c) && !usedHolidays.has(c) && !c.startsWith(`${year}-01-0`)) from = c;
        }
        if (from) usedHolidays.add(from);
        reason = from ? `transferred day off (from ${from}, ${FIXED[from.slice(5)]} on a ${dayName(from)})` : 'transferred day off (the data does not name the date it was moved from)';
      }
      out.set(r.d, { date: r.d, kind: 'off', reason, xml: xmlOf(r) });
    } else if (r.t === '2' || r.t === '3') {
      const short = r.t === '2';
      let reason: string;
      if (isWeekend(r.d)) {
        const to = fFor(r.d);
        reason = `working ${dayName(r.d)}${short ? ', shortened' : ''} (${to ? `day off moved to ${to}` : 'a day off moved to another date'})`;
      } else reason = short ? 'shortened pre-holiday working day' : 'working day';
      out.set(r.d, { date: r.d, kind: short ? 'short' : 'working', reason, xml: xmlOf(r) });
    } else throw new Error(`${r.d}: unknown t="${r.t}"`);
  }
  // Working weekend days that later versions name only as `f` sources.
  for (const r of raw.values()) {
    if (!r.f) continue;
    const from = `${year}-${r.f.replace('.', '-')}`;
    if (out.has(from)) continue;
    if (isWeekend(from)) out.set(from, { date: from, kind: 'working', reason: `working ${dayName(from)} (day off moved to ${r.d})`, xml: `derived: named as f="${r.f}" by ${r.d}` });
    else notes.push(`${r.d} names f="${r.f}", a weekday the data does not list; ignored`);
  }
  for (const [md, name] of Object.entries(FIXED)) {
    const date = `${year}-${md}`;
    const d = out.get(date);
    if (!d) {
      out.set(date, { date, kind: 'off', reason: `public holiday: ${name}`, xml: 'absent from the data; Labour Code Art. 112 Part 1' });
      notes.push(`${date} (${name}) is absent from the data; added from Labour Code Art. 112`);
    } else if (d.kind !== 'off') throw new Error(`${date}: the fixed holiday ${name} is a working day in the data`);
  }
  return { year, meta, days: [...out.values()].sort((a, b) => a.date.localeCompare(b.date)), notes };
}

/** The whole vendored document from a folder of pinned `<year>.xml` copies. */
export function deriveAll(dir: string): unknown {
  const years: Record<string, unknown> = {};
  for (const name of readdirSync(dir)
    .filter((n) => /^\d{4}\.xml$/.test(n))
    .sort()) {
    const y = deriveYear(readFileSync(join(dir, name), 'utf8'));
    years[y.year] = { ...y.meta, days: y.days, ...(y.notes.length ? { notes: y.notes } : {}) };
  }
  const doc = {
    description: "Russia's production calendar (days off, shortened days, working weekend days), derived from pinned copies of xmlcalendar/data by test/tools/xmlcalendar.derive.ts",
    source: {
      repo: 'xmlcalendar/data',
      format: 't=1 day off, t=2 shortened working day, t=3 working weekend day; h = holiday id; f = the date a day off was moved from',
    },
    years,
  };
  return doc;
}

if (require.main === module) {
  if (!process.argv[2]) throw new Error('usage: xmlcalendar.derive.ts DIR');
  // One day per line, so a re-pinned year reads as a short diff.
  process.stdout.write(
    `${JSON.stringify(deriveAll(process.argv[2]), null, 2).replace(/\{\n\s+"date": ([^\n]+)\n\s+"kind": ([^\n]+)\n\s+"reason": ([^\n]+)\n\s+"xml": ([^\n]+)\n\s+\}/g, '{ "date": $1 "kind": $2 "reason": $3 "xml": $4 }')}\n`,
  );
}
