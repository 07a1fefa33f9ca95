import { AmqpProbe, type Received } from '../helpers/amqp-probe.client';
import { createVhost, databaseUrl, deleteVhost, dropSchema, eventually, rabbitUrl, uniqueName, withVhost } from '../helpers/infra.helper';
import { OpensslSigner, sha256Hex } from '../helpers/signed-file.fixture';
import { demoAppeal } from './appeal.demo';
import { demoApplication } from './application.demo';
import { MOCK_PORT_VARIABLES } from './demo.config';
import { publishDemoEvent } from './publish.demo';
import { demoIngressToken, startDemo, type RunningDemo } from './run.demo';

/*
 * `npm run demo` as a newcomer uses it, in this process: the printed HTTP line publishes an
 * appeal with the demo token, the printed clerk API registers it in the 1C mock, and the portal's
 * queue and the citizen's Viber inbox (the printed URL) see the result. Own vhost and schema
 * through the variables the demo honours, free ports through 0.
 */
describe('npm run demo', () => {
  const vhost = uniqueName('hubdemo');
  const schema = uniqueName('hubdemo');
  const amqpUrl = withVhost(rabbitUrl(), vhost);
  let demo: RunningDemo;
  let probe: AmqpProbe;
  let out: Received[];
  const said: string[] = [];

  beforeAll(async () => {
    await createVhost(vhost);
    const ports = Object.fromEntries(
      // Every port the demo and its mocks listen on (the S3 mock too, which the demo does not use): a running demo must not matter.
      ['HTTP_PORT', ...Object.values(MOCK_PORT_VARIABLES), 'MOCK_S3_PORT'].map((v) => [v, '0']),
    );
    demo = await startDemo({ ...process.env, ...ports, RABBITMQ_URL: amqpUrl, DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: schema, LOG_LEVEL: 'error' }, (line) => said.push(line));
    probe = await AmqpProbe.connect(amqpUrl);
    out = await probe.listen('cabinet.out', 'demo.#');
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await demo?.close();
    await deleteVhost(vhost);
    await dropSchema(schema);
  });

  /** The first URL in the banner that matches. */
  const printed = (re: RegExp): string => {
    const m = re.exec(demo.banner);
    if (!m) throw new Error(`the banner has no line matching ${re}:\n${demo.banner}`);
    return m[1];
  };

  it('prints the broker it uses without its password, and the mocks’ admin URLs', () => {
    expect(demo.banner).toContain(`/${vhost}`);
    expect(demo.banner).not.toContain('guest:guest');
    for (const port of [demo.ports.docflow, demo.ports.viber, demo.ports.twilio, demo.ports.telegram, demo.ports.smtpAdmin]) expect(demo.banner).toContain(`http://127.0.0.1:${port}/__admin`);
  });

  it('prints the console, which sends a browser to sign in, and runs the OIDC provider it names', async () => {
    const consoleUrl = printed(/The admin console: (http:\S+\/console)/);
    const res = await fetch(consoleUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/login?returnTo=%2Fconsole');
    // The sign-in itself (openid-client is ESM-only, which Jest cannot load in process) is
    // covered with the hub as a process: test/e2e/console.browser.e2e.ts.
    const issuer = printed(/the demo's own OpenID Connect provider at (http:\S+);/);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; code_challenge_methods_supported: string[] };
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.code_challenge_methods_supported).toContain('S256');
  });

  it('takes an appeal over HTTP with the printed token, and the clerk’s registration reaches the portal and the citizen', async () => {
    const ev = demoAppeal();
    const caseRef = (ev.data as { caseRef: string }).caseRef;
    const ingress = printed(/curl -s -X POST (http:\S+\/v1\/events)/);
    const token = printed(/authorization: Bearer (\S+)'/);
    expect(token).toBe(demoIngressToken());
    const post = (auth?: string) =>
      fetch(ingress, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(ev) });
    expect((await post()).status).toBe(401);
    const accepted = await post(token);
    expect(accepted.status).toBe(202);

    const documents = printed(/curl -s (http:\S+\/__admin\/documents) \|/);
    const doc = await eventually(
      'the document in the 1C mock',
      async () => ((await (await fetch(documents)).json()) as { documents: { id: string; title: string }[] }).documents.find((d) => d.title.includes(caseRef)),
      20_000,
      200,
    );
    await eventually('the demo printing the clerk line for it', () => said.some((l) => l.includes(`${documents}/${doc.id}/register`)), 10_000);
    const registered = await fetch(`${documents}/${doc.id}/register`, { method: 'POST' });
    expect(registered.status).toBe(200);
    const { regNumber } = (await registered.json()) as { regNumber: string };

    const event = await eventually('appeal.registered on cabinet.out', () => out.find((m) => m.routingKey === 'demo.appeal.registered' && m.json().data.caseRef === caseRef), 20_000);
    expect(event.json().data.registrationNumber).toBe(regNumber);
    const inbox = printed(/curl -s (http:\S+\/__admin\/users\/citizen-1=\/messages)/);
    const message = await eventually(
      'the registration in the citizen’s Viber',
      async () => ((await (await fetch(inbox)).json()) as { messages: { text?: string }[] }).messages.find((m) => (m.text ?? '').includes(caseRef)),
      20_000,
      200,
    );
    expect(message.text).toContain(regNumber);
  });

  it('takes a signed application over AMQP as application.demo.js builds it, prints the utility’s lines, and the printed registration reaches the portal and the applicant', async () => {
    const signer = new OpensslSigner();
    const content = Buffer.from('%PDF-1.4 demo connection application\n');
    let signature: Buffer;
    try {
      signature = signer.sign(content);
    } finally {
      signer.close();
    }
    const ev = demoApplication({ file: { name: 'app.pdf', content }, signature: { name: 'app.pdf.p7s', content: signature } });
    const caseRef = (ev.data as { caseRef: string }).caseRef;
    await publishDemoEvent(ev, amqpUrl);

    const line = await eventually(
      'the demo printing the utility’s lines',
      () => {
        const rejected = out.find((m) => m.routingKey === 'demo.message.rejected' && m.json().data.originalId === ev.id);
        if (rejected) throw new Error(`rejected: ${JSON.stringify(rejected.json().data)}`);
        return said.find((l) => l.includes('new application') && l.includes(caseRef));
      },
      20_000,
    );
    const register = /register: curl -s -X POST (\S+) -H 'content-type: application\/json' -d '([^']+)'/.exec(line);
    expect(register).not.toBeNull();
    const documentUrl = register![1].replace(/\/register$/, '');
    const filed = (await (await fetch(documentUrl)).json()) as { files: unknown[] };
    expect(filed.files).toEqual([
      expect.objectContaining({ fileName: 'app.pdf', sha256: sha256Hex(content), signatures: [expect.objectContaining({ fileName: 'app.pdf.p7s', sha256: sha256Hex(signature) })] }),
    ]);
    const registered = await fetch(register![1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: register![2] });
    expect(registered.status).toBe(200);
    const { regNumber } = (await registered.json()) as { regNumber: string };

    const event = await eventually('application.registered on cabinet.out', () => out.find((m) => m.routingKey === 'demo.application.registered' && m.json().data.caseRef === caseRef), 20_000);
    expect(event.json().data.registrationNumber).toBe(regNumber);
    const inbox = printed(/curl -s (http:\S+\/__admin\/users\/citizen-1=\/messages)/);
    await eventually(
      'the registration in the applicant’s Viber',
      async () => ((await (await fetch(inbox)).json()) as { messages: { text?: string }[] }).messages.find((m) => (m.text ?? '').includes(caseRef) && (m.text ?? '').includes(regNumber)),
      20_000,
      200,
    );
  });
});
