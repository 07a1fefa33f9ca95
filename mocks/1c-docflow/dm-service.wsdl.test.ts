import * as soap from 'soap';
import { start1cDocflowMock, type RunningDocflowMock } from './index';
import { basic, LOGIN, PASSWORD } from './dm-soap.fixture';

describe('1C DMService mock: WSDL', () => {
  let dm: RunningDocflowMock;
  beforeAll(async () => {
    dm = await start1cDocflowMock();
  });
  afterAll(() => dm.close());

  it('loads in node-soap and lists the single execute operation of DMService', async () => {
    const client = await soap.createClientAsync(`${dm.url}?wsdl`, { wsdl_headers: { Authorization: basic() } });
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description)).toEqual(['DMService']);
    expect(Object.keys(description.DMService)).toEqual(['DMServiceSoap']);
    expect(Object.keys(description.DMService.DMServiceSoap)).toEqual(['execute']);
    expect(typeof (client as unknown as Record<string, unknown>).executeAsync).toBe('function');
  });

  it('a generic SOAP client built from the WSDL can call execute', async () => {
    const client = await soap.createClientAsync(`${dm.url}?wsdl`, { wsdl_headers: { Authorization: basic() } });
    client.setSecurity(new soap.BasicAuthSecurity(LOGIN, PASSWORD));
    const execute = (client as unknown as { executeAsync(args: unknown): Promise<[{ return: { versionNumber: string } }]> }).executeAsync;
    const [result] = await execute({ request: { attributes: { 'xsi:type': 'tns:DMGetVersionRequest' } } });
    expect(result.return.versionNumber).toBe('3.0.14.5.CORP');
  });

  it('declares the namespace, SOAPAction, document/literal binding, abstract DMRequest/DMResponse and the address', async () => {
    const res = await fetch(`${dm.url}?wsdl`, { headers: { authorization: basic() } });
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const wsdl = await res.text();
    expect(wsdl).toContain('targetNamespace="http://www.1c.ru/dm"');
    expect(wsdl).toContain('soapAction="http://www.1c.ru/dm#DMService:execute"');
    expect(wsdl).toContain('<soap:binding style="document"');
    expect(wsdl).toContain('<soap:body use="literal"/>');
    expect(wsdl).toContain('<xs:complexType name="DMRequest" abstract="true">');
    expect(wsdl).toContain('<xs:complexType name="DMResponse" abstract="true">');
    expect(wsdl).toContain('<xs:element name="request" type="tns:DMRequest"/>');
    expect(wsdl).toContain('<xs:element name="return" type="tns:DMResponse"/>');
    expect(wsdl).toContain(`<soap:address location="${dm.url}"/>`);
    for (const t of ['DMCreateRequest', 'DMIncomingDocument', 'DMOutgoingDocument', 'DMFile', 'DMError', 'DMGetObjectListResponse']) {
      expect(wsdl).toContain(`<xs:complexType name="${t}"`);
    }
  });

  it('is served on the aliases too (with ?WSDL as well)', async () => {
    const res = await fetch(`${dm.baseUrl}/ws/dm.1cws?WSDL`, { headers: { authorization: basic() } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`location="${dm.baseUrl}/ws/dm.1cws"`);
  });
});
