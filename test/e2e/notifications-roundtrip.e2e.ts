import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { exampleEvent, validateEvent } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { RunningTelegramMock, startTelegramMock } from '../../mocks/telegram';
import { RunningTwilioMock, startTwilioMock } from '../../mocks/twilio';
import { RunningViberMock, startViberMock } from '../../mocks/viber';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * The "done when", with every real adapter against its mock: an appeal goes to 1C, the
 * clerk registers and answers it, and the citizen hears both on Viber in Russian; with Viber
 * failing the answer arrives by SMS (Twilio) once; delivery statuses (from Viber's and Twilio's
 * signed callbacks) arrive on cabinet.out; a Telegram chat is linked with a one-time token and
 * answers /status with the citizen's own case.
 */

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('notifications round trip: 1C → hub → Viber / Twilio / Telegram mocks', () => {
  let dm: RunningDocflowMock;
  let viber: RunningViberMock;
  let twilio: RunningTwilioMock;
  let telegram: RunningTelegramMock;
  let hub: TestHub;
  let probe: AmqpProbe;
  let out: Received[];

  beforeAll(async () => {
    dm = await start1cDocflowMock({ users: [{ login: 'portal', password: 'portal-1c' }] });
    viber = await startViberMock({ autoCreateUsers: true });
    twilio = await startTwilioMock();
    telegram = await startTelegramMock();
    Object.assign(process.env, {
      RT_1C_PASSWORD: 'portal-1c',
      RT_VIBER_TOKEN: viber.authToken,
      RT_TWILIO_TOKEN: 'twilio-demo-auth-token',
      RT_TELEGRAM_TOKEN: '123456789:AAHdemo-cabinet-hub-bot-token_000000',
      RT_TELEGRAM_SECRET: 'rt-webhook-secret',
    });
    const space = await createTestSpace();
    const port = await freePort();
    space.env.httpPort = port;
    hub = await startTestHub({
      space,
      yaml: `
hub: { source: urn:cabinet-hub:test, publicUrl: "http://127.0.0.1:${port}", amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Демо громада, locale: uk }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${dm.url}", login: portal, password: { env: RT_1C_PASSWORD }, timeZone: Etc/GMT-3 }
    runner: { pollIntervalMs: 300 }
  viber-bot:
    type: messenger.viber
    config: { authToken: { env: RT_VIBER_TOKEN }, baseUrl: "${viber.url}", senderName: Демо громада }
  telegram-bot:
    type: messenger.telegram
    config: { token: { env: RT_TELEGRAM_TOKEN }, apiRoot: "${telegram.apiRoot}", webhookSecret: { env: RT_TELEGRAM_SECRET }, perChatIntervalMs: 0 }
  sms:
    type: sms.twilio
    config: { accountSid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, authToken: { env: RT_TWILIO_TOKEN }, from: "+15005550006", baseUrl: "${twilio.url}" }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-1c] }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
notifications:
  channels: { viber: viber-bot, telegram: telegram-bot, sms: sms }
  order: [viber, telegram, sms]
  confirmWithinMs: { viber: 20000, sms: 20000, telegram: 0 }
  rules:
    - { on: appeal.registered, template: appeal.registered }
    - { on: appeal.answered, template: appeal.answered, mandatory: true }
`,
    });
    probe = await AmqpProbe.connect(space.amqpUrl);
    out = await probe.listen('cabinet.out', 'demo.#');
    // Viber and Telegram webhooks are registered once the hub listens.
    await eventually('webhooks registered', () => hub.logs.filter((l) => l.includes('"event":"adapter.callbacks-registered"')).length === 2, 15000);
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
    await Promise.all([dm?.close(), viber?.close(), twilio?.close(), telegram?.close()]);
  });

  const statuses = (caseRef: string) => out.filter((m) => m.routingKey === 'demo.notification.status-changed' && m.json().data.caseRef === caseRef).map((m) => m.json());

  it('tells the citizen of registration and answer on Viber in Russian; with Viber failing, the answer arrives by SMS once', async () => {
    const phone = '+380501112233';
    const viberId = `citizen-${randomUUID().slice(0, 6)}=`;
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    delete ev.subject;
    ev.data.caseRef = `EP-RT-${randomUUID().slice(0, 6)}`;
    ev.data.applicant.contacts = { phone, viberUserId: viberId, locale: 'ru', notificationChannels: ['viber', 'sms'] };
    await probe.publishEvent(ev);

    const id = documentGuid(ev);
    await eventually('document in 1C', () => dm.clerk.documents({ type: 'DMIncomingDocument' }).find((d) => d.id === id), 15000);
    dm.clerk.register(id);
    const registered = await eventually('registration on Viber', () => viber.users.messages(viberId).find((m) => (m.text ?? '').includes(ev.data.caseRef)), 20000);
    expect(registered.text).toContain(`Ваше обращение ${ev.data.caseRef} зарегистрировано`);
    expect(registered.text).toContain(`№ ${dm.clerk.document(id).regNumber}`);
    await eventually('viber delivered on cabinet.out', () => statuses(ev.data.caseRef).find((s) => s.data.channel === 'viber' && s.data.status === 'delivered'), 15000);

    viber.users.update(viberId, { behaviour: 'fails' });
    dm.clerk.answer(id, { text: 'Контейнерную площадку убрали.' });
    const sms = await eventually('answer by SMS', () => twilio.messages.list({ to: phone }).find((m) => m.body.includes(ev.data.caseRef)), 30000);
    expect(sms.body).toMatch(/^На обращение EP-RT-\w+ дан ответ\. Текст ответа - в личном кабинете\. Демо громада$/);
    await eventually('sms delivered on cabinet.out', () => statuses(ev.data.caseRef).find((s) => s.data.channel === 'sms' && s.data.status === 'delivered'), 20000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(twilio.messages.list({ to: phone }).filter((m) => m.body.includes(ev.data.caseRef))).toHaveLength(1);
    expect(viber.users.messages(viberId).filter((m) => (m.text ?? '').includes(ev.data.caseRef))).toHaveLength(2); // registration, and the answer that failed

    const answerSteps = statuses(ev.data.caseRef)
      .filter((s) => s.data.template === 'appeal.answered')
      .map((s) => `${s.data.channel}:${s.data.status}`);
    expect(answerSteps).toEqual(expect.arrayContaining(['viber:queued', 'viber:sent', 'viber:failed', 'sms:queued', 'sms:sent', 'sms:delivered']));
    expect(answerSteps.indexOf('viber:failed')).toBeLessThan(answerSteps.indexOf('sms:queued'));
    for (const s of statuses(ev.data.caseRef)) expect(validateEvent(s)).toMatchObject({ ok: true });
    const failed = statuses(ev.data.caseRef).find((s) => s.data.channel === 'viber' && s.data.status === 'failed');
    expect(failed?.data.failure.code).toBe('viber:failed');
  });

  it('links a Telegram chat with a one-time token and answers /status with the citizen’s own case only', async () => {
    const citizen = `cabinet:${randomUUID().slice(0, 8)}`;
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    delete ev.subject;
    ev.data.caseRef = `EP-TG-${randomUUID().slice(0, 6)}`;
    ev.data.applicant.identity.subjectRef = citizen;
    await probe.publishEvent(ev);
    await eventually('case opened', async () => (await sql(hub.space.schema, 'SELECT 1 FROM cases WHERE case_ref = $1', [ev.data.caseRef])).length === 1);

    const token = randomUUID().replace(/-/g, '').slice(0, 24);
    const link = exampleEvent('contact.link-requested', { id: randomUUID(), tenant: 'demo' }) as any;
    link.data = { citizenRef: citizen, token, expiresAt: new Date(Date.now() + 600_000).toISOString(), locale: 'uk' };
    await probe.publishEvent(link);
    await eventually('token stored', async () => (await sql(hub.space.schema, 'SELECT 1 FROM link_token WHERE citizen_ref = $1', [citizen])).length === 1);

    const chat = telegram.chats.open({ firstName: 'Олена', languageCode: 'uk' });
    telegram.chats.start(chat.id, token);
    const linked = await eventually('contact.linked', () => out.find((m) => m.routingKey === 'demo.contact.linked' && m.json().data.citizenRef === citizen));
    expect(linked.json().data).toMatchObject({ channel: 'telegram', address: String(chat.id), active: true });
    await eventually('welcome in the chat', () => telegram.chats.messages(chat.id).find((m) => (m.text ?? '').startsWith('Готово!')));

    telegram.chats.send(chat.id, '/status');
    const answer = await eventually('status answer', () => telegram.chats.messages(chat.id).find((m) => (m.text ?? '').includes('Ваші звернення')), 15000);
    expect(answer.text).toContain(ev.data.caseRef);
    expect(answer.text).not.toContain('EP-RT-');
  });
});
