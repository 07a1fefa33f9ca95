import {
  auditDiff,
  breachingWithin,
  changesCitizenData,
  deadLetterOf,
  jsonDiff,
  keepKeyOf,
  MASK,
  maskCitizenData,
  redriveOrder,
  resendOptions,
  touchesCitizenData,
  unmask,
} from './dead-letter.mapper';

const failed = (extra: Record<string, unknown> = {}) => ({
  content: Buffer.from(JSON.stringify({ id: 'ev-1', type: 'appeal.submitted', tenant: 'demo', data: { caseRef: 'EP-1', applicant: { name: 'Іван' } } })),
  properties: {
    messageId: 'ev-1',
    contentType: 'application/cloudevents+json',
    userId: 'portal',
    headers: {
      'x-hub-consumer': 'hub.work.edms-1c',
      'x-hub-error': 'HTTP 500',
      'x-hub-error-class': 'transient',
      'x-hub-failed-at': '2024-12-01T10:00:00.000Z',
      'x-hub-attempts': 3,
      'x-hub-attempt': 3,
      'x-hub-original-exchange': 'hub.work',
      'x-hub-original-routing-key': 'edms-1c',
      'x-hub-journal-id': 'j-1',
      ...extra,
    },
  },
});

describe('dead letter of a DLQ message', () => {
  it('reads queue, tenant, case, route, reason, class and attempts from the failure headers', () => {
    const l = deadLetterOf('hub.work.edms-1c.dlq', failed(), ['demo']);
    expect(l).toMatchObject({
      queue: 'hub.work.edms-1c',
      tenant: 'demo',
      messageId: 'ev-1',
      eventId: 'ev-1',
      type: 'appeal.submitted',
      caseRef: 'EP-1',
      originalExchange: 'hub.work',
      originalRoutingKey: 'edms-1c',
      reason: 'HTTP 500',
      errorClass: 'transient',
      attempts: 3,
      failedAt: new Date('2024-12-01T10:00:00.000Z'),
    });
  });

  it('puts a tenant that is not configured under unknown', () => {
    expect(deadLetterOf('hub.ingress.dlq', failed(), ['other']).tenant).toBe('unknown');
  });

  it('keeps one key across redeliveries (x-delivery-count) and a new one for a new failure', () => {
    const a = keepKeyOf('q.dlq', failed().properties.headers, failed().content);
    expect(keepKeyOf('q.dlq', failed({ 'x-delivery-count': 2 }).properties.headers, failed().content)).toBe(a);
    expect(keepKeyOf('q.dlq', failed({ 'x-hub-failed-at': '2024-12-01T11:00:00.000Z' }).properties.headers, failed().content)).not.toBe(a);
  });

  it('resends without the failure headers, with the redrive headers, and user_id only when it is the hub own user', () => {
    const l = deadLetterOf('hub.work.edms-1c.dlq', failed(), ['demo']);
    const o = resendOptions(l, 'hub', { 'x-hub-redriven': 1, 'x-hub-redrive-of': 'id-1' });
    expect(o.headers).toEqual({ 'x-hub-original-exchange': 'hub.work', 'x-hub-original-routing-key': 'edms-1c', 'x-hub-journal-id': 'j-1', 'x-hub-redriven': 1, 'x-hub-redrive-of': 'id-1' });
    expect(o).toMatchObject({ messageId: 'ev-1', contentType: 'application/cloudevents+json', persistent: true });
    expect(o.userId).toBeUndefined();
    expect(resendOptions(l, 'portal', {}).userId).toBe('portal');
  });
});

describe('redrive order', () => {
  const at = (h: number) => new Date(Date.UTC(2024, 11, 1, h));
  it('puts the soonest deadline first and letters without a deadline last', () => {
    const order = redriveOrder([
      { id: 'none-early', failedAt: at(1) },
      { id: 'due-48h', dueAt: at(48), failedAt: at(2) },
      { id: 'due-2h', dueAt: at(2), failedAt: at(3) },
      { id: 'none-late', failedAt: at(4) },
    ]).map((x) => x.id);
    expect(order).toEqual(['due-2h', 'due-48h', 'none-early', 'none-late']);
  });

  it('counts distinct cases breaching within the window, overdue included', () => {
    const now = at(0);
    expect(
      breachingWithin([{ caseId: 'a', dueAt: at(2) }, { caseId: 'a', dueAt: at(2) }, { caseId: 'b', dueAt: new Date(now.getTime() - 1) }, { caseId: 'c', dueAt: at(30) }, {}], now, 24 * 3600_000),
    ).toBe(2);
  });
});

describe('citizen data rule', () => {
  it.each([
    ['/data/applicant/name', true],
    ['/data/applicant/contacts/phone', true],
    ['/data/recipient/contacts/email', true],
    ['/data/location/address', true],
    ['/data/text', true],
    ['/data/address', true],
    ['/data', true],
    ['/data/topic', false],
    ['/data/caseRef', false],
    ['/data/public', false],
    ['/time', false],
    ['/id', false],
  ])('%s → %s', (pointer, expected) => {
    expect(touchesCitizenData(pointer)).toBe(expected);
  });
});

describe('diff, masking and unmasking', () => {
  const before = { id: 'x', data: { topic: 'roads', applicant: { name: 'Іван', contacts: { phone: '+380501112233' } }, tags: ['a', 'b'] } };
  it('lists changed pointers with before and after', () => {
    const after = { id: 'x', data: { topic: 'water', applicant: { name: 'Іван', contacts: { phone: '+380501112244' } }, tags: ['a'], extra: 1 } };
    expect(jsonDiff(before, after)).toEqual([
      { op: 'replace', path: '/data/topic', before: 'roads', after: 'water' },
      { op: 'replace', path: '/data/applicant/contacts/phone', before: '+380501112233', after: '+380501112244' },
      { op: 'remove', path: '/data/tags/1', before: 'b' },
      { op: 'add', path: '/data/extra', after: 1 },
    ]);
    expect(changesCitizenData(jsonDiff(before, after))).toBe(true);
    expect(changesCitizenData(jsonDiff(before, { ...before, data: { ...before.data, topic: 'water' } }))).toBe(false);
    expect(auditDiff(jsonDiff(before, after))[1]).toEqual({ op: 'replace', path: '/data/applicant/contacts/phone', before: MASK, after: MASK });
  });

  it('masks citizen data and reads masked values back as unchanged', () => {
    const masked = maskCitizenData(before) as typeof before;
    expect(masked.data.applicant).toEqual({ name: MASK, contacts: { phone: MASK } });
    expect(masked.data.topic).toBe('roads');
    const edited = { ...masked, data: { ...masked.data, topic: 'water' } };
    expect(jsonDiff(before, unmask(edited, before))).toEqual([{ op: 'replace', path: '/data/topic', before: 'roads', after: 'water' }]);
  });
});
