import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { start1cDocflowMock, type RunningDocflowMock } from './index';
import { ACTION, addFile, basic, call, createIncoming, fileList, retrieve } from './dm-soap.fixture';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;

/**
 * A DMRetrieveRequest with binaryData, read as raw bytes: the content is cut out between the
 * binaryData tags (a generic XML parser would spend seconds on 27 MB of text). Also checks the
 * envelope around it is intact.
 */
async function retrieveContent(url: string, fileId: string): Promise<{ content: Buffer; ms: number; bytes: number }> {
  const t0 = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: basic(), soapaction: ACTION, 'content-type': 'text/xml; charset=utf-8' },
    body: retrieve([[fileId, 'DMFile']], ['name', 'size', 'binaryData']),
    signal: AbortSignal.timeout(60_000),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  const ms = Date.now() - t0;
  expect(res.status).toBe(200);
  expect(Number(res.headers.get('content-length'))).toBe(raw.length);
  const open = raw.indexOf('<m:binaryData>');
  const close = raw.indexOf('</m:binaryData>');
  expect(open).toBeGreaterThan(0);
  expect(raw.subarray(0, open).toString('utf8')).toContain('xsi:type="m:DMRetrieveResponse"');
  expect(raw.subarray(close).toString('utf8')).toBe('</m:binaryData></m:objects></m:return></m:executeResponse></soap:Body></soap:Envelope>');
  return { content: Buffer.from(raw.subarray(open + '<m:binaryData>'.length, close).toString('latin1'), 'base64'), ms, bytes: raw.length };
}

describe('1C DMService mock: 20 MiB files', () => {
  let dm: RunningDocflowMock;
  beforeAll(async () => {
    dm = await start1cDocflowMock({ visibilityDelayMs: 0 });
  });
  afterAll(() => dm.close());
  afterEach(() => dm.admin.reset());

  it('the default body cap is 64 MiB', async () => {
    const id = randomUUID();
    await call(dm.url, createIncoming(id));
    const over = await call(dm.url, addFile(id, randomUUID(), Buffer.alloc(49 * MiB)), { timeoutMs: 60_000 });
    expect(over.status).toBe(413);
    expect(over.fault?.faultstring).toBe('Превышен допустимый размер запроса');
  }, 60_000);

  it('a 20 MiB file added over SOAP comes back byte-identical from DMRetrieve with binaryData', async () => {
    const id = randomUUID();
    await call(dm.url, createIncoming(id));
    const bytes = randomBytes(20 * MiB);
    const fileId = randomUUID();
    const t0 = Date.now();
    const added = await call(dm.url, addFile(id, fileId, bytes, { name: 'Договор', ext: 'pdf' }), { timeoutMs: 60_000 });
    const addMs = Date.now() - t0;
    expect(added.ret['@type']).toBe('m:DMAddFileResponse');
    expect(added.ret.file.size).toBe(String(bytes.length));
    expect(dm.clerk.document(id).files[0].sha256).toBe(sha256(bytes));

    const got = await retrieveContent(dm.url, fileId);
    expect(got.content.length).toBe(bytes.length);
    expect(sha256(got.content)).toBe(sha256(bytes));
    // Generous bounds for a shared 2-core machine; each takes well under a second when idle.
    expect(addMs).toBeLessThan(15_000);
    expect(got.ms).toBeLessThan(15_000);
  }, 90_000);

  it('a 20 MiB signed contract the clerk sends over the admin API reaches a SOAP client byte-identical, with its signature', async () => {
    const id = randomUUID();
    await call(dm.url, createIncoming(id));
    const contract = randomBytes(20 * MiB);
    const signature = randomBytes(4096);
    const res = await fetch(`${dm.baseUrl}/__admin/documents/${id}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'contract-signed',
        text: 'Договор подписан.',
        files: [
          { name: 'Договор.pdf', mediaType: 'application/pdf', contentBase64: contract.toString('base64'), signatures: [{ name: 'Договор.pdf.sig', contentBase64: signature.toString('base64') }] },
        ],
      }),
      signal: AbortSignal.timeout(60_000),
    });
    expect(res.status).toBe(201);
    const { outgoing } = (await res.json()) as { outgoing: { id: string; files: { sha256: string; signatures: { sha256: string }[] }[] } };
    expect(outgoing.files[0].sha256).toBe(sha256(contract));
    expect(outgoing.files[0].signatures[0].sha256).toBe(sha256(signature));

    const files = (await call(dm.url, fileList(outgoing.id, 'DMOutgoingDocument'))).ret.files;
    expect(files.map((f: { name: string; extension: string; size: string }) => [`${f.name}.${f.extension}`, f.size])).toEqual([
      ['Договор.pdf', String(contract.length)],
      ['Договор.pdf.sig', String(signature.length)],
    ]);
    const got = await retrieveContent(dm.url, files[0].objectID.id);
    expect(sha256(got.content)).toBe(sha256(contract));
    expect(got.ms).toBeLessThan(15_000);
  }, 90_000);
});
