import { checksummer, compositeChecksum, multipartEtag } from './s3-checksum.codec';
import { decodeAwsChunked } from './s3-chunked.codec';
import { canonicalRequest, canonicalUri, chunkStringToSign, EMPTY_SHA256, sha256Hex, sign, signingKey, stringToSign, trailerStringToSign, uriEncode } from './s3-signature.codec';

// The worked examples of AWS's documentation ("Signature Calculations for the Authorization
// Header" and the chunked-upload pages): credentials, time and expected signatures are AWS's.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DATE = '20130524T000000Z';
const SCOPE = { date: '20130524', region: 'us-east-1', service: 's3' };
const KEY = signingKey(SECRET, SCOPE);

function signatureOf(method: string, path: string, query: Array<[string, string]>, headers: Record<string, string>, payloadHash: string): string {
  const signedHeaders = Object.keys(headers).sort();
  return sign(KEY, stringToSign(DATE, SCOPE, canonicalRequest({ method, canonicalUri: canonicalUri(path), query, headers, signedHeaders, payloadHash })));
}

describe('SigV4 as S3 computes it: the AWS documentation examples', () => {
  const host = 'examplebucket.s3.amazonaws.com';

  it('GET Object with a Range header', () => {
    expect(signatureOf('GET', '/test.txt', [], { host, range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE }, EMPTY_SHA256)).toBe(
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('PUT Object with a key that needs encoding ($) and a signed payload', () => {
    const hash = sha256Hex('Welcome to Amazon S3.');
    const headers = { date: 'Fri, 24 May 2013 00:00:00 GMT', host, 'x-amz-content-sha256': hash, 'x-amz-date': DATE, 'x-amz-storage-class': 'REDUCED_REDUNDANCY' };
    expect(signatureOf('PUT', '/test$file.text', [], headers, hash)).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
    // The same key percent-encoded on the wire signs the same.
    expect(signatureOf('PUT', '/test%24file.text', [], headers, hash)).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('GET Bucket lifecycle (a query parameter without a value) and a listing (sorted query)', () => {
    const headers = { host, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': DATE };
    expect(signatureOf('GET', '/', [['lifecycle', '']], headers, EMPTY_SHA256)).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
    expect(
      signatureOf(
        'GET',
        '/',
        [
          ['prefix', 'J'],
          ['max-keys', '2'],
        ],
        headers,
        EMPTY_SHA256,
      ),
    ).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('chunked upload: the seed signature and the chain of chunk signatures (64 KiB + 1 KiB + final)', () => {
    const headers = {
      'content-encoding': 'aws-chunked',
      'content-length': '66824',
      host: 's3.amazonaws.com',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-date': DATE,
      'x-amz-decoded-content-length': '66560',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    };
    const seed = signatureOf('PUT', '/examplebucket/chunkObject.txt', [], headers, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect(seed).toBe('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    const s1 = sign(KEY, chunkStringToSign(DATE, SCOPE, seed, sha256Hex(Buffer.alloc(65536, 'a'))));
    const s2 = sign(KEY, chunkStringToSign(DATE, SCOPE, s1, sha256Hex(Buffer.alloc(1024, 'a'))));
    const s3 = sign(KEY, chunkStringToSign(DATE, SCOPE, s2, EMPTY_SHA256));
    expect([s1, s2, s3]).toEqual([
      'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
      '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
      'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
    ]);
  });

  it('chunked upload with a trailing CRC32C: seed, chunks and the trailer signature; the decoder accepts exactly that body', () => {
    const headers = {
      'content-encoding': 'aws-chunked',
      host: 's3.amazonaws.com',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      'x-amz-date': DATE,
      'x-amz-decoded-content-length': '66560',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-trailer': 'x-amz-checksum-crc32c',
    };
    const seed = signatureOf('PUT', '/examplebucket/chunkObject.txt', [], headers, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
    expect(seed).toBe('106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e');
    const c = checksummer('CRC32C');
    c.update(Buffer.alloc(66560, 'a'));
    expect(c.digest().toString('base64')).toBe('sOO8/Q==');
    const sigs = [
      'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
      '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
      '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
    ];
    expect(trailerStringToSign(DATE, SCOPE, sigs[2], [['x-amz-checksum-crc32c', 'sOO8/Q==']]).split('\n')[0]).toBe('AWS4-HMAC-SHA256-TRAILER');
    expect(sign(KEY, trailerStringToSign(DATE, SCOPE, sigs[2], [['x-amz-checksum-crc32c', 'sOO8/Q==']]))).toBe('d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435');
    const body = Buffer.concat([
      Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
      Buffer.alloc(65536, 'a'),
      Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
      Buffer.alloc(1024, 'a'),
      Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n`),
    ]);
    const decoded = decodeAwsChunked(body, { signing: { key: KEY, amzDate: DATE, scope: SCOPE, seedSignature: seed }, signedTrailer: true });
    expect(decoded.data.equals(Buffer.alloc(66560, 'a'))).toBe(true);
    expect(decoded.trailers).toEqual([['x-amz-checksum-crc32c', 'sOO8/Q==']]);
    const forged = Buffer.from(body.toString('latin1').replace('sOO8/Q==', 'AAAAAA=='), 'latin1');
    expect(() => decodeAwsChunked(forged, { signing: { key: KEY, amzDate: DATE, scope: SCOPE, seedSignature: seed }, signedTrailer: true })).toThrow(/trailer signature/);
  });
});

describe('encodings and digests', () => {
  it('encodes like SigV4, not like encodeURIComponent', () => {
    expect(uriEncode("a b+c!*'()~é/")).toBe('a%20b%2Bc%21%2A%27%28%29~%C3%A9%2F');
    expect(uriEncode('a/b', true)).toBe('a/b');
    expect(canonicalUri('/b/a%20b/../c')).toBe('/b/a%20b/../c');
    expect(() => canonicalUri('/b/%E0%A4%A')).toThrow(URIError);
  });

  it('CRC check values and the multipart ETag / composite checksum shapes', () => {
    const check = Buffer.from('123456789');
    const hex = (a: 'CRC32' | 'CRC32C' | 'CRC64NVME') => {
      const c = checksummer(a);
      c.update(check.subarray(0, 4));
      c.update(check.subarray(4));
      return c.digest().toString('hex');
    };
    expect([hex('CRC32'), hex('CRC32C'), hex('CRC64NVME')]).toEqual(['cbf43926', 'e3069283', 'ae8b14860a799888']);
    expect(multipartEtag(['0cc175b9c0f1b6a831c399e269772661', '92eb5ffee6ae2fec3ad71c777531578f'])).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(compositeChecksum('CRC32', ['AAAAAA==', 'AAAAAA=='])).toMatch(/^[A-Za-z0-9+/]{6}==-2$/);
  });
});
