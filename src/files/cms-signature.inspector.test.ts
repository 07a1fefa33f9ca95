import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { inspectDetachedSignature, MAX_SIGNATURE_BYTES, SignatureFormatError } from './cms-signature.inspector';

// Real signatures made by openssl, so the parser is tested against what signing tools actually emit.
describe('inspectDetachedSignature', () => {
  let dir: string;
  let file: Buffer;
  let sig: Buffer;
  let sigPem: Buffer;
  let sig512: Buffer;
  let sigEmbedded: Buffer;
  let sigNoAttr: Buffer;
  let sigTwo: Buffer;
  let sigKeyId: Buffer;
  let certDer: Buffer;
  let serialA: string;
  let serialB: string;
  const startedAt = Date.now();

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const sign = (out: string, ...extra: string[]) => {
    openssl('cms', '-sign', '-binary', '-in', 'file.pdf', '-out', out, ...extra);
    return readFileSync(join(dir, out));
  };
  const formatError = (f: () => unknown): SignatureFormatError => {
    try {
      f();
    } catch (e) {
      if (e instanceof SignatureFormatError) return e;
      throw e;
    }
    throw new Error('no error thrown');
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cms-inspector-'));
    file = Buffer.concat([Buffer.from('%PDF-1.7\n'), createHash('sha512').update('file').digest(), Buffer.from('\n%%EOF\n')]);
    writeFileSync(join(dir, 'file.pdf'), file);
    const cert = (name: string, subject: string) => {
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-utf8', '-subj', subject, '-days', '2', '-keyout', `${name}.key`, '-out', `${name}.pem`);
      return openssl('x509', '-serial', '-noout', '-in', `${name}.pem`)
        .toString()
        .trim()
        .replace(/^serial=/, '');
    };
    serialA = cert('a', '/CN=Тест Підписант/O=ТОВ Приклад/serialNumber=12345678');
    serialB = cert('b', '/CN=Second Signer/O=Other Org/organizationIdentifier=NTRUA-87654321');
    const a = ['-signer', 'a.pem', '-inkey', 'a.key'];
    sig = sign('sig.p7s', ...a, '-outform', 'DER');
    sigPem = sign('sig.pem', ...a, '-outform', 'PEM');
    sig512 = sign('sig512.p7s', ...a, '-outform', 'DER', '-md', 'sha512');
    sigEmbedded = sign('embedded.p7s', ...a, '-outform', 'DER', '-nodetach');
    sigNoAttr = sign('noattr.p7s', ...a, '-outform', 'DER', '-noattr');
    sigKeyId = sign('keyid.p7s', ...a, '-outform', 'DER', '-keyid');
    sigTwo = sign('two.p7s', ...a, '-signer', 'b.pem', '-inkey', 'b.key', '-outform', 'DER');
    certDer = openssl('x509', '-in', 'a.pem', '-outform', 'DER');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the signed file and reads the signer (Cyrillic UTF8String subject, serial, issuer, time)', () => {
    const evidence = inspectDetachedSignature(file, sig);
    expect(evidence.fileSha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(evidence.signatureSha256).toBe(createHash('sha256').update(sig).digest('hex'));
    expect(evidence.signers).toHaveLength(1);
    const [signer] = evidence.signers;
    expect(signer.verified).toBe('match');
    expect(signer.reason).toBeUndefined();
    expect(signer.subject).toEqual({ commonName: 'Тест Підписант', organisation: 'ТОВ Приклад', codes: ['12345678'] });
    expect(signer.certificateSerial).toBe(serialA.toUpperCase());
    // Self-signed: the issuer is the subject.
    expect(signer.issuer).toBe('CN=Тест Підписант, O=ТОВ Приклад, serialNumber=12345678');
    expect(signer.digestAlgorithm).toEqual({ oid: '2.16.840.1.101.3.4.2.1', name: 'SHA-256' });
    const signedAt = Date.parse(signer.signedAt!);
    // UTCTime has whole seconds, so the signing time may read up to a second before the test began.
    expect(signedAt).toBeGreaterThanOrEqual(startedAt - 2000);
    expect(signedAt).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('reports a mismatch when one byte of the file differs', () => {
    const other = Buffer.from(file);
    other[10] ^= 0x01;
    expect(inspectDetachedSignature(other, sig).signers[0].verified).toBe('mismatch');
  });

  it('accepts PEM armour, CMS and PKCS7 alike', () => {
    expect(sigPem.toString('latin1')).toMatch(/^-----BEGIN CMS-----/);
    expect(inspectDetachedSignature(file, sigPem).signers[0].verified).toBe('match');
    const pkcs7 = Buffer.from(sigPem.toString('latin1').replace(/-----(BEGIN|END) CMS-----/g, '-----$1 PKCS7-----'));
    expect(inspectDetachedSignature(file, pkcs7).signers[0].subject.commonName).toBe('Тест Підписант');
  });

  it('verifies SHA-512 digests', () => {
    const [signer] = inspectDetachedSignature(file, sig512).signers;
    expect(signer.digestAlgorithm).toEqual({ oid: '2.16.840.1.101.3.4.2.3', name: 'SHA-512' });
    expect(signer.verified).toBe('match');
    expect(inspectDetachedSignature(Buffer.from('another file'), sig512).signers[0].verified).toBe('mismatch');
  });

  it('refuses a signature that embeds its content', () => {
    expect(formatError(() => inspectDetachedSignature(file, sigEmbedded)).reason).toBe('embedded-content');
  });

  it('cannot compare digests without signed attributes', () => {
    const [signer] = inspectDetachedSignature(file, sigNoAttr).signers;
    expect(signer.verified).toBe('not-verified');
    expect(signer.reason).toBe('no signed attributes');
    expect(signer.signedAt).toBeUndefined();
    expect(signer.subject.commonName).toBe('Тест Підписант');
  });

  it('finds the certificate when the signer is named by subject key identifier', () => {
    const [signer] = inspectDetachedSignature(file, sigKeyId).signers;
    expect(signer.verified).toBe('match');
    expect(signer.certificateSerial).toBe(serialA.toUpperCase());
    expect(signer.subject.commonName).toBe('Тест Підписант');
  });

  it('reports every signer', () => {
    const { signers } = inspectDetachedSignature(file, sigTwo);
    expect(signers.map((s) => s.verified)).toEqual(['match', 'match']);
    // SignerInfos is a DER SET OF, so openssl sorts it: find each signer by its certificate serial.
    const bySerial = new Map(signers.map((s) => [s.certificateSerial, s.subject]));
    expect(bySerial.get(serialA.toUpperCase())).toEqual({ commonName: 'Тест Підписант', organisation: 'ТОВ Приклад', codes: ['12345678'] });
    expect(bySerial.get(serialB.toUpperCase())).toEqual({ commonName: 'Second Signer', organisation: 'Other Org', codes: ['87654321'] });
  });

  it('names a GOST digest it cannot compute and does not guess', () => {
    const gost = withDigestOid(sig, '1.2.643.7.1.1.2.2');
    const [signer] = inspectDetachedSignature(file, gost).signers;
    expect(signer.digestAlgorithm).toEqual({ oid: '1.2.643.7.1.1.2.2', name: 'GOST R 34.11-2012 256' });
    expect(signer.verified).toBe('not-verified');
    expect(signer.reason).toBe('not verified here: GOST R 34.11-2012 256 (1.2.643.7.1.1.2.2)');
    // The rest of the evidence is still there.
    expect(signer.subject.codes).toEqual(['12345678']);
    expect(inspectDetachedSignature(file, withDigestOid(sig, '1.2.804.2.1.1.1.1.2.2.1')).signers[0].digestAlgorithm.name).toBe('Kupyna/DSTU 7564');
  });

  it('throws SignatureFormatError for garbage, truncated, oversized and non-SignedData input, without quoting it', () => {
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'empty'],
      [Buffer.from('secret-token-123 is not a signature'), 'not-der'],
      [Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)), 'not-der'],
      [sig.subarray(0, Math.floor(sig.length / 2)), 'not-der'],
      [sig.subarray(0, sig.length - 1), 'not-der'],
      [Buffer.concat([sig, Buffer.from([0x05, 0x00])]), 'trailing-data'],
      [Buffer.alloc(MAX_SIGNATURE_BYTES + 1, 0x30), 'too-large'],
      [Buffer.from('-----BEGIN CMS-----\nnot*base64!\n-----END CMS-----\n'), 'bad-pem'],
      [Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'bad-pem'],
      [certDer, 'not-cms'],
      [Buffer.from(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.1', content: new asn1js.OctetString({ valueHex: new Uint8Array([1, 2]) }) }).toSchema().toBER()), 'not-signed-data'],
    ];
    for (const [input, reason] of cases) {
      const error = formatError(() => inspectDetachedSignature(file, input));
      expect({ reason: error.reason, quotes: error.message.includes('secret') }).toEqual({ reason, quotes: false });
    }
  });

  it('refuses deep ASN.1 nesting quickly instead of overflowing the stack', () => {
    const started = Date.now();
    // 500 000 nested indefinite-length SEQUENCEs: a recursive parser would blow its stack.
    const indefinite = Buffer.alloc(MAX_SIGNATURE_BYTES, 0);
    for (let i = 0; i < MAX_SIGNATURE_BYTES / 2; i++) indefinite.set([0x30, 0x80], i * 2);
    expect(formatError(() => inspectDetachedSignature(file, indefinite)).reason).toBe('too-deep');
    // Definite lengths, OCTET STRINGs nested inside OCTET STRINGs (primitive, which asn1js speculatively parses).
    expect(formatError(() => inspectDetachedSignature(file, nestedOctetStrings(150_000))).reason).toBe('not-cms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('survives corrupted signatures: every mutation either parses or throws SignatureFormatError', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const mutated = Buffer.from(sigTwo);
      for (let k = 0; k < 1 + (i % 4); k++) mutated[next() % mutated.length] = next() & 0xff;
      try {
        expect(inspectDetachedSignature(file, mutated).signers.length).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(SignatureFormatError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('caps the number of signers', () => {
    const many = withSigners(sig, 11);
    expect(formatError(() => inspectDetachedSignature(file, many)).reason).toBe('too-many-signers');
    expect(inspectDetachedSignature(file, withSigners(sig, 10)).signers).toHaveLength(10);
  });
});

function signedDataOf(der: Buffer): pkijs.SignedData {
  const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(new Uint8Array(der)).result });
  return new pkijs.SignedData({ schema: info.content });
}

function encode(signed: pkijs.SignedData): Buffer {
  return Buffer.from(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) }).toSchema().toBER());
}

