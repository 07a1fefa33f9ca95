import { multipartBoundary, MultipartError, parseMultipart } from './tg-multipart.codec';

const B = '----------abc123';

describe('multipart/form-data', () => {
  it('reads the boundary, quoted or not', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(multipartBoundary('multipart/form-data; boundary="a b;c"')).toBe('a b;c');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });

  it("parses grammY's compact form: no spaces, unquoted file name with spaces and Cyrillic", () => {
    const body = Buffer.concat([
      Buffer.from(`--${B}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n700000001\r\n--${B}\r\n`),
      Buffer.from('content-disposition:form-data;name="document"\r\n\r\nattach://f1\r\n'),
      Buffer.from(`--${B}\r\ncontent-disposition:form-data;name="f1";filename=Відповідь на звернення.pdf\r\ncontent-type:application/octet-stream\r\n\r\n`),
      Buffer.from([0x25, 0x50, 0x44, 0x46, 0x0d, 0x0a, 0x00, 0xff]),
      Buffer.from(`\r\n--${B}--\r\n`),
    ]);
    const parts = parseMultipart(body, B);
    expect(parts.map((p) => [p.name, p.fileName])).toEqual([
      ['chat_id', null],
      ['document', null],
      ['f1', 'Відповідь на звернення.pdf'],
    ]);
    expect(parts[0].data.toString()).toBe('700000001');
    expect(parts[2].data).toEqual(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x0d, 0x0a, 0x00, 0xff]));
    expect(parts[2].contentType).toBe('application/octet-stream');
  });

  it("parses curl's RFC 7578 form with quoted and RFC 5987 file names", () => {
    const body = Buffer.from(
      `preamble\r\n--${B}\r\nContent-Disposition: form-data; name="document"; filename="a \\"b\\".txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n` +
        `--${B}\r\nContent-Disposition: form-data; name="photo"; filename="x.jpg"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.jpg\r\n\r\n..\r\n--${B}--`,
    );
    const parts = parseMultipart(body, B);
    expect(parts[0]).toMatchObject({ name: 'document', fileName: 'a "b".txt', contentType: 'text/plain' });
    expect(parts[0].data.toString()).toBe('hello');
    expect(parts[1].fileName).toBe('фото.jpg');
  });

  it('refuses broken bodies with a MultipartError', () => {
    expect(() => parseMultipart(Buffer.from('no boundary here'), B)).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from(`--${B}\r\ncontent-disposition: form-data; name="a"\r\n\r\nnever ends`), B)).toThrow('not terminated');
    expect(() => parseMultipart(Buffer.from(`--${B}\r\ncontent-type: text/plain\r\n\r\nx\r\n--${B}--`), B)).toThrow('without a name');
    const many = Array.from({ length: 5 }, (_, i) => `--${B}\r\ncontent-disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('') + `--${B}--`;
    expect(() => parseMultipart(Buffer.from(many), B, 4)).toThrow('more than 4 parts');
  });
});
