import { createHash, randomUUID } from 'node:crypto';
import { AppealSubmitted, exampleEvent, validateEvent } from '../../contracts';
import type { RunningDocflowMock } from '../../mocks/1c-docflow';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { DocflowSetup, startDocflowHub } from '../helpers/docflow-hub.helper';
import type { TestHub } from '../helpers/test-hub.helper';

/**
 * The 1С:Документооборот round trip as a portal developer sees it: appeal.submitted on
 * cabinet.in → an incoming document in the 1C mock with its files byte-identical →
 * the clerk registers it → appeal.registered on cabinet.out → the clerk answers →
 * appeal.answered on cabinet.out.
 */
describe('1С:Документооборот round trip through the hub', () => {
  let setup: DocflowSetup;
  let mock: RunningDocflowMock;
  let hub: TestHub;
  let probe: AmqpProbe;

  beforeAll(async () => {
    setup = await startDocflowHub({ login: 'Портал Інтеграція', password: 'portal-secret-1c', mock: {}, runner: '{ pollIntervalMs: 300 }', extraYaml: '' });
    ({ mock, hub, probe } = setup);
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it('registers the appeal in 1C, then carries registration and answer back to the portal', async () => {
    const out = await probe.listen('cabinet.out', 'demo.#');
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    const data = ev.data as AppealSubmitted;
    data.caseRef = `EP-${randomUUID().slice(0, 8)}`;
    delete ev.subject;
    // Written just now: a fresh appeal has no deadline alert due (the example's 2024 date would be overdue at once).
    data.submittedAt = new Date().toISOString();
    const photo = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    data.files = [{ id: 'p1', name: 'фото.jpg', mediaType: 'image/jpeg', size: photo.length, sha256: createHash('sha256').update(photo).digest('hex'), contentBase64: photo.toString('base64') }];
    await probe.publishEvent(ev);

    const id = documentGuid(ev);
    const doc = await eventually('document in 1C', () => mock.clerk.documents({ type: 'DMIncomingDocument' }).find((d) => d.id === id && d.files.length === 1), 15000);
    expect(doc.summary).toBe(data.text);
    expect(doc.files[0].sha256).toBe(data.files[0].sha256);

    mock.clerk.register(id);
    const registered = await eventually('appeal.registered', () => out.find((m) => m.routingKey === 'demo.appeal.registered' && m.json().subject === data.caseRef), 15000);
    expect(validateEvent(registered.json())).toMatchObject({ ok: true });
    expect(registered.json().data).toMatchObject({ system: 'edms.1c-docflow', externalId: id, registrationNumber: mock.clerk.document(id).regNumber });

    mock.clerk.answer(id, { text: 'Сміття вивезено 17.05.', files: [{ name: 'відповідь.pdf', contentBase64: Buffer.from('%PDF answer').toString('base64') }] });
    const answered = await eventually('appeal.answered', () => out.find((m) => m.routingKey === 'demo.appeal.answered' && m.json().subject === data.caseRef), 15000);
    expect(validateEvent(answered.json())).toMatchObject({ ok: true });
    expect(answered.json().data.text).toBe('Сміття вивезено 17.05.');
    expect(Buffer.from(answered.json().data.files[0].contentBase64, 'base64').toString()).toBe('%PDF answer');

    const [kase] = await sql<any>(hub.space.schema, 'SELECT status, external_ids FROM cases WHERE case_ref = $1', [data.caseRef]);
    expect(kase.status).toBe('answered');
    expect(kase.external_ids['edms.1c-docflow'].externalId).toBe(id);
    // Repeated polls must not repeat what the portal already got.
    await new Promise((r) => setTimeout(r, 1000));
    expect(out.filter((m) => m.json().subject === data.caseRef).map((m) => m.routingKey)).toEqual(['demo.appeal.registered', 'demo.appeal.answered']);
  });
});
