import { createHash, randomUUID } from 'node:crypto';
import { AppealSubmitted, ApplicationDocumentAdded, ApplicationSubmitted, CloudEvent, exampleEvent, FileRef } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { createAdapter, runAdapterContractKit } from '../../test/kit/adapter-contract.kit';
import { applicationGuid } from './application.mapper';
import { documentGuid } from './docflow.mapper';
import { docflowAdapter } from './index';

/*
 * The mandatory adapter contract kit against the 1C mock. The mock is separate code written to
 * the wire contract (mocks/1c-docflow/README.md); nothing here is shared with the adapter.
 */

const LOGIN = 'Портал Інтеграція';
const PASSWORD = 'portal-secret-1c';
const ZONE = 'Etc/GMT-3'; // the mock's server clock runs at UTC+3

let mock: RunningDocflowMock;

/** An appeal with one inline file, as portals send small photos. */
function appealWithFile(): CloudEvent {
  const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' });
  const data = ev.data as AppealSubmitted;
  const bytes = Buffer.from('%PDF-1.4 фото сміттєвого майданчика', 'utf8');
  data.caseRef = `EP-${randomUUID().slice(0, 8)}`;
  data.files = [{ id: 'f-1', name: 'фото-1.pdf', mediaType: 'application/pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentBase64: bytes.toString('base64') }];
  delete (ev as { subject?: string }).subject;
  return ev;
}

const appeal = appealWithFile();

/** An inline file with one detached signature, as a legal entity's cabinet sends them. */
function signedFile(id: string, name: string, content: string): FileRef {
  const bytes = Buffer.from(content, 'utf8');
  const sig = Buffer.from(`0\x82 detached CMS over ${name}`, 'latin1');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  return {
    id,
    name,
    mediaType: 'application/pdf',
    size: bytes.length,
    sha256: sha(bytes),
    contentBase64: bytes.toString('base64'),
    signatures: [{ id: `${id}-sig`, name: `${name}.p7s`, mediaType: 'application/pkcs7-signature', size: sig.length, sha256: sha(sig), contentBase64: sig.toString('base64'), format: 'cades' }],
  };
}

/** A legal entity's connection application with a signed PDF. */
function applicationWithSignedFile(): CloudEvent {
  const ev = exampleEvent('application.submitted', { id: randomUUID(), tenant: 'demo' });
  const data = ev.data as ApplicationSubmitted;
  data.caseRef = `TP-${randomUUID().slice(0, 8)}`;
  data.applicant.registrationCodes = [
    { scheme: 'inn', value: '5321000000' },
    { scheme: 'ogrn', value: '1025300000001' },
  ];
  data.files = [signedFile('z-1', 'Заявка на ТУ.pdf', '%PDF-1.7 заявка на технологическое присоединение')];
  delete (ev as { subject?: string }).subject;
  return ev;
}

const application = applicationWithSignedFile();
const applicationRef = (application.data as ApplicationSubmitted).caseRef;

/** The applicant adds a signed document to that application later. */
const documentAdded: CloudEvent = (() => {
  const ev = exampleEvent('application.document-added', { id: randomUUID(), tenant: 'demo' });
  const data = ev.data as ApplicationDocumentAdded;
  data.caseRef = applicationRef;
  data.document = signedFile('z-2', 'Ситуационный план.pdf', '%PDF-1.7 ситуационный план');
  data.kind = 'supplementary';
  delete data.system;
  delete data.externalId;
  delete (ev as { subject?: string }).subject;
  return ev;
})();

/** The files of a mock document that are not signatures, with the signatures the mock lists under each. */
function signedFilesOf(id: string): { fileName: string; sha256: string; signatures: { fileName: string; sha256: string }[] }[] {
  const doc = mock.clerk.document(id, { withContent: true }) as unknown as { files: { fileName: string; sha256: string; description: string; signatures?: { fileName: string; sha256: string }[] }[] };
  return doc.files
    .filter((f) => !f.description.startsWith('Электронная подпись'))
    .map((f) => ({ fileName: f.fileName, sha256: f.sha256, signatures: (f.signatures ?? []).map((x) => ({ fileName: x.fileName, sha256: x.sha256 })) }));
}
const config = (url: string, password = PASSWORD) => ({ endpoint: url, login: LOGIN, password, timeZone: ZONE });

runAdapterContractKit({
  definition: docflowAdapter,
  startMock: async () => {
    mock = await start1cDocflowMock({ users: [{ login: LOGIN, password: PASSWORD }], visibilityDelayMs: 0 });
    return { url: mock.url, admin: mock.admin, close: () => mock.close() };
  },
  validConfig: (m) => config(m.url),
  unauthorizedConfig: (m) => config(m.url, 'wrong-password'),
  invalidConfigs: [
    { config: { endpoint: 'ftp://docflow', login: LOGIN, password: PASSWORD }, path: '/endpoint' },
    { config: { endpoint: 'http://127.0.0.1/ws/DMService', login: LOGIN }, path: '/password' },
    { config: { endpoint: 'http://127.0.0.1/ws/DMService', login: '', password: PASSWORD }, path: '/login' },
  ],
  fixtures: [
    {
      name: 'edms.appeal.register',
      input: appeal,
      expectRequests: (recorded) => {
        expect(recorded.map((r) => r.type)).toEqual(['DMRetrieveRequest', 'DMCreateRequest', 'DMRetrieveRequest', 'DMAddFileRequest']);
        for (const r of recorded) {
          expect(r.headers.soapaction).toBe('http://www.1c.ru/dm#DMService:execute');
          expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
        }
        const create = recorded[1].body;
        expect(create).toContain(`<m:id>${documentGuid(appeal)}</m:id>`);
        expect(create).toContain(`demo/${(appeal.data as AppealSubmitted).caseRef}`);
      },
      expectOutcome: (outcome) => {
        expect(outcome.results).toEqual([]);
        expect(outcome.summary?.response).toEqual({ created: true, filesAdded: 1 });
        const doc = mock.clerk.document(documentGuid(appeal), { withContent: true });
        expect(doc.summary).toBe((appeal.data as AppealSubmitted).text);
        expect(doc.files).toHaveLength(1);
        expect(doc.files[0].sha256).toBe((appeal.data as AppealSubmitted).files![0].sha256);
      },
      sideEffects: () => {
        const docs = mock.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => d.id === documentGuid(appeal));
        return docs.length * docs[0].files.length;
      },
    },
    {
      name: 'edms.application.register',
      input: application,
      expectRequests: (recorded) => {
        expect(recorded.map((r) => r.type)).toEqual(['DMRetrieveRequest', 'DMCreateRequest', 'DMRetrieveRequest', 'DMAddFileRequest', 'DMRetrieveRequest', 'DMAddFileRequest']);
        const create = recorded[1].body;
        expect(create).toContain('xsi:type="m:DMIncomingDocument"');
        expect(create).toContain('Заявка на технологическое присоединение');
        expect(create).toContain(`demo/${applicationRef}`);
        expect(create).toContain('cabinet-hub.application');
        expect(recorded[5].body).toContain('Электронная подпись к файлу &quot;Заявка на ТУ.pdf&quot;');
      },
      expectOutcome: (outcome) => {
        expect(outcome.results).toEqual([]);
        expect(outcome.summary?.response).toEqual({ created: true, filesAdded: 2 });
        const id = applicationGuid('demo', applicationRef);
        const doc = mock.clerk.document(id) as unknown as { documentType?: { name: string }; additionalProperties?: { name: string; value: string }[] };
        expect(doc.documentType?.name).toBe('Заявка на технологическое присоединение');
        expect(doc.additionalProperties).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ОГРН', value: '1025300000001' })]));
        const f = (application.data as ApplicationSubmitted).files![0];
        expect(signedFilesOf(id)).toEqual([{ fileName: f.name, sha256: f.sha256, signatures: [{ fileName: f.signatures![0].name, sha256: f.signatures![0].sha256 }] }]);
      },
      sideEffects: () => {
        const docs = mock.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => d.id === applicationGuid('demo', applicationRef));
        return docs.length * signedFilesOf(docs[0].id).length;
      },
    },
    {
      name: 'edms.application.document-added',
      input: documentAdded,
      arrange: async (adapter) => {
        await adapter.handle(application, AbortSignal.timeout(10_000));
      },
      expectRequests: (recorded) => {
        expect(recorded.map((r) => r.type)).toEqual(['DMRetrieveRequest', 'DMRetrieveRequest', 'DMAddFileRequest', 'DMRetrieveRequest', 'DMAddFileRequest']);
        expect(recorded[2].body).toContain(`<m:id>${applicationGuid('demo', applicationRef)}</m:id>`);
      },
      expectOutcome: (outcome) => {
        expect(outcome.results).toEqual([]);
        expect(outcome.summary?.response).toEqual({ filesAdded: 2 });
        const added = (documentAdded.data as ApplicationDocumentAdded).document;
        expect(signedFilesOf(applicationGuid('demo', applicationRef)).map((f) => f.sha256)).toEqual([(application.data as ApplicationSubmitted).files![0].sha256, added.sha256]);
      },
      sideEffects: () => signedFilesOf(applicationGuid('demo', applicationRef)).filter((f) => f.fileName === 'Ситуационный план.pdf').length,
    },
  ],
  transientFaults: [
    { fault: 'http-error', status: 500, count: 1 },
    { fault: 'http-error', status: 503, count: 1 },
    { fault: 'rate-limit', retryAfterSeconds: 2, count: 1 },
    { fault: 'reset', count: 1 },
    { fault: 'malformed', count: 1 },
    { fault: 'timeout', count: 1 },
  ],
  // LIVE_1C_ENDPOINT / LIVE_1C_LOGIN / LIVE_1C_PASSWORD (and LIVE_1C_TIMEZONE) point the kit at a real (test) infobase.
  live: () =>
    process.env.LIVE_1C_ENDPOINT && process.env.LIVE_1C_LOGIN && process.env.LIVE_1C_PASSWORD
      ? { endpoint: process.env.LIVE_1C_ENDPOINT, login: process.env.LIVE_1C_LOGIN, password: process.env.LIVE_1C_PASSWORD, timeZone: process.env.LIVE_1C_TIMEZONE ?? 'Europe/Kyiv' }
      : undefined,
  bypass: {
    webhooks: '1C:Документооборот has no callbacks; the adapter polls DMService for changes instead (polling family).',
  },
  polling: {
    arrange: async (m) => {
      await createAdapter({ definition: docflowAdapter } as never, config(m.url)).handle(appeal, AbortSignal.timeout(10_000));
      const id = documentGuid(appeal);
      mock.clerk.register(id);
      mock.clerk.status(id, 'НаИсполнении');
      mock.clerk.answer(id, { text: 'Сміття вивезено.', files: [{ name: 'відповідь.pdf', contentBase64: Buffer.from('%PDF answer').toString('base64') }] });
    },
    expectOutcome: (outcome) => {
      const caseRef = (appeal.data as AppealSubmitted).caseRef;
      expect(outcome.results.map((r) => r.type)).toEqual(['appeal.registered', 'appeal.answered']);
      expect(outcome.results.every((r) => r.caseRef === caseRef && r.tenant === 'demo')).toBe(true);
      const answered = outcome.results[1].data as { text: string; files: { name: string; contentBase64: string }[] };
      expect(answered.text).toBe('Сміття вивезено.');
      expect(answered.files.map((f) => [f.name, Buffer.from(f.contentBase64, 'base64').toString()])).toEqual([['відповідь.pdf', '%PDF answer']]);
    },
  },
});

describe('edms.1c-docflow specifics', () => {
  it('authenticates a Cyrillic login encoded as CP1251 when the publication expects it', async () => {
    const m = await start1cDocflowMock({ users: [{ login: LOGIN, password: PASSWORD }] });
    try {
      const adapter = createAdapter({ definition: docflowAdapter } as never, { ...config(m.url), authEncoding: 'cp1251' });
      expect(await adapter.probe()).toMatchObject({ ok: true });
    } finally {
      await m.close();
    }
  });
});
