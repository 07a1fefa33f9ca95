import { randomBytes, randomUUID } from 'node:crypto';
import { applicationGuid } from '../../adapters/edms-1c-docflow/application.mapper';
import { ApplicationSubmitted, exampleEvent } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { HubProcess } from '../helpers/hub-process.runner';
import { eventually, sql } from '../helpers/infra.helper';
import { OpensslSigner, sha256Hex } from '../helpers/signed-file.fixture';
import { createTestSpace, TestSpace } from '../helpers/test-hub.helper';

/**
 * A hub killed between "document created in 1C" and "files added": the first file reached 1C
 * but its answer never came back (the unknown outcome), then SIGKILL. The restarted hub finds
 * the document and that file by their derived ids and adds only what is missing: one document,
 * each file and signature once.
 */
describe('application: crash between the 1C document and its files', () => {
  let space: TestSpace;
  let dm: RunningDocflowMock;
  let probe: AmqpProbe;
  let hub: HubProcess | undefined;
  const signer = new OpensslSigner();

  beforeAll(async () => {
    dm = await start1cDocflowMock({ users: [{ login: 'portal', password: 'portal-1c' }], visibilityDelayMs: 200 });
    space = await createTestSpace();
    probe = await AmqpProbe.connect(space.amqpUrl);
  });
  afterAll(async () => {
    signer.close();
    await hub?.kill();
    await probe?.close();
    await space?.cleanup();
    await dm?.close();
  });

  const yaml = () => `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  utility: { name: Водоканал, locale: ru }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${dm.url}", login: portal, password: { env: CRASH_1C_PASSWORD }, timeZone: Etc/GMT-3 }
    runner: { pollIntervalMs: 60000, timeoutMs: 120000 }
routes:
  - { tenants: ['*'], types: [application.submitted], to: [edms-1c] }
`;

  it('adds exactly the missing files after the restart', async () => {
    process.env.CRASH_1C_PASSWORD = 'portal-1c';
    const files = [randomBytes(200_000), randomBytes(150_000)];
    const ev = exampleEvent('application.submitted', { id: randomUUID(), tenant: 'utility', subject: undefined }) as any;
    const data = ev.data as ApplicationSubmitted;
    data.caseRef = `TP-${randomUUID().slice(0, 8)}`;
    data.files = files.map((bytes, i) => {
      const sig = signer.sign(bytes);
      return {
        id: `z-${i}`,
        name: `Документ ${i}.pdf`,
        mediaType: 'application/pdf',
        size: bytes.length,
        sha256: sha256Hex(bytes),
        contentBase64: bytes.toString('base64'),
        signatures: [
          {
            id: `z-${i}-s`,
            name: `Документ ${i}.pdf.p7s`,
            mediaType: 'application/pkcs7-signature',
            size: sig.length,
            sha256: sha256Hex(sig),
            contentBase64: sig.toString('base64'),
            format: 'cades' as const,
          },
        ],
      };
    });
    const id = applicationGuid('utility', data.caseRef);

    // 1C takes the first file and then never answers: the hub waits on it when it is killed.
    dm.admin.fault({ fault: 'timeout', afterProcessing: true, count: 1, match: { type: 'DMAddFileRequest' } });
    hub = new HubProcess(space, yaml(), 0);
    await hub.start();
    await probe.publishEvent(ev);
    await eventually('document and its first file in 1C', () => dm.clerk.documents().find((d) => d.id === id && d.files.length === 1), 20_000);
    await hub.kill();
    dm.admin.clearFaults();

    hub = new HubProcess(space, yaml(), 0);
    await hub.start();
    const doc = await eventually('every file once', () => dm.clerk.documents().find((d) => d.id === id && d.files.length === 2 && d.files.every((f) => f.signatures?.length === 1)), 30_000);
    expect(dm.clerk.documents().filter((d) => d.id === id)).toHaveLength(1);
    expect(doc.files.map((f) => f.sha256)).toEqual(files.map(sha256Hex));
    expect(doc.files.map((f) => f.signatures![0].sha256)).toEqual(data.files!.map((f) => f.signatures![0].sha256));
    // Nothing more arrives later: the redelivery was the only repeat.
    await new Promise((r) => setTimeout(r, 1500));
    const after = dm.clerk.document(id, { withContent: false });
    expect(after.files).toHaveLength(2);
    const attempts = await sql<{ outcome: string }>(space.schema, `SELECT outcome FROM delivery_attempt WHERE consumer = 'adapter:edms-1c' ORDER BY id`);
    expect(attempts.map((a) => a.outcome)).toEqual(['ok']);
  }, 90_000);
});
