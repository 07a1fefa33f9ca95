import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startS3Mock, type RunningS3Mock } from './index';
import { checksumOf } from './s3-checksum.codec';
import { sha256Hex } from './s3-signature.codec';
import { rawCall, signHeaders, type RawRequest } from './s3-test.fixture';

/** What the SDK never sends: signed aws-chunked bodies, forged digests, hostile input, raw HTTP. */
describe('S3 mock: the wire, request by request', () => {
  let s3mock: RunningS3Mock;
  const call = (r: Omit<RawRequest, 'credentials'> & { credentials?: RawRequest['credentials'] | null }) =>
    rawCall(s3mock.url, { ...r, credentials: r.credentials === null ? undefined : (r.credentials ?? s3mock.credentials) });

  beforeAll(async () => {
    s3mock = await startS3Mock({ minPartBytes: 1024, maxObjectBytes: 2 * 1024 * 1024 });
  });
  afterAll(() => s3mock.close());
  afterEach(() => s3mock.admin.reset());

  describe('the AWS documentation chunked-upload examples, end to end', () => {
    let doc: RunningS3Mock;
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const signed = [
      'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
      '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
      'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
    ];
    const body = (sigs: string[], tail: string) =>
      Buffer.concat([
        Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
        Buffer.alloc(65536, 'a'),
        Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
        Buffer.alloc(1024, 'a'),
        Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n${tail}\r\n`),
      ]);
    const send = (payload: Buffer, headers: Record<string, string>, seed: string, signedHeaders: string) =>
      rawCall(doc.url, {
        method: 'PUT',
        path: '/examplebucket/chunkObject.txt',
        host: 's3.amazonaws.com',
        body: payload,
        headers: {
          ...headers,
          'x-amz-date': '20130524T000000Z',
          'x-amz-decoded-content-length': '66560',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'content-encoding': 'aws-chunked',
          authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${seed}`,
        },
      });

    beforeAll(async () => {
      doc = await startS3Mock({ credentials: [credentials], buckets: ['examplebucket'], clock: () => Date.UTC(2013, 4, 24, 0, 0, 30) });
    });
    afterAll(() => doc.close());

    it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signature checked, the object stored decoded', async () => {
      const headers = { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' };
      const seed = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
      const sh = 'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class';
      const ok = await send(body(signed, ''), headers, seed, sh);
      expect([ok.status, ok.text]).toEqual([200, '']);
      expect(ok.headers.etag).toBe(`"${createHash('md5').update(Buffer.alloc(66560, 'a')).digest('hex')}"`);
      expect((await doc.store.read('examplebucket', 'chunkObject.txt'))!.equals(Buffer.alloc(66560, 'a'))).toBe(true);
      expect(doc.store.head('examplebucket', 'chunkObject.txt')!.headers).toEqual({});

      const forged = await send(body([signed[0], signed[0], signed[2]], ''), headers, seed, sh);
      expect([forged.status, forged.code]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(forged.text).toContain('<ChunkNumber>2</ChunkNumber>');
      const altered = body(signed, '');
      altered[66_000] = 'b'.charCodeAt(0);
      expect((await send(altered, headers, seed, sh)).code).toBe('SignatureDoesNotMatch');
      // Content-Length is signed in this example: a cut body fails the seed signature already.
      const cut = body(signed, '').subarray(0, 66000);
      expect((await send(cut, headers, seed, sh)).code).toBe('SignatureDoesNotMatch');
    });

    it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: chunks, the trailer signature and its CRC32C checked', async () => {
      const headers = { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32c' };
      const seed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
      const sigs = [
        'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
        '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
        '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
      ];
      const sh = 'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer';
      const trailer = 'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n';
      const ok = await send(body(sigs, trailer), headers, seed, sh);
      expect([ok.status, ok.headers['x-amz-checksum-crc32c']]).toEqual([200, 'sOO8/Q==']);
      expect(doc.store.head('examplebucket', 'chunkObject.txt')!.checksum).toEqual({ algorithm: 'CRC32C', value: 'sOO8/Q==', type: 'FULL_OBJECT' });
      const forged = await send(body(sigs, trailer.replace('sOO8/Q==', 'AAAAAA==')), headers, seed, sh);
      expect([forged.status, forged.code]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(forged.text).toMatch(/trailer signature/);
      // Content-Length is not signed here: a cut body is IncompleteBody.
      expect((await send(body(sigs, trailer).subarray(0, 66000), headers, seed, sh)).code).toBe('IncompleteBody');
    });

    it('the same request an hour later is RequestTimeTooSkewed', async () => {
      const late = await startS3Mock({ credentials: [credentials], buckets: ['examplebucket'], clock: () => Date.UTC(2013, 4, 24, 1, 0, 0) });
      try {
        const r = await rawCall(late.url, { method: 'GET', path: '/examplebucket/x', credentials, date: new Date(Date.UTC(2013, 4, 24)) });
        expect([r.status, r.code]).toEqual([403, 'RequestTimeTooSkewed']);
        expect(r.text).toContain('<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>');
      } finally {
        await late.close();
      }
    });
  });

  describe('authentication and payload digests', () => {
    it('no Authorization: AccessDenied; SigV2: InvalidRequest; presigned URLs: NotImplemented; an unsigned x-amz- header: AccessDenied', async () => {
      const denied = await call({ method: 'GET', path: '/cabinet-hub/k', credentials: null });
      expect(denied).toMatchObject({ status: 403, code: 'AccessDenied', headers: { 'content-type': 'application/xml', server: 'AmazonS3' } });
      expect(denied.text).toContain(`<RequestId>${denied.headers['x-amz-request-id']}</RequestId>`);
      expect(await call({ method: 'GET', path: '/cabinet-hub/k', credentials: null, headers: { authorization: 'AWS AKIA:sig' } })).toMatchObject({ status: 400, code: 'InvalidRequest' });
      expect(await call({ method: 'GET', path: '/cabinet-hub/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00', credentials: null })).toMatchObject({ status: 501, code: 'NotImplemented' });
      const r = await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'x', unsignedHeaders: { 'x-amz-meta-late': 'added after signing' } });
      expect([r.status, r.code]).toEqual([403, 'AccessDenied']);
      expect(r.text).toContain('<HeadersNotSigned>x-amz-meta-late</HeadersNotSigned>');
      expect(await call({ method: 'GET', path: '/cabinet-hub/k', headers: {}, payloadHash: 'not-a-hash' })).toMatchObject({ status: 400, code: 'InvalidArgument' });
      expect(s3mock.store.list()).toEqual([]);
    });

    it('the signature covers method, path, query and headers; the error says what was signed', async () => {
      const url = new URL(s3mock.url);
      const { headers } = signHeaders({ method: 'GET', path: '/cabinet-hub/a', credentials: s3mock.credentials, hostHeader: url.host });
      const r = await rawCall(s3mock.url, { method: 'GET', path: '/cabinet-hub/b', headers, credentials: undefined });
      expect([r.status, r.code]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(r.text).toContain('<CanonicalRequest>GET\n/cabinet-hub/b\n');
      expect(r.text).toContain(`<AWSAccessKeyId>${s3mock.credentials.accessKeyId}</AWSAccessKeyId>`);
    });

    it('a payload that is not the one signed: XAmzContentSHA256Mismatch; a wrong CRC32 or Content-MD5: BadDigest; nothing stored', async () => {
      const mismatch = await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'actual', payloadHash: sha256Hex('claimed') });
      expect([mismatch.status, mismatch.code]).toEqual([400, 'XAmzContentSHA256Mismatch']);
      expect(mismatch.text).toContain(`<S3ComputedContentSHA256>${sha256Hex('actual')}</S3ComputedContentSHA256>`);
      expect(await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'actual', headers: { 'x-amz-checksum-crc32': checksumOf('CRC32', Buffer.from('other')) } })).toMatchObject({
        status: 400,
        code: 'BadDigest',
      });
      expect(await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'actual', headers: { 'content-md5': Buffer.alloc(16).toString('base64') } })).toMatchObject({ status: 400, code: 'BadDigest' });
      expect(await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'actual', headers: { 'content-md5': 'nope' } })).toMatchObject({ status: 400, code: 'InvalidDigest' });
      const two = { 'x-amz-checksum-crc32': checksumOf('CRC32', Buffer.from('actual')), 'x-amz-checksum-sha256': checksumOf('SHA256', Buffer.from('actual')) };
      expect(await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'actual', headers: two })).toMatchObject({ status: 400, code: 'InvalidRequest' });
      expect(s3mock.store.list()).toEqual([]);
      // UNSIGNED-PAYLOAD with a correct SHA256 checksum is fine.
      const ok = await call({ method: 'PUT', path: '/cabinet-hub/k', body: 'actual', payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'x-amz-checksum-sha256': two['x-amz-checksum-sha256'] } });
      expect(ok.status).toBe(200);
    });

    it('an unsigned aws-chunked body whose trailer checksum is wrong, or whose decoded length lies', async () => {
      const chunked = (trailer: string, decoded = '5') => ({
        method: 'PUT',
        path: '/cabinet-hub/k',
        body: `5\r\nhello\r\n0\r\n${trailer}\r\n`,
        payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': decoded, 'x-amz-trailer': 'x-amz-checksum-crc32' },
      });
      const good = checksumOf('CRC32', Buffer.from('hello'));
      expect((await call(chunked(`x-amz-checksum-crc32:${good}\r\n`))).status).toBe(200);
      expect(await call(chunked(`x-amz-checksum-crc32:${checksumOf('CRC32', Buffer.from('jello'))}\r\n`))).toMatchObject({ status: 400, code: 'BadDigest' });
      expect(await call(chunked(`x-amz-checksum-crc32:${good}\r\n`, '6'))).toMatchObject({ status: 400, code: 'IncompleteBody' });
      expect(await call(chunked(''))).toMatchObject({ status: 400, code: 'MalformedTrailerError' });
      expect(await call({ ...chunked(`x-amz-checksum-crc32:${good}\r\n`), body: 'zz\r\nhello\r\n0\r\n\r\n' })).toMatchObject({ status: 400, code: 'IncompleteBody' });
      expect((await s3mock.store.read(s3mock.bucket, 'k'))!.toString()).toBe('hello');
    });
  });

  describe('multipart rules', () => {
    const create = async (key: string) => {
      const r = await call({ method: 'POST', path: `/cabinet-hub/${key}?uploads` });
      expect(r.status).toBe(200);
      expect(r.text).toContain('<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
      return /<UploadId>([^<]+)<\/UploadId>/.exec(r.text)![1];
    };
    const part = async (key: string, id: string, n: number, data: Buffer) => {
      const r = await call({ method: 'PUT', path: `/cabinet-hub/${key}?partNumber=${n}&uploadId=${id}`, body: data });
      expect(r.status).toBe(200);
      return r.headers.etag as string;
    };
    const complete = (key: string, id: string, xml: string, headers: Record<string, string> = {}) => call({ method: 'POST', path: `/cabinet-hub/${key}?uploadId=${id}`, body: xml, headers });
    const xmlOf = (parts: Array<[number, string]>) =>
      `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e.replace(/"/g, '&quot;')}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

    it('parts may arrive in any order and be replaced; Complete picks, checks order, ETags and sizes; then the upload is gone', async () => {
      const id = await create('mp');
      const e2 = await part('mp', id, 2, Buffer.alloc(2000, 2));
      await part('mp', id, 1, Buffer.alloc(2000, 9));
      const e1 = await part('mp', id, 1, Buffer.alloc(2000, 1));
      const e3 = await part('mp', id, 3, Buffer.alloc(10, 3));
      expect(s3mock.store.uploads()[0].parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      expect(await call({ method: 'PUT', path: `/cabinet-hub/mp?partNumber=0&uploadId=${id}`, body: 'x' })).toMatchObject({ status: 400, code: 'InvalidArgument' });
      expect(await call({ method: 'PUT', path: `/cabinet-hub/mp?partNumber=10001&uploadId=${id}`, body: 'x' })).toMatchObject({ status: 400, code: 'InvalidArgument' });
      expect(
        await complete(
          'mp',
          id,
          xmlOf([
            [2, e2],
            [1, e1],
          ]),
        ),
      ).toMatchObject({ status: 400, code: 'InvalidPartOrder' });
      expect(
        await complete(
          'mp',
          id,
          xmlOf([
            [1, e2],
            [2, e2],
          ]),
        ),
      ).toMatchObject({ status: 400, code: 'InvalidPart' });
      expect(
        await complete(
          'mp',
          id,
          xmlOf([
            [1, e1],
            [4, e2],
          ]),
        ),
      ).toMatchObject({ status: 400, code: 'InvalidPart' });
      expect(
        await complete(
          'mp',
          id,
          xmlOf([
            [1, e1],
            [3, e3],
            [2, e2],
          ]),
        ),
      ).toMatchObject({ status: 400, code: 'InvalidPartOrder' });
      expect(
        await complete(
          'mp',
          id,
          xmlOf([
            [3, e3],
            [4, e3],
          ]),
        ),
      ).toMatchObject({ status: 400, code: 'InvalidPart' });
      const small = await complete(
        'mp',
        id,
        xmlOf([
          [1, e1],
          [3, e3],
        ]).replace('</CompleteMultipartUpload>', '') +
          xmlOf([]).slice(0, 0) +
          '</CompleteMultipartUpload>',
      );
      expect(small.status).toBe(200);
      expect(small.text).toMatch(/<ETag>&quot;[0-9a-f]{32}-2&quot;<\/ETag>/);
      expect((await s3mock.store.read(s3mock.bucket, 'mp'))!.equals(Buffer.concat([Buffer.alloc(2000, 1), Buffer.alloc(10, 3)]))).toBe(true);
      expect(s3mock.store.uploads()).toEqual([]);
      // A retried Complete after success, and a part for a finished upload: NoSuchUpload.
      expect(
        await complete(
          'mp',
          id,
          xmlOf([
            [1, e1],
            [3, e3],
          ]),
        ),
      ).toMatchObject({ status: 404, code: 'NoSuchUpload' });
      expect(await call({ method: 'PUT', path: `/cabinet-hub/mp?partNumber=5&uploadId=${id}`, body: 'x' })).toMatchObject({ status: 404, code: 'NoSuchUpload' });
      expect(await call({ method: 'DELETE', path: `/cabinet-hub/mp?uploadId=${id}` })).toMatchObject({ status: 404, code: 'NoSuchUpload' });
    });

    it('a non-last part under the minimum is EntityTooSmall; Abort removes the upload and its part files', async () => {
      const id = await create('small');
      const e1 = await part('small', id, 1, Buffer.alloc(100, 1));
      const e2 = await part('small', id, 2, Buffer.alloc(100, 2));
      const r = await complete(
        'small',
        id,
        xmlOf([
          [1, e1],
          [2, e2],
        ]),
      );
      expect([r.status, r.code]).toEqual([400, 'EntityTooSmall']);
      expect(r.text).toContain('<MinSizeAllowed>1024</MinSizeAllowed>');
      expect((await call({ method: 'DELETE', path: `/cabinet-hub/small?uploadId=${id}` })).status).toBe(204);
      expect(s3mock.store.uploads()).toEqual([]);
      expect(await call({ method: 'PUT', path: `/cabinet-hub/other?partNumber=1&uploadId=${id}`, body: 'x' })).toMatchObject({ status: 404, code: 'NoSuchUpload' });
    });

    it('hostile CompleteMultipartUpload bodies: not XML, DOCTYPE entities (billion laughs), unknown entities, no parts — MalformedXML, fast', async () => {
      const id = await create('x');
      const e1 = await part('x', id, 1, Buffer.alloc(10, 1));
      const lol =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
      const bodies = [
        'not xml at all <<<',
        `${lol}<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lol3;</ETag></Part></CompleteMultipartUpload>`,
        `<!doctype x [<!entity e SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>`,
        `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&nbsp;${e1}</ETag></Part></CompleteMultipartUpload>`,
        '<CompleteMultipartUpload></CompleteMultipartUpload>',
        '<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>',
        `<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>${e1}</ETag></Part></CompleteMultipartUpload>`,
        `<CompleteMultipartUpload>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</CompleteMultipartUpload>`,
      ];
      const t0 = Date.now();
      for (const b of bodies) expect(await complete('x', id, b)).toMatchObject({ status: 400, code: 'MalformedXML' });
      expect(Date.now() - t0).toBeLessThan(3000);
      // Namespaces, the predefined entities and character references are fine.
      const ok = await complete(
        'x',
        id,
        `<?xml version="1.0"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>&#34;${e1.replace(/"/g, '')}&quot;</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
      );
      expect(ok.status).toBe(200);
    });
  });

  describe('keys, ranges and hostile input', () => {
    it('keys of 1024 bytes are fine, 1025 are KeyTooLongError; ".." in a key is only text: nothing is written outside the mock folder', async () => {
      expect((await call({ method: 'PUT', path: `/cabinet-hub/${'k'.repeat(1024)}`, body: 'x' })).status).toBe(200);
      expect(await call({ method: 'PUT', path: `/cabinet-hub/${'й'.repeat(513)}`.replace(/й/g, encodeURIComponent('й')), body: 'x' })).toMatchObject({ status: 400, code: 'KeyTooLongError' });
      const before = fs.readdirSync(path.dirname(s3mock.store.folder())).length;
      for (const key of ['../../../../tmp/escape', '..', './.', 'a/../../b', '%2e%2e/%2e%2e/x', 'con\\..\\x']) {
        const r = await call({ method: 'PUT', path: `/cabinet-hub/${key}`, body: key });
        expect([key, r.status]).toEqual([key, 200]);
      }
      expect(fs.readdirSync(path.dirname(s3mock.store.folder())).length).toBe(before);
      expect(fs.existsSync('/tmp/escape')).toBe(false);
      expect(s3mock.store.list().map((o) => o.key)).toEqual(expect.arrayContaining(['../../../../tmp/escape', '..', 'a/../../b', '../../x']));
      expect((await call({ method: 'GET', path: '/cabinet-hub/../../../../tmp/escape' })).text).toBe('../../../../tmp/escape');
      // Routing comes before authentication: a path no client could have signed is InvalidURI.
      expect(await call({ method: 'GET', path: '/cabinet-hub/%E0%A4%A', credentials: null })).toMatchObject({ status: 400, code: 'InvalidURI' });
      expect(await call({ method: 'GET', path: '/cabinet-hub/x?a=%ZZ', credentials: null })).toMatchObject({ status: 400, code: 'InvalidURI' });
    });

    it('ranges: suffix and open ranges, an unsatisfiable one is 416 with Content-Range; HEAD errors have no body', async () => {
      await call({ method: 'PUT', path: '/cabinet-hub/r', body: '0123456789' });
      const get = (range: string) => call({ method: 'GET', path: '/cabinet-hub/r', headers: { range } });
      expect(await get('bytes=-3')).toMatchObject({ status: 206, text: '789', headers: { 'content-range': 'bytes 7-9/10' } });
      expect(await get('bytes=8-')).toMatchObject({ status: 206, text: '89' });
      expect(await get('bytes=2-100')).toMatchObject({ status: 206, text: '23456789' });
      expect(await get('bytes=5-2')).toMatchObject({ status: 200, text: '0123456789' });
      expect(await get('bytes=10-')).toMatchObject({ status: 416, code: 'InvalidRange', headers: { 'content-range': 'bytes */10' } });
      const head = await call({ method: 'HEAD', path: '/cabinet-hub/missing' });
      expect([head.status, head.body.length]).toEqual([404, 0]);
      const ok = await call({ method: 'HEAD', path: '/cabinet-hub/r' });
      expect([ok.status, ok.headers['content-length'], ok.body.length]).toEqual([200, '10', 0]);
    });

    it('calls it does not model are NotImplemented (501), not silently wrong', async () => {
      await call({ method: 'PUT', path: '/cabinet-hub/src', body: 'x' });
      const cases: RawRequest[] = [
        { method: 'PUT', path: '/cabinet-hub/copy', headers: { 'x-amz-copy-source': '/cabinet-hub/src' } },
        { method: 'GET', path: '/cabinet-hub/src?acl' },
        { method: 'GET', path: '/cabinet-hub/src?versionId=3' },
        { method: 'GET', path: '/cabinet-hub' },
        { method: 'POST', path: '/cabinet-hub?delete', body: '<Delete/>' },
        { method: 'PUT', path: '/new-bucket' },
        { method: 'GET', path: '/' },
      ];
      for (const c of cases) expect([c.method, c.path, (await call(c)).code]).toEqual([c.method, c.path, 'NotImplemented']);
    });

    it('a body over maxObjectBytes is EntityTooLarge, and the mock keeps serving', async () => {
      const big = Buffer.alloc(2 * 1024 * 1024 + 1);
      expect(await call({ method: 'PUT', path: '/cabinet-hub/huge', body: big, payloadHash: 'UNSIGNED-PAYLOAD' })).toMatchObject({ status: 400, code: 'EntityTooLarge' });
      expect((await call({ method: 'PUT', path: '/cabinet-hub/fine', body: 'x' })).status).toBe(200);
    });

    it('kit faults render as S3 errors: 503 is SlowDown, a message can name the code; the admin API lists objects and uploads', async () => {
      s3mock.admin.fault([
        { fault: 'http-error', status: 503, count: 1 },
        { fault: 'http-error', status: 503, count: 1, message: 'ServiceUnavailable' },
        { fault: 'rate-limit', retryAfterSeconds: 2, count: 1 },
      ]);
      expect(await call({ method: 'GET', path: '/cabinet-hub/x' })).toMatchObject({ status: 503, code: 'SlowDown' });
      expect(await call({ method: 'GET', path: '/cabinet-hub/x' })).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
      expect(await call({ method: 'GET', path: '/cabinet-hub/x' })).toMatchObject({ status: 429, code: 'SlowDown', headers: { 'retry-after': '2' } });
      await s3mock.store.put(s3mock.bucket, 'seeded', 'hello', { contentType: 'text/plain' });
      expect((await call({ method: 'POST', path: '/cabinet-hub/pending?uploads' })).status).toBe(200);
      const objects = (await (await fetch(`${s3mock.url}/__admin/objects?bucket=cabinet-hub`)).json()) as { objects: Array<{ key: string; size: number }> };
      expect(objects.objects).toEqual([expect.objectContaining({ key: 'seeded', size: 5, contentType: 'text/plain' })]);
      const uploads = (await (await fetch(`${s3mock.url}/__admin/uploads`)).json()) as { uploads: Array<{ key: string }> };
      expect(uploads.uploads.map((u) => u.key)).toEqual(['pending']);
      expect((await fetch(`${s3mock.url}/__admin/objects?bucket=nope`)).status).toBe(404);
    });
  });
});
