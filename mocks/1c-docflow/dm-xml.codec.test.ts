import { randomUUID } from 'node:crypto';
import { base64Bytes, decodeBase64, DmFault, DmXmlWriter, isBase64, parseXml, parseXmlBytes } from './dm-xml.codec';
import { start1cDocflowMock, type RunningDocflowMock } from './index';
import { call, createIncoming, envelope } from './dm-soap.fixture';

describe('dm-xml.codec: parsing', () => {
  const parse = (xml: string) => parseXml(xml, { maxDepth: 64 });
  const faultOf = (xml: string) => {
    try {
      parse(xml);
    } catch (err) {
      return err as DmFault;
    }
    throw new Error('expected a fault');
  };

  it('resolves prefixes, default namespaces and xsi:type QNames', () => {
    const root = parse('<a:x xmlns:a="urn:a" xmlns="urn:d" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><y i:type="a:T" i:nil="true"/><a:z>t</a:z></a:x>');
    expect(root).toMatchObject({ ns: 'urn:a', local: 'x' });
    expect(root.children[0]).toMatchObject({ ns: 'urn:d', local: 'y', xsiType: { ns: 'urn:a', local: 'T' }, nil: true });
    expect(root.children[1]).toMatchObject({ ns: 'urn:a', local: 'z', text: 't' });
  });

  it('refuses DOCTYPE and ENTITY declarations, even in lower case, but not the same text in CDATA', () => {
    expect(faultOf('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>').message).toMatch(/DTD/);
    expect(faultOf('<?xml version="1.0"?>\n<!doctype x SYSTEM "file:///etc/passwd"><x/>').message).toMatch(/DTD/);
    expect(faultOf('<x><!ENTITY a "b"></x>').message).toMatch(/DTD/);
    expect(parse('<x><![CDATA[<!DOCTYPE is just text here]]></x>').text).toBe('<!DOCTYPE is just text here');
  });

  it('expands only the predefined entities and character references', () => {
    expect(parse('<x a="&quot;&#x41;">&lt;&gt;&amp;&apos;&quot;&#1071;&#x1F600;</x>')).toMatchObject({
      text: `<>&'"Я😀`,
      attrs: [{ local: 'a', value: '"A' }],
    });
    expect(faultOf('<x>&nbsp;</x>').message).toMatch(/необъявленную сущность "nbsp"/);
    expect(faultOf('<x>&#0;</x>').message).toMatch(/недопустимый символ/);
  });

  it('caps the nesting depth', () => {
    const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
    const f = faultOf(deep);
    expect(f).toBeInstanceOf(DmFault);
    expect(f.message).toMatch(/глубина вложенности/);
    expect(parseXml('<a><b/></a>', { maxDepth: 2 }).children[0].local).toBe('b');
  });

  it('keeps element names that look like prototype keys as plain strings', () => {
    const root = parse('<m:x xmlns:m="urn:m"><m:__proto__><m:polluted>yes</m:polluted></m:__proto__><m:constructor/><hasOwnProperty/></m:x>');
    expect(root.children.map((c) => c.local)).toEqual(['__proto__', 'constructor', '__hasOwnProperty']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(faultOf('<x><__proto__>1</__proto__></x>').code).toBe('soap:Client');
  });

  it('sets large text runs aside and restores them exactly', () => {
    const big = 'QUJD'.repeat(1_000_000);
    const t0 = Date.now();
    const root = parse(`<r><a>${big}</a><b>${big.slice(0, 9000)}&amp;</b><c attr="${'x'.repeat(9000)}">${'y'.repeat(9000)}</c></r>`);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(root.children[0].text).toBe(big);
    expect(root.children[1].text).toBe(`${big.slice(0, 9000)}&`);
    expect(root.children[2].attrs[0].value).toBe('x'.repeat(9000));
    expect(root.children[2].text).toBe('y'.repeat(9000));
  });

  it('checks base64 without regex backtracking', () => {
    expect(isBase64('QUJD')).toBe(true);
    expect(isBase64('QQ==')).toBe(true);
    expect(isBase64('Q===')).toBe(false);
    expect(isBase64('Q*JD')).toBe(false);
    expect(isBase64('QUJ')).toBe(false);
    expect(isBase64('A'.repeat(16_000_000))).toBe(true);
  });

  it('decodes exactly the base64 isBase64 accepts, base64url and inner padding refused', () => {
    for (const s of ['QUJD', 'QQ==', 'QUI=', '', 'Q===', 'Q*JD', 'QUJ', 'QQ==QQ==', 'QU-_', 'QU_D', 'QUJ\u0414', '====', 'A===', 'AB=C', 'QQ=A']) {
      expect([s, decodeBase64(s) !== null]).toEqual([s, isBase64(s)]);
    }
    expect(decodeBase64('0J/RgNC40LLQtdGC')?.toString('utf8')).toBe('Привет');
  });

  it('parses bytes: an ASCII run is set aside before UTF-8 decoding; Cyrillic, marks and bad UTF-8 handled', () => {
    const big = 'QUJD'.repeat(500_000);
    const xml = `<r><a>${big}</a><b>Длинный текст ${'я'.repeat(9000)}</b><c>${big.slice(0, 9000)}&amp;</c></r>`;
    const root = parseXmlBytes(Buffer.from(xml, 'utf8'), { maxDepth: 64 });
    expect(root.children.map((c) => c.text)).toEqual([big, `Длинный текст ${'я'.repeat(9000)}`, `${big.slice(0, 9000)}&`]);
    // Text that already carries the set-aside mark is taken literally.
    const forged = '<r><a>\u{E000}dmblob0\u{E000}</a><b>' + 'Q'.repeat(9000) + '</b></r>';
    expect(parseXmlBytes(Buffer.from(forged, 'utf8'), { maxDepth: 64 }).children.map((c) => c.text.length)).toEqual([9, 9000]);
    expect(() => parseXmlBytes(Buffer.from([0x3c, 0x72, 0x3e, 0xd0, 0x3c, 0x2f, 0x72, 0x3e]), { maxDepth: 64 })).toThrow(/UTF-8/);
    expect(parseXmlBytes(Buffer.from('\uFEFF<r>т</r>', 'utf8'), { maxDepth: 64 }).text).toBe('т');
  });

  it('writes file content as bytes: render splices base64 into the answer; a forged mark stays text', () => {
    const w = new DmXmlWriter('m');
    const a = Buffer.from('Привет, мир');
    const b = Buffer.alloc(1_000_001, 7);
    const xml = `<x>${w.leaf('t', 'Ю\u{E001}0\u{E001}')}${w.blobLeaf('binaryData', a)}${w.blobLeaf('binaryData', Buffer.alloc(0))}${w.blobLeaf('d', b)}</x>`;
    const out = w.render(xml);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.toString('utf8')).toBe(`<x><m:t>Ю\u{E001}0\u{E001}</m:t><m:binaryData>${a.toString('base64')}</m:binaryData><m:binaryData/><m:d>${b.toString('base64')}</m:d></x>`);
    expect(new DmXmlWriter('m').render('<x/>')).toBe('<x/>');
    for (const n of [0, 1, 2, 3, 786_431, 786_432, 786_433, 2_000_000]) {
      const bytes = Buffer.alloc(n, n % 251);
      expect(base64Bytes(bytes).toString('latin1')).toBe(bytes.toString('base64'));
    }
  });
});

