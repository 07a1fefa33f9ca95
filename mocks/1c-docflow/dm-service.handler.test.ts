import { randomUUID } from 'node:crypto';
import { start1cDocflowMock, type RunningDocflowMock } from './index';
import { basic, call, createIncoming, envelope, LOGIN, PASSWORD } from './dm-soap.fixture';

describe('1C DMService mock: transport, auth and faults', () => {
  let dm: RunningDocflowMock;
  beforeAll(async () => {
    dm = await start1cDocflowMock({
      visibilityDelayMs: 0,
      users: [
        { login: LOGIN, password: PASSWORD },
        { login: 'Сидоренко Олена Петрівна', password: 'пароль-1' },
      ],
    });
  });
  afterAll(() => dm.close());
  afterEach(() => dm.admin.reset());

  it('serves on the default endpoint path and on the dm.1cws aliases; other paths are 404', async () => {
    expect(dm.url).toBe(`${dm.baseUrl}/DocMng/ws/DMService`);
    for (const path of ['/DocMng/ws/DMService', '/ws/dm.1cws', '/DocMng/ws/dm.1cws', '/ws/DMService']) {
      const r = await call(dm.baseUrl + path, envelope('DMGetVersionRequest'));
      expect(r.status).toBe(200);
    }
    expect((await call(`${dm.baseUrl}/ws/Other`, envelope('DMGetVersionRequest'))).status).toBe(404);
    expect((await fetch(dm.url, { headers: { authorization: basic() } })).status).toBe(405);
  });

  it('answers DMGetVersionRequest with executeResponse/return xsi:type DMGetVersionResponse', async () => {
    const r = await call(dm.url, envelope('DMGetVersionRequest'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(r.ret['@type']).toBe('m:DMGetVersionResponse');
    expect(r.ret.versionNumber).toBe('3.0.14.5.CORP');
    expect(r.text).toContain('<m:executeResponse xmlns:m="http://www.1c.ru/dm">');
  });

  it('accepts any prefix bound to the DM namespace (m, tns, dm) and a default namespace', async () => {
    for (const p of ['tns', 'dm', 'x1']) {
      const r = await call(dm.url, envelope('DMGetVersionRequest', '', p));
      expect(r.ret?.versionNumber).toBe('3.0.14.5.CORP');
    }
    const defaultNs =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><execute xmlns="http://www.1c.ru/dm">' +
      '<request xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:d="http://www.1c.ru/dm" i:type="d:DMGetVersionRequest"/>' +
      '</execute></s:Body></s:Envelope>';
    expect((await call(dm.url, defaultNs)).ret?.versionNumber).toBe('3.0.14.5.CORP');
  });

  it('answers with the tns prefix when the responsePrefix quirk says so', async () => {
    dm.quirks.set({ responsePrefix: 'tns' });
    const r = await call(dm.url, envelope('DMGetVersionRequest'));
    expect(r.text).toContain('<tns:return');
    expect(r.text).toContain('xsi:type="tns:DMGetVersionResponse"');
  });

  it('DMGetCurrentUserRequest returns the authenticated user', async () => {
    const r = await call(dm.url, envelope('DMGetCurrentUserRequest'));
    expect(r.ret.user.name).toBe(LOGIN);
    expect(r.ret.user.objectID.type).toBe('DMUser');
    expect(r.ret.user.objectID.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('Basic auth', () => {
    it('accepts a Cyrillic login sent as UTF-8', async () => {
      expect((await call(dm.url, envelope('DMGetVersionRequest'), { auth: basic(LOGIN, PASSWORD, 'utf8') })).status).toBe(200);
      const uk = await call(dm.url, envelope('DMGetCurrentUserRequest'), { auth: basic('Сидоренко Олена Петрівна', 'пароль-1', 'utf8') });
      expect(uk.ret.user.name).toBe('Сидоренко Олена Петрівна');
    });

    it('accepts a Cyrillic login sent as CP1251', async () => {
      const header = basic(LOGIN, PASSWORD, 'cp1251');
      expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).not.toContain(LOGIN);
      expect((await call(dm.url, envelope('DMGetVersionRequest'), { auth: header })).status).toBe(200);
      const uk = await call(dm.url, envelope('DMGetVersionRequest'), { auth: basic('Сидоренко Олена Петрівна', 'пароль-1', 'cp1251') });
      expect(uk.status).toBe(200);
    });

    it('answers 401 with a Basic challenge for a wrong password, an unknown user, or no header', async () => {
      for (const auth of [basic(LOGIN, 'wrong'), basic('Неизвестный', PASSWORD), null, 'Bearer abc', 'Basic !!!']) {
        const r = await call(dm.url, envelope('DMGetVersionRequest'), { auth });
        expect(r.status).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Basic realm="1C"');
      }
      expect(dm.admin.requests().every((e) => e.headers.authorization === undefined || /^\w+$/.test(e.headers.authorization))).toBe(true);
    });

    it('requires auth for ?wsdl too', async () => {
      expect((await fetch(`${dm.url}?wsdl`)).status).toBe(401);
      const ok = await fetch(`${dm.url}?wsdl`, { headers: { authorization: basic() } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('<service name="DMService">');
    });
  });

  describe('SOAP-level faults (HTTP 500, Russian faultstring)', () => {
    it('unknown request type', async () => {
      const r = await call(dm.url, envelope('DMLaunchRocketRequest'));
      expect(r.status).toBe(500);
      expect(r.fault).toEqual({ faultcode: 'soap:Server', faultstring: 'Неизвестный тип запроса: DMLaunchRocketRequest', detail: '' });
    });

    it('undeclared namespace prefix', async () => {
      const xml =
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:execute>' +
        '<m:request xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="m:DMGetVersionRequest"/></m:execute></soap:Body></soap:Envelope>';
      const r = await call(dm.url, xml);
      expect(r.status).toBe(500);
      expect(r.fault?.faultcode).toBe('soap:Client');
      expect(r.fault?.faultstring).toBe('Отсутствует отображение для префикса m');
    });

    it('undeclared prefix inside xsi:type', async () => {
      const xml = envelope('DMGetVersionRequest').replace('xsi:type="m:DMGetVersionRequest"', 'xsi:type="q:DMGetVersionRequest"');
      const r = await call(dm.url, xml);
      expect(r.fault?.faultstring).toBe('Отсутствует отображение для префикса q');
    });

    it('request without xsi:type, or execute in another namespace', async () => {
      const noType = envelope('DMGetVersionRequest').replace(' xsi:type="m:DMGetVersionRequest"', '');
      expect((await call(dm.url, noType)).fault?.faultstring).toMatch(/Ошибка преобразования данных XDTO.*DMRequest/);
      const otherNs = envelope('DMGetVersionRequest').replace('xmlns:m="http://www.1c.ru/dm"', 'xmlns:m="http://example.com/dm"');
      const r = await call(dm.url, otherNs);
      expect(r.status).toBe(500);
      expect(r.fault?.faultstring).toMatch(/Не найдена операция веб-сервиса/);
    });

    it('malformed XML, non-UTF-8 bytes, SOAP 1.2 and a wrong content type', async () => {
      const bad = await call(dm.url, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>');
      expect(bad.status).toBe(500);
      expect(bad.fault?.faultstring).toMatch(/^Ошибка разбора XML/);
      const latin = await call(dm.url, Buffer.concat([Buffer.from(envelope('DMGetVersionRequest').slice(0, 40)), Buffer.from([0xff, 0xfe])]));
      expect(latin.fault?.faultstring).toMatch(/UTF-8/);
      const soap12 = '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><m:execute xmlns:m="http://www.1c.ru/dm"/></e:Body></e:Envelope>';
      expect((await call(dm.url, soap12)).fault?.faultcode).toBe('soap:VersionMismatch');
      const json = await call(dm.url, envelope('DMGetVersionRequest'), { contentType: 'application/json' });
      expect(json.status).toBe(500);
      expect(json.fault?.faultstring).toMatch(/text\/xml/);
    });

    it('checks SOAPAction (quoted or not), unless the soapActionCheck quirk is off', async () => {
      expect((await call(dm.url, envelope('DMGetVersionRequest'), { soapAction: '"http://www.1c.ru/dm#DMService:execute"' })).status).toBe(200);
      const missing = await call(dm.url, envelope('DMGetVersionRequest'), { soapAction: null });
      expect(missing.status).toBe(500);
      expect(missing.fault?.faultstring).toMatch(/SOAPAction/);
      expect((await call(dm.url, envelope('DMGetVersionRequest'), { soapAction: 'execute' })).status).toBe(500);
      dm.quirks.set({ soapActionCheck: false });
      expect((await call(dm.url, envelope('DMGetVersionRequest'), { soapAction: null })).status).toBe(200);
    });

    it('unknown children of a request are an XDTO error', async () => {
      const r = await call(dm.url, envelope('DMGetVersionRequest', '<m:verbose>true</m:verbose>'));
      expect(r.status).toBe(500);
      expect(r.fault?.faultstring).toMatch(/Ошибка преобразования данных XDTO: свойство не найдено.*свойство: verbose/);
    });
  });

  describe('kit faults on this mock', () => {
    it('http-error answers a SOAP Fault with the chosen status; rate-limit adds Retry-After', async () => {
      dm.admin.fault([
        { fault: 'http-error', status: 503, count: 1 },
        { fault: 'rate-limit', retryAfterSeconds: 7, count: 1 },
        { fault: 'http-error', status: 500, count: 1, message: 'Сеанс работы завершен администратором.' },
      ]);
      const a = await call(dm.url, envelope('DMGetVersionRequest'));
      expect(a.status).toBe(503);
      expect(a.fault).toMatchObject({ faultcode: 'soap:Server', faultstring: 'Сервис временно недоступен' });
      const b = await call(dm.url, envelope('DMGetVersionRequest'));
      expect(b.status).toBe(429);
      expect(b.headers.get('retry-after')).toBe('7');
      expect(b.fault).toBeDefined();
      const c = await call(dm.url, envelope('DMGetVersionRequest'));
      expect(c.status).toBe(500);
      expect(c.fault?.faultstring).toBe('Сеанс работы завершен администратором.');
      expect((await call(dm.url, envelope('DMGetVersionRequest'))).status).toBe(200);
    });

    it('faults can target one request type (classified from xsi:type)', async () => {
      dm.admin.fault({ fault: 'http-error', status: 502, match: { type: 'DMCreateRequest' } });
      expect((await call(dm.url, envelope('DMGetVersionRequest'))).status).toBe(200);
      expect((await call(dm.url, createIncoming(randomUUID()))).status).toBe(502);
      expect(dm.admin.requests().map((r) => r.type)).toEqual(['DMGetVersionRequest', 'DMCreateRequest']);
      expect(dm.clerk.documents()).toHaveLength(0);
    });

    it('a timeout after processing leaves the outcome unknown to the client, but the document exists', async () => {
      dm.admin.fault({ fault: 'timeout', afterProcessing: true, count: 1 });
      const id = randomUUID();
      const err = await call(dm.url, createIncoming(id), { timeoutMs: 300 }).then(
        () => null,
        (e: { name?: string }) => e,
      );
      expect(err?.name).toBe('TimeoutError');
      expect(dm.clerk.document(id).state).toBe('Новый');
      // The client's retry with the same GUID is safe: it gets the same document back.
      const again = await call(dm.url, createIncoming(id));
      expect(again.ret.object.objectID.id).toBe(id);
      expect(dm.clerk.documents()).toHaveLength(1);
    });

    it('bodies over the cap get a 413 SOAP Fault', async () => {
      const small = await start1cDocflowMock({ maxBodyBytes: 2048 });
      try {
        const r = await call(small.url, createIncoming(randomUUID(), { summary: 'я'.repeat(3000) }));
        expect(r.status).toBe(413);
        expect(r.fault?.faultstring).toBe('Превышен допустимый размер запроса');
      } finally {
        await small.close();
      }
    });
  });
});