/** The same signature with its digest algorithm replaced: what a GOST/DSTU signer would produce, minus a valid signature value. */
function withDigestOid(der: Buffer, oid: string): Buffer {
  const signed = signedDataOf(der);
  signed.digestAlgorithms = [new pkijs.AlgorithmIdentifier({ algorithmId: oid })];
  signed.signerInfos[0].digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oid });
  return encode(signed);
}

function withSigners(der: Buffer, count: number): Buffer {
  const signed = signedDataOf(der);
  signed.signerInfos = Array.from({ length: count }, () => signed.signerInfos[0]);
  return encode(signed);
}

/** `depth` OCTET STRINGs each holding the next, built inside out without quadratic copying. */
function nestedOctetStrings(depth: number): Buffer {
  const headers: Buffer[] = [];
  let length = 2; // innermost: 04 00
  for (let i = 0; i < depth; i++) {
    const header =
      length < 0x80
        ? Buffer.from([0x04, length])
        : length < 0x100
          ? Buffer.from([0x04, 0x81, length])
          : length < 0x10000
            ? Buffer.from([0x04, 0x82, length >> 8, length & 0xff])
            : Buffer.from([0x04, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
    headers.push(header);
    length += header.length;
  }
  return Buffer.concat([...headers.reverse(), Buffer.from([0x04, 0x00])]);
}
