import { createHash, randomUUID } from 'node:crypto';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { newAppeal } from '../helpers/appeal.fixture';
import { eventually } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, type TestHub } from '../helpers/test-hub.helper';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Items 3-5 of issue 10 against a real broker, database and the 1C mock: find an appeal by its
 * registration number, back-office id, event id and the hash of its phone; read its timeline
 * (every step, contacts masked, the breaker state on each attempt); reveal a field as an admin
 * (audited without the value) and be refused as a viewer; tenants isolated.
 */
describe('admin cases: search, timeline, masked personal data', () => {
  let mock: RunningDocflowMock;
  let hub: TestHub;
  let probe: AmqpProbe;
  let admin: string;
  let viewer: string;
  let otherAdmin: string;
  const envName = `TEST_1C_PASSWORD_CASES_${process.pid}`;

  beforeAll(async () => {
    mock = await start1cDocflowMock({ users: [{ login: 'Портал', password: 'portal-secret' }] });
    process.env[envName] = 'portal-secret';
    const space = await createTestSpace();
    hub = await startTestHub({
      space,
      yaml: `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo, deadlines: { country: UA } }
  other: { name: Other }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${mock.url}", login: "Портал", password: { env: ${envName} }, timeZone: Etc/GMT-3 }
    runner: { pollIntervalMs: 300, breakerFailures: 1, breakerOpenMs: 1500 }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-1c] }
retry: { delaysMs: [500, 500, 1000, 1000, 2000, 4000], jitter: 0 }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
deadlines: { intervalMs: 300 }
`,
    });
    probe = await AmqpProbe.connect(space.amqpUrl);
    admin = await adminToken(hub, ['demo:admin']);
    viewer = await adminToken(hub, ['demo:viewer']);
    otherAdmin = await adminToken(hub, ['other:admin']);
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
    await mock?.close();
  });

  /** A fresh appeal with its own phone, submitted now (no deadline alert due at once). */
  function appeal(prefix: string, tenant = 'demo') {
    const ev = newAppeal(`${prefix}-${randomUUID().slice(0, 8)}`, tenant);
    ev.data.submittedAt = new Date().toISOString();
    ev.data.applicant.contacts.phone = `+38067${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    ev.data.applicant.contacts.email = `Citizen.${randomUUID().slice(0, 6)}@Example.com`;
    return ev;
  }

  async function registered(ev: any): Promise<string> {
    const id = documentGuid(ev);
    await eventually('document in 1C', () => mock.clerk.documents({ type: 'DMIncomingDocument' }).find((d) => d.id === id), 15000);
    mock.clerk.register(id);
    const regNumber = mock.clerk.document(id).regNumber as string;
    await eventually(
      'registration applied',
      async () => {
        const r = await adminCall<any>(hub, admin, 'GET', `/v1/admin/demo/cases?registrationNumber=${encodeURIComponent(regNumber)}`);
        return r.body.cases?.length === 1;
      },
      15000,
    );
    return regNumber;
  }

  it('finds a registered appeal by each business key, reads its timeline masked, reveals as admin (audited), refuses a viewer and other tenants', async () => {
    const ev = appeal('EP-TL');
    const caseRef = ev.data.caseRef as string;
    const phone = ev.data.applicant.contacts.phone as string;
    await probe.publishEvent(ev);
    const regNumber = await registered(ev);
    const guid = documentGuid(ev);

    // Each key alone finds exactly this case.
    for (const q of [
      `caseRef=${encodeURIComponent(caseRef)}`,
      `registrationNumber=${encodeURIComponent(regNumber)}`,
      `externalId=${guid}`,
      `eventId=${ev.id}`,
      `contactHash=${sha256(phone.replace(/\D/g, ''))}`,
      `contactHash=${sha256(ev.data.applicant.contacts.email.toLowerCase())}`,
      `caseRef=${encodeURIComponent(caseRef)}&status=registered&adapter=edms-1c&kind=appeal`,
    ]) {
      const r = await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases?${q}`);
      expect({ q, status: r.status, refs: r.body.cases?.map((c: any) => c.caseRef) }).toEqual({ q, status: 200, refs: [caseRef] });
    }
    const [found] = (await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases?caseRef=${encodeURIComponent(caseRef)}`)).body.cases;
    expect(found).toMatchObject({ tenant: 'demo', kind: 'appeal', status: 'registered', registrations: [{ system: 'edms.1c-docflow', registrationNumber: regNumber, externalId: guid }] });
    // Filters that do not hold exclude it.
    for (const q of [
      `caseRef=${encodeURIComponent(caseRef)}&adapter=sms-nope`,
      `caseRef=${encodeURIComponent(caseRef)}&status=answered`,
      `eventId=${randomUUID()}`,
      `contactHash=${sha256('380000000000')}`,
    ]) {
      expect((await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases?${q}`)).body.cases).toEqual([]);
    }
    // The deadline window: the scheduler computes the statutory term; the window around it finds the case, others do not.
    const term = await eventually(
      'term computed',
      async () => (await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases?caseRef=${encodeURIComponent(caseRef)}`)).body.cases[0]?.deadline,
      10000,
    );
    expect(term).toMatchObject({ dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), overdue: false });
    const ref = `caseRef=${encodeURIComponent(caseRef)}`;
    for (const [q, hit] of [
      [`dueFrom=${term.dueDate}&dueTo=${term.dueDate}`, true],
      [`dueTo=2000-01-31`, false],
      [`overdue=false`, true],
      [`overdue=true`, false],
    ] as const) {
      expect({ q, refs: (await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases?${ref}&${q}`)).body.cases.map((c: any) => c.caseRef) }).toEqual({ q, refs: hit ? [caseRef] : [] });
    }
    expect((await adminCall(hub, viewer, 'GET', `/v1/admin/demo/cases?dueFrom=31.01.2026`)).status).toBe(400);
    // A contact in clear never travels in a URL; the hub hashes it from a POST.
    expect((await adminCall(hub, viewer, 'GET', `/v1/admin/demo/cases?phone=${encodeURIComponent(phone)}`)).status).toBe(400);
    const hashed = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/contact-hash', { contact: phone.replace('+38067', '+38 (067) ') });
    expect(hashed.body).toEqual({ kind: 'phone', contactHash: sha256(phone.slice(1)) });

    // A second submission for the same case is refused (the case is taken): a rejection step, all of its data masked.
    const again = appeal('EP-TL');
    again.data.caseRef = caseRef;
    await probe.publishEvent(again);
    const rejection = await eventually(
      'rejection step',
      async () =>
        (await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases/${encodeURIComponent(caseRef)}/timeline`)).body.items.find(
          (i: any) => i.category === 'rejection' && i.summary.eventId === again.id,
        ),
      10000,
    );
    expect(rejection.summary.errors.length).toBeGreaterThan(0);
    const refusedMsg = (await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/messages/${rejection.journalId}`)).body;
    expect(refusedMsg.journal.status).toBe('rejected');
    expect(refusedMsg.event.data.caseRef).toBe(`••• (${caseRef.length})`);
    expect(refusedMsg.maskedFields.every((f: any) => f.pointer.startsWith('/data/'))).toBe(true);
    expect(JSON.stringify(refusedMsg)).not.toContain(again.data.applicant.contacts.phone);

    // The timeline: every step, in time order, personal data masked.
    const tl = await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases/${encodeURIComponent(caseRef)}/timeline`);
    expect(tl.status).toBe(200);
    const items: any[] = tl.body.items;
    const cats = new Set(items.map((i) => i.category));
    for (const c of ['ingress', 'routing', 'attempt', 'registration', 'status']) expect(cats).toContain(c);
    expect(tl.body.sources).toEqual(['journal', 'attempts', 'audit', 'notifications', 'dead-letters']);
    expect([...items].map((i) => Date.parse(i.at))).toEqual(items.map((i) => Date.parse(i.at)).sort((a, b) => a - b));
    const ingress = items.find((i) => i.category === 'ingress');
    expect(ingress.summary).toMatchObject({ eventId: ev.id, via: 'amqp', valid: true, status: 'submitted', author: { kind: 'applicant', name: '•••' } });
    expect(items.find((i) => i.category === 'routing').summary.routes).toContain('edms-1c');
    const attempt = items.find((i) => i.category === 'attempt' && i.summary.outcome === 'ok');
    expect(attempt.summary).toMatchObject({ consumer: 'adapter:edms-1c', breakerState: 'closed' });
    expect(items.find((i) => i.category === 'registration').summary).toMatchObject({ registrationNumber: regNumber, externalId: guid });
    expect(items.filter((i) => i.source === 'audit').map((i) => i.summary.to)).toEqual(expect.arrayContaining(['submitted', 'registered']));
    expect(tl.body.case).toMatchObject({ caseRef, status: 'registered', contacts: { recipient: { phone: `•••${phone.slice(-2)}` } }, deadline: { dueDate: term.dueDate, overdue: false } });
    const text = JSON.stringify(tl.body);
    for (const clear of [phone, ev.data.applicant.contacts.email, ev.data.applicant.name.full, ev.data.text, ev.data.applicant.identity.subjectRef]) expect(text).not.toContain(clear);

    // The message view of the submission: journal entry, attempts, body masked.
    const msg = await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/messages/${ingress.journalId}`);
    expect(msg.status).toBe(200);
    expect(msg.body.journal).toMatchObject({
      id: ingress.journalId,
      direction: 'in',
      status: 'accepted',
      eventId: ev.id,
      dedupeKey: `${ev.source}\n${ev.id}`,
      routes: ['edms-1c'],
      bodyTruncated: false,
    });
    expect(msg.body.event.data.applicant.contacts.phone).toBe(`•••${phone.slice(-2)}`);
    expect(msg.body.event.data.caseRef).toBe(caseRef);
    expect(msg.body.maskedFields).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/data/applicant/contacts/phone', kind: 'phone', revealable: true })]));
    expect(msg.body.attempts.map((a: any) => a.outcome)).toContain('ok');
    expect(JSON.stringify(msg.body)).not.toContain(phone);

    // Reveal: a viewer is refused by the API; an admin must give a reason; the reveal is audited without the value.
    const pointer = '/data/applicant/contacts/phone';
    const refused = await adminCall<any>(hub, viewer, 'POST', `/v1/admin/demo/messages/${ingress.journalId}/reveal`, { pointer, reason: 'the citizen called' });
    expect(refused.status).toBe(403);
    expect((await adminCall(hub, admin, 'POST', `/v1/admin/demo/messages/${ingress.journalId}/reveal`, { pointer })).status).toBe(400);
    expect((await adminCall(hub, admin, 'POST', `/v1/admin/demo/messages/${ingress.journalId}/reveal`, { pointer: '/data/caseRef', reason: 'not masked' })).status).toBe(400);
    const shown = await adminCall<any>(hub, admin, 'POST', `/v1/admin/demo/messages/${ingress.journalId}/reveal`, { pointer, reason: 'the citizen called about the number' });
    expect(shown).toEqual({ status: 200, body: { target: `message:${ingress.journalId}#${pointer}`, pointer, kind: 'phone', value: phone } });
    const caseShown = await adminCall<any>(hub, admin, 'POST', `/v1/admin/demo/cases/${encodeURIComponent(caseRef)}/reveal`, { pointer: '/recipient/email', reason: 'reply by e-mail' });
    expect(caseShown.body).toMatchObject({ kind: 'email', value: ev.data.applicant.contacts.email });
    const audit = await adminCall<any>(hub, admin, 'GET', '/v1/admin/demo/audit?action=pii.reveal');
    const lines = audit.body.lines.filter((l: any) => l.target.includes(ingress.journalId) || l.target.includes(caseRef));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: expect.stringMatching(/^token:/),
          action: 'pii.reveal',
          target: `message:${ingress.journalId}#${pointer}`,
          reason: 'the citizen called about the number',
          after: { kind: 'phone' },
        }),
        expect.objectContaining({ action: 'pii.reveal', target: `case:appeal:${caseRef}#/recipient/email`, reason: 'reply by e-mail', after: { kind: 'email' } }),
      ]),
    );
    expect(lines).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toContain(phone);
    expect(JSON.stringify(audit.body)).not.toContain(ev.data.applicant.contacts.email);

    // Tenants: a token for `other` sees nothing of `demo`.
    expect((await adminCall(hub, otherAdmin, 'GET', `/v1/admin/demo/cases?caseRef=${encodeURIComponent(caseRef)}`)).status).toBe(403);
    expect((await adminCall(hub, otherAdmin, 'GET', `/v1/admin/demo/cases/${encodeURIComponent(caseRef)}/timeline`)).status).toBe(403);
    expect((await adminCall(hub, otherAdmin, 'POST', `/v1/admin/demo/messages/${ingress.journalId}/reveal`, { pointer, reason: 'not mine' })).status).toBe(403);
    expect((await adminCall<any>(hub, otherAdmin, 'GET', `/v1/admin/other/cases?registrationNumber=${encodeURIComponent(regNumber)}`)).body.cases).toEqual([]);
    expect((await adminCall(hub, otherAdmin, 'GET', `/v1/admin/other/cases/${encodeURIComponent(caseRef)}/timeline`)).status).toBe(404);
    expect((await adminCall(hub, otherAdmin, 'GET', `/v1/admin/other/messages/${ingress.journalId}`)).status).toBe(404);

    // The console pages: the search finds it, the case page shows the steps and masked contacts, the contact form redirects with the hash only.
    const page = await adminCall<string>(hub, viewer, 'GET', `/console/cases?registrationNumber=${encodeURIComponent(regNumber)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`data-case-ref="${caseRef}"`);
    const casePage = await adminCall<string>(hub, viewer, 'GET', `/console/cases/demo/${encodeURIComponent(caseRef)}?kind=appeal`);
    expect(casePage.status).toBe(200);
    expect(casePage.body).toContain('id="timeline"');
    expect(casePage.body).toContain('data-category="attempt"');
    expect(casePage.body).toContain('data-pointer="&#x2F;recipient&#x2F;phone"'); // mustache escapes the slashes; the browser reads /recipient/phone
    expect(casePage.body).not.toContain(phone);
    expect(casePage.body).not.toContain('class="action reveal"'); // a viewer gets no reveal form
    expect((await adminCall<string>(hub, admin, 'GET', `/console/cases/demo/${encodeURIComponent(caseRef)}?kind=appeal`)).body).toContain('class="action reveal"');
    const fragment = await fetch(`${hub.url}/console/messages/demo/${ingress.journalId}`, { headers: { authorization: `Bearer ${viewer}`, 'hx-request': 'true' } });
    const fragmentHtml = await fragment.text();
    expect(fragmentHtml.startsWith('<div id="message"')).toBe(true);
    expect(fragmentHtml).not.toContain(phone);
    const contact = await fetch(`${hub.url}/console/cases/contact`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ contact: phone, tenant: 'demo' }).toString(),
      redirect: 'manual',
    });
    expect(contact.status).toBe(303);
    expect(contact.headers.get('location')).toBe(`/console/cases?contactHash=${sha256(phone.slice(1))}&tenant=demo`);
    const htmxReveal = await fetch(`${hub.url}/console/messages/demo/${ingress.journalId}/reveal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' },
      body: new URLSearchParams({ pointer, reason: 'checking the console reveal' }).toString(),
    });
    expect(htmxReveal.status).toBe(200);
    expect(await htmxReveal.text()).toContain(`<span class="revealed" data-revealed="true">${phone}</span>`);
  }, 60_000);

  it('pages through search results with a keyset cursor', async () => {
    const evs = [appeal('EP-PG'), appeal('EP-PG'), appeal('EP-PG')];
    for (const ev of evs) await probe.publishEvent(ev);
    await eventually('cases open', async () => (await adminCall<any>(hub, viewer, 'GET', '/v1/admin/demo/cases?limit=200')).body.cases.length >= 4, 10000);
    const all = (await adminCall<any>(hub, viewer, 'GET', '/v1/admin/demo/cases?limit=200')).body.cases.map((c: any) => c.caseRef);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.body.cases).toHaveLength(1);
      paged.push(r.body.cases[0].caseRef);
      cursor = r.body.nextCursor;
    } while (cursor && paged.length < 50);
    expect(paged).toEqual(all);
    for (const ev of evs) expect(all).toContain(ev.data.caseRef);
    expect((await adminCall(hub, viewer, 'GET', '/v1/admin/demo/cases?cursor=bogus')).status).toBe(400);
    expect((await adminCall(hub, viewer, 'GET', '/v1/admin/demo/cases?typo=1')).status).toBe(400);
  }, 30_000);

  it('records the breaker state on each attempt: closed when it failed, open while it turned the message away, half-open for the trial that succeeded', async () => {
    const ev = appeal('EP-BR');
    mock.admin.fault({ fault: 'http-error', status: 503, count: 1, match: documentGuid(ev), message: 'Сервис временно недоступен' });
    await probe.publishEvent(ev);
    const msgId = await eventually(
      'attempt ok',
      async () => {
        const tl = await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/cases/${encodeURIComponent(ev.data.caseRef)}/timeline`);
        const atts = (tl.body.items ?? []).filter((i: any) => i.category === 'attempt');
        return atts.some((a: any) => a.summary.outcome === 'ok') ? atts[0].journalId : undefined;
      },
      20000,
    );
    const attempts = (await adminCall<any>(hub, viewer, 'GET', `/v1/admin/demo/messages/${msgId}`)).body.attempts;
    expect(attempts[0]).toMatchObject({ outcome: 'transient', breakerState: 'closed' });
    expect(attempts.slice(1, -1).length).toBeGreaterThanOrEqual(1);
    for (const a of attempts.slice(1, -1)) expect(a).toMatchObject({ outcome: 'transient', breakerState: 'open', durationMs: 0 });
    expect(attempts.at(-1)).toMatchObject({ outcome: 'ok', breakerState: 'half-open' });
  }, 40_000);
});
