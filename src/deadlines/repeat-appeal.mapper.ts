import type { TenantDeadlineSettings } from '../config/hub-config.schema';

/** What a repeat check compares of an appeal: its topic and where the problem is. */
export interface AppealSubject {
  caseRef: string;
  topic?: string;
  address?: string;
  point?: { lat: number; lon: number };
}

/** Why two appeals are one problem: the topic, and how the location matched. */
export interface RepeatMatch {
  caseRef: string;
  on: ('topic' | 'same-address' | 'nearby')[];
}

const EARTH_M = 6_371_000;

/** Great-circle distance in metres (haversine; plenty for a few hundred metres). */
export function metresBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lon - a.lon) / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** An address as compared: case, punctuation and spacing do not make two addresses different. */
export function addressKey(address: string): string {
  return address
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether `later` repeats `earlier` (same applicant is the caller's check): the same topic code
 * when the tenant matches on topic, and the same location when it matches on location — two
 * points within `distanceMeters`, or the same address; when neither appeal names a place the
 * location does not tell them apart, when only one does it does.
 */
export function repeatOf(later: AppealSubject, earlier: AppealSubject, s: TenantDeadlineSettings['repeat']): RepeatMatch | undefined {
  const on: RepeatMatch['on'] = [];
  if (s.match.includes('topic')) {
    if (!later.topic || later.topic !== earlier.topic) return undefined;
    on.push('topic');
  }
  if (s.match.includes('location')) {
    const placed = (x: AppealSubject) => x.point !== undefined || (x.address !== undefined && addressKey(x.address) !== '');
    if (placed(later) || placed(earlier)) {
      if (later.point && earlier.point && metresBetween(later.point, earlier.point) <= s.distanceMeters) on.push('nearby');
      else if (later.address && earlier.address && addressKey(later.address) === addressKey(earlier.address)) on.push('same-address');
      else return undefined;
    }
  }
  return on.length ? { caseRef: earlier.caseRef, on } : undefined;
}

/** The subject of an appeal from its `data` (appeal.submitted). */
export function subjectOf(caseRef: string, data: Record<string, unknown>): AppealSubject {
  const topic = (data.topic as { code?: unknown } | undefined)?.code;
  const loc = data.location as { address?: unknown; point?: { lat?: unknown; lon?: unknown } } | undefined;
  const point = loc?.point && typeof loc.point.lat === 'number' && typeof loc.point.lon === 'number' ? { lat: loc.point.lat, lon: loc.point.lon } : undefined;
  return {
    caseRef,
    ...(typeof topic === 'string' ? { topic } : {}),
    ...(typeof loc?.address === 'string' ? { address: loc.address } : {}),
    ...(point ? { point } : {}),
  };
}
