import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { applicationGuid } from '../../adapters/edms-1c-docflow/application.mapper';
import { ApplicationSubmitted, exampleEvent, validateEvent } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { RunningTwilioMock, startTwilioMock } from '../../mocks/twilio';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { OpensslSigner, sha256Hex } from '../helpers/signed-file.fixture';
import { createTestSpace, startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * A utility-connection application end to end, as issue 8's "done when" describes it: a legal
 * entity's application with a PDF (by URL, from the portal's allowed file host) and its detached
 * CMS signature made by openssl → a document in the 1C mock with both files byte-identical →
 * registered with a number → the clerk sends technical conditions (2 MB) and a signed contract
 * (20 MB) → the portal receives application.document-added and downloads both through the hub's
 * signed links, matching their sha256 → contract concluded → connected; GET …/history lists every
 * step with its author; the applicant got an SMS for each milestone. Then the refusals: a
 * signature over another file, and a URL off the allow-list (nothing fetched from it).
 * Slow-ish (~30 s): 20 MB travels 1C mock → hub store → portal.
 */

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The portal's file host: serves what a test puts there and counts requests. */
class FileHost {
  readonly files = new Map<string, Buffer>();
  requests = 0;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.requests++;
      const body = this.files.get(req.url ?? '');
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const TOKEN = 'e2e-utility-portal-token-0001';
process.env.E2E_APP_TOKEN = TOKEN;
process.env.E2E_APP_1C_PASSWORD = 'portal-1c';
process.env.E2E_APP_TWILIO_TOKEN = 'twilio-demo-auth-token';

describe('utility-connection application round trip: portal → hub → 1C mock → portal', () => {
  let dm: RunningDocflowMock;
  let twilio: RunningTwilioMock;
  let portalFiles: FileHost;
  let strangerFiles: FileHost;
  let hub: TestHub;
  let probe: AmqpProbe;
  let out: Received[];
  const signer = new OpensslSigner();

  beforeAll(async () => {
    dm = await start1cDocflowMock({ users: [{ login: 'portal', password: 'portal-1c' }] });
    twilio = await startTwilioMock();
    portalFiles = await new FileHost().start();
    strangerFiles = await new FileHost().start();
    const space = await createTestSpace();
    const port = await freePort();
    space.env.httpPort = port;
    hub = await startTestHub({
      space,
      yaml: `
hub: { source: urn:cabinet-hub:test, publicUrl: "http://127.0.0.1:${port}", amqp: { allowAnonymousPublishers: true } }
tenants:
  utility: { name: Водоканал, locale: ru, files: { allowedHosts: ["${portalFiles.url}"] } }
publishers:
  utility-portal: { tenants: [utility], types: [application.*], httpTokens: [{ env: E2E_APP_TOKEN }] }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${dm.url}", login: portal, password: { env: E2E_APP_1C_PASSWORD }, timeZone: Etc/GMT-3 }
    runner: { pollIntervalMs: 300, timeoutMs: 60000 }
  sms:
    type: sms.twilio
    config: { accountSid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, authToken: { env: E2E_APP_TWILIO_TOKEN }, from: "+15005550006", baseUrl: "${twilio.url}" }
routes:
  - { tenants: ['*'], types: [application.submitted, application.document-added], to: [edms-1c] }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
notifications:
  channels: { sms: sms }
  order: [sms]
  confirmWithinMs: { sms: 0 }
  defaultRules: true
`,
    });
    probe = await AmqpProbe.connect(space.amqpUrl);
    out = await probe.listen('cabinet.out', 'utility.#');
  }, 60_000);
  afterAll(async () => {
    signer.close();
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
    await Promise.all([dm?.close(), twilio?.close(), portalFiles?.close(), strangerFiles?.close()]);
  });

  const phone = '+79161234567';

  /** A legal entity's application whose PDF is on `host` and whose signature (over `signedContent`) travels inline. */
  function application(host: FileHost, pdf: Buffer, signedContent = pdf) {
    const ev = exampleEvent('application.submitted', { id: randomUUID(), tenant: 'utility', subject: undefined }) as any;
    const data = ev.data as ApplicationSubmitted;
    data.caseRef = `TP-${randomUUID().slice(0, 8)}`;
    data.applicant.contacts = { phone, email: 'office@sev-luch.example', locale: 'ru', notificationChannels: ['sms'] };
    data.applicant.registrationCodes = [
      { scheme: 'inn', value: '5321000000' },
      { scheme: 'ogrn', value: '1025300000001' },
    ];
    const path = `/files/${data.caseRef}.pdf`;
    host.files.set(path, pdf);
    const sig = signer.sign(signedContent);
    data.files = [
      {
        id: 'z-1',
        name: 'Заявка на подключение.pdf',
        mediaType: 'application/pdf',
        size: pdf.length,
        sha256: sha256Hex(pdf),
        url: `${host.url}${path}`,
        signatures: [
          {
            id: 'z-1-sig',
            name: 'Заявка на подключение.pdf.p7s',
            mediaType: 'application/pkcs7-signature',
            size: sig.length,
            sha256: sha256Hex(sig),
            contentBase64: sig.toString('base64'),
            format: 'cades',
          },
        ],
      },
    ];
    return ev;
  }

  const post = async (ev: unknown) => {
    const res = await fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(ev) });
    return res.status;
  };
  const events = (caseRef: string, type: string) => out.filter((m) => m.routingKey === `utility.${type}` && m.json().data.caseRef === caseRef).map((m) => m.json());
  const sms = (caseRef: string) => twilio.messages.list({ to: phone }).filter((m) => m.body.includes(caseRef));

