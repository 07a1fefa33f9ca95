import type { NotificationDispatch } from '../../contracts';
import { composeMail, failedReport, isSingleMailbox, messageIdDomainOf, messageIdFor, queueIdOf, requestSummary, senderAddressOf, sentReport } from './smtp.mapper';

const dispatch: NotificationDispatch = {
  notificationId: 'n-42',
  dispatchId: '9f0c2a1e-6b3d-4c5e-8f7a-1b2c3d4e5f60',
  channel: 'email',
  address: 'ivan.petrenko@example.org',
  locale: 'uk',
  text: 'Ваше звернення зареєстровано.',
  subject: 'Звернення № 42',
  html: '<p>Ваше звернення зареєстровано.</p>',
  priority: 'high',
};

describe('e-mail mapping', () => {
  it.each([
    ['ivan.petrenko@example.org', true],
    ['іван@приклад.укр', true],
    ['a+tag@sub.example.co.uk', true],
    ['ivan@example.org, olga@example.org', false],
    ['Іван <ivan@example.org>', false],
    ['ivan@example', false],
    ['ivan@@example.org', false],
    ['ivan..p@example.org', false],
    ['ivan@example.org\r\nBcc: x@example.org', false],
    ['', false],
    [`${'a'.repeat(65)}@example.org`, false],
  ])('%j is a single mailbox: %s', (address, ok) => expect(isSingleMailbox(address)).toBe(ok));

  it('takes the Message-ID domain from the sender unless configured, in ASCII', () => {
    expect(senderAddressOf('"Київ Цифровий" <noreply@kyiv.example>')).toBe('noreply@kyiv.example');
    expect(senderAddressOf('noreply@kyiv.example')).toBe('noreply@kyiv.example');
    expect(messageIdDomainOf({ from: '"Київ Цифровий" <noreply@Kyiv.Example>' })).toBe('kyiv.example');
    expect(messageIdDomainOf({ from: 'noreply@київ.укр' })).toBe('xn--b1alf1j.xn--j1amh');
    expect(messageIdDomainOf({ from: 'noreply@kyiv.example', messageIdDomain: 'hub.kyiv.example' })).toBe('hub.kyiv.example');
    expect(messageIdFor(dispatch.dispatchId, 'kyiv.example')).toBe('<9f0c2a1e-6b3d-4c5e-8f7a-1b2c3d4e5f60@kyiv.example>');
  });

  it('composes one message per dispatch with ids, not personal data, in its own headers', () => {
    const date = new Date('2026-04-01T10:00:00Z');
    const mail = composeMail(dispatch, { from: 'noreply@kyiv.example', messageId: '<m@kyiv.example>', date });
    expect(mail).toEqual({
      messageId: '<m@kyiv.example>',
      from: 'noreply@kyiv.example',
      to: 'ivan.petrenko@example.org',
      subject: 'Звернення № 42',
      text: 'Ваше звернення зареєстровано.',
      html: '<p>Ваше звернення зареєстровано.</p>',
      date,
      priority: 'high',
      headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': 'uk', 'X-Hub-Notification-Id': 'n-42', 'X-Hub-Dispatch-Id': dispatch.dispatchId },
    });
    const plain = composeMail({ ...dispatch, subject: undefined, html: undefined, priority: 'bulk' }, { from: 'x@kyiv.example', messageId: '<m@kyiv.example>', date });
    expect(plain).not.toHaveProperty('subject');
    expect(plain).not.toHaveProperty('html');
    expect(plain.priority).toBe('normal');
  });

  it('summarises the request with ids and sizes only', () => {
    const summary = requestSummary(dispatch, '<m@kyiv.example>');
    expect(summary).toEqual({
      dispatchId: dispatch.dispatchId,
      notificationId: 'n-42',
      messageId: '<m@kyiv.example>',
      priority: 'high',
      locale: 'uk',
      subjectLength: 14,
      textLength: 29,
      htmlLength: 36,
    });
    const text = JSON.stringify(summary);
    for (const personal of [dispatch.address, dispatch.text, dispatch.subject!]) expect(text).not.toContain(personal);
  });

  it('builds sent and failed reports keyed by dispatch and Message-ID', () => {
    const at = new Date('2026-04-01T10:00:00Z');
    expect(sentReport('d-1', '<d-1@x.example>', at)).toEqual({ dispatchId: 'd-1', providerMessageId: '<d-1@x.example>', status: 'sent', occurredAt: '2026-04-01T10:00:00.000Z' });
    expect(failedReport('d-1', '<d-1@x.example>', { code: 'smtp:550', message: 'refused' }, true, at)).toEqual({
      dispatchId: 'd-1',
      providerMessageId: '<d-1@x.example>',
      status: 'failed',
      failure: { code: 'smtp:550', message: 'refused' },
      addressInactive: true,
      occurredAt: '2026-04-01T10:00:00.000Z',
    });
    expect(failedReport('d-1', '<d-1@x.example>', { code: 'smtp:554', message: 'refused' }, false, at)).not.toHaveProperty('addressInactive');
  });

  it('reads the queue id from a 250 reply, and nothing else', () => {
    expect(queueIdOf('250 2.6.0 Ok: queued as 7F3A000001')).toBe('7F3A000001');
    expect(queueIdOf('250 2.0.0 OK 1712345678 x1-20020a17 - gsmtp')).toBeUndefined();
    expect(queueIdOf(undefined)).toBeUndefined();
  });
});
