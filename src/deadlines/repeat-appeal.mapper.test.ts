import { addressKey, metresBetween, repeatOf, subjectOf } from './repeat-appeal.mapper';

const both = { windowDays: 90, match: ['topic', 'location'] as ('topic' | 'location')[], distanceMeters: 150 };

describe('repeat appeals', () => {
  const earlier = { caseRef: 'EP-1', topic: 'waste', address: 'вул. Хрещатик, 10', point: { lat: 50.4501, lon: 30.5234 } };

  it('the same topic and a point within the distance is a repeat', () => {
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste', point: { lat: 50.4509, lon: 30.5236 } }, earlier, both)).toEqual({ caseRef: 'EP-1', on: ['topic', 'nearby'] });
  });

  it('the same address written differently is a repeat; another topic, another address or a far point is not', () => {
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste', address: 'Вул.  Хрещатик 10' }, earlier, both)?.on).toEqual(['topic', 'same-address']);
    expect(repeatOf({ caseRef: 'EP-2', topic: 'lighting', address: 'вул. Хрещатик, 10' }, earlier, both)).toBeUndefined();
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste', address: 'вул. Хрещатик, 12' }, { ...earlier, point: undefined }, both)).toBeUndefined();
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste', point: { lat: 50.46, lon: 30.5234 } }, { ...earlier, address: undefined }, both)).toBeUndefined();
  });

  it('without places on either side the topic decides; a place on one side only tells them apart', () => {
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste' }, { caseRef: 'EP-1', topic: 'waste' }, both)?.on).toEqual(['topic']);
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste' }, earlier, both)).toBeUndefined();
  });

  it('matching on topic only ignores the place', () => {
    expect(repeatOf({ caseRef: 'EP-2', topic: 'waste', address: 'elsewhere' }, earlier, { ...both, match: ['topic'] })?.on).toEqual(['topic']);
  });

  it('measures and normalises as documented', () => {
    expect(Math.round(metresBetween({ lat: 50, lon: 30 }, { lat: 50.001, lon: 30 }))).toBe(111);
    expect(addressKey('  Вул. ХРЕЩАТИК,   10 ')).toBe('вул хрещатик 10');
    expect(subjectOf('EP-3', { topic: { code: 'waste' }, location: { address: 'a', point: { lat: 1, lon: 2 } } })).toEqual({
      caseRef: 'EP-3',
      topic: 'waste',
      address: 'a',
      point: { lat: 1, lon: 2 },
    });
  });
});