  it('files the application with its signed PDF, carries every milestone and document back, and tells the applicant each time', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(700 * 1024)]); // over the inline limit: it travels by URL
    const ev = application(portalFiles, pdf);
    const caseRef = ev.data.caseRef as string;
    expect(await post(ev)).toBe(202);

    const id = applicationGuid('utility', caseRef);
    const doc = await eventually('application in 1C with its files', () => dm.clerk.documents().find((d) => d.id === id && d.files.length === 1 && d.files[0].signatures?.length === 1), 20000);
    expect(doc.files[0].sha256).toBe(sha256Hex(pdf));
    expect(doc.files[0].signatures![0].sha256).toBe(ev.data.files[0].signatures[0].sha256);
    expect(doc.documentType?.name).toBe('Заявка на технологическое присоединение');
    // The evidence: both digests and the signer as read from the signature, once for the event.
    const [evidence] = await sql<any>(hub.space.schema, `SELECT status, convert_from(body, 'UTF8')::jsonb AS body FROM journal WHERE type = 'files.checked' AND event_id = $1`, [ev.id]);
    expect(evidence.status).toBe('accepted');
    expect(evidence.body.files[0]).toMatchObject({
      sha256: sha256Hex(pdf),
      signatures: [{ sha256: ev.data.files[0].signatures[0].sha256, signers: [{ verified: 'match', subject: { commonName: 'Смирнов Алексей Викторович' } }] }],
    });

    dm.clerk.register(id, { by: 'Петрова Анна Сергеевна' });
    const registered = await eventually('application.registered', () => events(caseRef, 'application.registered')[0], 15000);
    expect(registered.data.registrationNumber).toBe(dm.clerk.document(id).regNumber);

    const tu = randomBytes(2 * 1024 * 1024);
    const contract = randomBytes(20 * 1024 * 1024);
    dm.clerk.send(id, {
      kind: 'technical-conditions',
      text: 'Технические условия',
      files: [{ name: 'Технические условия.pdf', content: tu, signatures: [{ name: 'Технические условия.pdf.p7s', content: signer.sign(tu) }] }],
      by: 'Иванов Пётр',
    });
    dm.clerk.send(id, {
      kind: 'contract-signed',
      files: [{ name: 'Договор о подключении.pdf', content: contract, signatures: [{ name: 'Договор о подключении.pdf.p7s', content: signer.sign(contract) }] }],
      by: 'Иванов Пётр',
    });
    const docs = await eventually(
      'both documents on cabinet.out',
      () => (events(caseRef, 'application.document-added').length === 2 ? events(caseRef, 'application.document-added') : undefined),
      40000,
    );
    for (const [d, bytes, kind] of [
      [docs[0], tu, 'technical-conditions'],
      [docs[1], contract, 'contract-signed'],
    ] as const) {
      expect(validateEvent(d)).toMatchObject({ ok: true });
      expect(d.data).toMatchObject({ kind, author: { kind: 'employee', name: 'Иванов Пётр' }, system: 'edms.1c-docflow' });
      const res = await fetch(d.data.document.url);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(sha256Hex(body)).toBe(d.data.document.sha256);
      expect(body.equals(bytes)).toBe(true);
      expect(d.data.document.signatures).toHaveLength(1);
    }

    dm.clerk.status(id, 'ДоговорЗаключен', { by: 'Сидорова Мария' });
    dm.clerk.status(id, 'Подключен', { by: 'Сидорова Мария' });
    await eventually('connected', () => events(caseRef, 'application.status-changed').find((e) => e.data.status === 'connected'), 15000);
    const [kase] = await sql<any>(hub.space.schema, 'SELECT status FROM cases WHERE case_ref = $1', [caseRef]);
    expect(kase.status).toBe('connected');

    const history: any = await (await fetch(`${hub.url}/v1/cases/utility/${caseRef}/history?limit=200`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    const all = (history.steps as any[]).map((s) => [s.step, s.step === 'status-changed' ? s.status : (s.documentKind ?? ''), s.author?.name]);
    // Sending the technical conditions and the contract both mean "contract sent": one step when 1C
    // stamped both in the same second (the second is the same status at the same time), else two.
    const steps = all.filter((s, i) => !(s[1] === 'contract-sent' && all.slice(0, i).some((p) => p[1] === 'contract-sent')));
    expect(steps).toEqual([
      ['submitted', '', 'ООО «Северный луч»'],
      ['registered', '', expect.any(String)],
      ['status-changed', 'contract-sent', 'Иванов Пётр'],
      ['document-added', 'technical-conditions', 'Иванов Пётр'],
      ['document-added', 'contract-signed', 'Иванов Пётр'],
      ['status-changed', 'contract-concluded', 'Сидорова Мария'],
      ['status-changed', 'connected', 'Сидорова Мария'],
    ]);

    // One SMS per step the applicant sees: registration, each status, both documents.
    const expected = all.filter((s) => s[0] !== 'submitted').length;
    const texts = await eventually('an SMS per milestone', () => (sms(caseRef).length >= expected ? sms(caseRef).map((m) => m.body) : undefined), 30000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sms(caseRef)).toHaveLength(expected);
    expect(texts.some((t) => t.startsWith(`Заявка ${caseRef} зарегистрирована`))).toBe(true);
    expect(texts.some((t) => t.includes('договор направлен'))).toBe(true);
    expect(texts.some((t) => t.includes('договор заключён'))).toBe(true);
    expect(texts.some((t) => t.includes('присоединено'))).toBe(true);
    expect(texts.filter((t) => t.includes('направлен документ'))).toHaveLength(2);
  }, 120_000);

  it('refuses a signature made over another file, naming the file; nothing reaches 1C', async () => {
    const pdf = Buffer.from('%PDF-1.7 заявка');
    const ev = application(portalFiles, pdf, Buffer.from('%PDF-1.7 другой файл'));
    const caseRef = ev.data.caseRef as string;
    expect(await post(ev)).toBe(202);
    const rejected = await eventually('message.rejected', () => out.find((m) => m.routingKey === 'utility.message.rejected' && m.json().data.originalId === ev.id), 15000);
    expect(rejected.json().data.errors).toEqual([{ pointer: '/data/files/0/signatures/0', reason: expect.stringContaining('"Заявка на подключение.pdf"') }]);
    expect(rejected.json().data.errors[0].reason).toContain('different content');
    await new Promise((r) => setTimeout(r, 500));
    expect(dm.clerk.documents().find((d) => d.id === applicationGuid('utility', caseRef))).toBeUndefined();
  });

  it('refuses a file on a host the tenant does not allow, without fetching anything from it', async () => {
    const ev = application(strangerFiles, Buffer.from('%PDF-1.7 по чужой ссылке'));
    expect(await post(ev)).toBe(202);
    const rejected = await eventually('message.rejected', () => out.find((m) => m.routingKey === 'utility.message.rejected' && m.json().data.originalId === ev.id), 15000);
    expect(rejected.json().data.errors).toEqual([{ pointer: '/data/files/0/url', reason: expect.stringContaining('not') }]);
    expect(strangerFiles.requests).toBe(0);
    expect(dm.clerk.documents().find((d) => d.id === applicationGuid('utility', ev.data.caseRef))).toBeUndefined();
  });
});
