import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { base64Chunks, base64Length, Base64Decoder, CONTENT_PLACEHOLDER, extractContent, streamedBody } from './dm-content.codec';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function collect(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Feeds a text in pieces of `size` bytes, cutting through tags and multi-byte characters. */
function pieces(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return Readable.from(out);
}

const answer = (inner: string) =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:executeResponse xmlns:m="http://www.1c.ru/dm"><m:return xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="m:DMRetrieveResponse">${inner}</m:return></m:executeResponse></soap:Body></soap:Envelope>`;

describe('1C file content streaming', () => {
  it('base64 of a stream cut anywhere equals the base64 of the whole', async () => {
    const bytes = randomBytes(100_003);
    const cuts = [1, 2, 7, 4096, 65_537].map((n) => {
      const out: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += n) out.push(bytes.subarray(i, i + n));
      return out;
    });
    for (const chunks of cuts) expect((await collect(base64Chunks(Readable.from(chunks)))).toString('latin1')).toBe(bytes.toString('base64'));
    expect(base64Length(bytes.length)).toBe(bytes.toString('base64').length);
  });

  it('a streamed request body is the XML with the content in place, and its length is exact', async () => {
    const bytes = randomBytes(10_000);
    const xml = `<m:file><m:name>Договір</m:name><m:binaryData>${CONTENT_PLACEHOLDER}</m:binaryData></m:file>`;
    const { body, length } = streamedBody(xml, Readable.from([bytes]), bytes.length);
    const sent = await collect(body);
    expect(sent.length).toBe(length);
    expect(sent.toString('utf8')).toBe(xml.replace(CONTENT_PLACEHOLDER, bytes.toString('base64')));
    expect(() => streamedBody('<x/>', Readable.from([bytes]), 1)).toThrow(/placeholder/);
  });

  it('decodes base64 arriving in odd pieces with line breaks, as 1C wraps it', () => {
    const bytes = randomBytes(1000);
    const wrapped = bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
    const d = new Base64Decoder();
    const out: Buffer[] = [];
    for (let i = 0; i < wrapped.length; i += 13) out.push(d.push(wrapped.slice(i, i + 13)));
    out.push(d.end());
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    const bad = new Base64Decoder();
    bad.push('QUJD' + 'QQ');
    expect(() => bad.end()).toThrow(/mid-quantum/);
  });

  it('streams binaryData out of an answer read in small pieces, through tags and Cyrillic text', async () => {
    const bytes = randomBytes(3_000_000);
    const xml = answer(`<m:objects xsi:type="m:DMFile"><m:name>Технічні умови — проєкт</m:name><m:size>${bytes.length}</m:size><m:binaryData>${bytes.toString('base64')}</m:binaryData></m:objects>`);
    let largest = 0;
    const { answer: info, result } = await extractContent(pieces(xml, 16 * 1024), async (content) => {
      const parts: Buffer[] = [];
      for await (const c of content) {
        largest = Math.max(largest, (c as Buffer).length);
        parts.push(c as Buffer);
      }
      return sha(Buffer.concat(parts));
    });
    expect(info).toMatchObject({ returnType: 'DMRetrieveResponse', found: true });
    expect(result).toBe(sha(bytes));
    // Handed on as it arrived, held back by the sink's pace: never the whole file at once.
    expect(largest).toBeLessThan(1024 * 1024);
  });

  it('reports a DMError answer and finds no content', async () => {
    const xml = answer('').replace(
      'xsi:type="m:DMRetrieveResponse">',
      'xsi:type="m:DMError"><m:subject>Объект не найден</m:subject><m:description>Объект DMFile с идентификатором "x" не найден.</m:description>',
    );
    const sink = jest.fn();
    const { answer: info } = await extractContent(pieces(xml, 50), sink);
    expect(info).toEqual({ returnType: 'DMError', found: false, error: { subject: 'Объект не найден', description: 'Объект DMFile с идентификатором "x" не найден.' } });
    expect(sink).not.toHaveBeenCalled();
  });

  it('refuses a DOCTYPE, an unknown entity and an answer cut inside the content', async () => {
    const sink = async (c: AsyncIterable<unknown>) => {
      for await (const _ of c) void _;
    };
    await expect(extractContent(pieces(`<!DOCTYPE x [<!ENTITY a "b">]>${answer('<m:binaryData>QUJD</m:binaryData>')}`, 64), sink)).rejects.toThrow(/DOCTYPE|cannot be parsed/);
    await expect(extractContent(pieces(answer('<m:name>&nbsp;</m:name>'), 64), sink)).rejects.toThrow(/cannot be parsed/);
    const cut = answer(`<m:binaryData>${randomBytes(3000).toString('base64')}</m:binaryData>`).slice(0, 2000);
    await expect(extractContent(pieces(cut, 100), sink)).rejects.toThrow();
  });

  it('a sink that fails stops the read with its own error', async () => {
    const xml = answer(`<m:binaryData>${randomBytes(2_000_000).toString('base64')}</m:binaryData>`);
    await expect(
      extractContent(pieces(xml, 64 * 1024), async (content) => {
        let n = 0;
        for await (const c of content) {
          n += (c as Buffer).length;
          if (n > 100_000) throw new Error('over the limit');
        }
      }),
    ).rejects.toThrow('over the limit');
  });
});