describe('1C DMService mock: hostile XML over HTTP', () => {
  let dm: RunningDocflowMock;
  beforeAll(async () => {
    dm = await start1cDocflowMock({ visibilityDelayMs: 0 });
  });
  afterAll(() => dm.close());

  it('refuses a billion-laughs DOCTYPE with a Fault, fast, and keeps serving', async () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      envelope('DMGetVersionRequest', '').replace('<soap:Body>', '<soap:Body><x>&lol3;</x>');
    const t0 = Date.now();
    const r = await call(dm.url, lol);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe(500);
    expect(r.fault?.faultcode).toBe('soap:Client');
    expect(r.fault?.faultstring).toMatch(/DOCTYPE/);
    expect((await call(dm.url, envelope('DMGetVersionRequest'))).status).toBe(200);
  });

  it('__proto__ and constructor elements do not pollute prototypes', async () => {
    const id = randomUUID();
    const prefixed = await call(dm.url, createIncoming(id, { extra: '<m:__proto__><m:polluted>yes</m:polluted><m:isAdmin>true</m:isAdmin></m:__proto__>' }));
    expect(prefixed.status).toBe(500);
    expect(prefixed.fault?.faultstring).toMatch(/свойство не найдено.*__proto__/);
    const bare = await call(dm.url, createIncoming(randomUUID(), { extra: '<__proto__><polluted>yes</polluted></__proto__>' }));
    expect(bare.status).toBe(500);
    expect(bare.fault?.faultcode).toBe('soap:Client');
    const ctor = await call(dm.url, createIncoming(randomUUID(), { extra: '<m:constructor><m:prototype>1</m:prototype></m:constructor>' }));
    expect(ctor.status).toBe(500);
    const condition = await call(
      dm.url,
      envelope(
        'DMGetObjectListRequest',
        '<m:type>DMIncomingDocument</m:type><m:query><m:conditions><m:property>__proto__</m:property><m:value xsi:type="xs:string">x</m:value></m:conditions></m:query>',
      ),
    );
    expect(condition.ret['@type']).toBe('m:DMError');

    const probe = {} as Record<string, unknown>;
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
    expect(dm.clerk.documents()).toHaveLength(0);
    expect((await call(dm.url, createIncoming(id))).status).toBe(200);
  });

  it('refuses deep nesting with a Fault', async () => {
    const deep = envelope('DMGetVersionRequest', '<m:a>'.repeat(200) + '</m:a>'.repeat(200));
    const r = await call(dm.url, deep);
    expect(r.status).toBe(500);
    expect(r.fault?.faultstring).toMatch(/глубина вложенности/);
  });

  it('survives garbage bodies of every kind', async () => {
    for (const body of ['', '<', '\u0000\u0001', '<?xml version="1.0"?>', '<a><b></a>', 'x'.repeat(100_000), '<soap:Envelope/>']) {
      const r = await call(dm.url, body);
      expect(r.status).toBe(500);
      expect(r.fault?.faultcode).toBe('soap:Client');
    }
    expect((await call(dm.url, envelope('DMGetVersionRequest'))).status).toBe(200);
  });
});
