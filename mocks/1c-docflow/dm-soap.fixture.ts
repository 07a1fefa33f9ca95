/**
 * Test helpers for the 1C mock's own tests: hand-written SOAP envelopes, plain fetch, and a
 * response reader built on fast-xml-parser directly (not on the mock's codec, so a codec bug
 * cannot hide itself). Not for adapters: they must build their own requests from the README.
 */
import { XMLParser } from 'fast-xml-parser';

/** The default user of the mock. */
export const LOGIN = 'Портал Интеграция';
/** Password of {@link LOGIN}. */
export const PASSWORD = 'portal-secret';
/** The SOAPAction of DMService. */
export const ACTION = 'http://www.1c.ru/dm#DMService:execute';

const cp1251Table = (() => {
  const dec = new TextDecoder('windows-1251');
  const map = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) map.set(dec.decode(Uint8Array.of(b)), b);
  return map;
})();

/** Encodes text as CP1251 (what some clients send in Basic auth). */
export function toCp1251(s: string): Buffer {
  return Buffer.from(
    [...s].map((ch) => {
      const code = ch.charCodeAt(0);
      if (code < 0x80) return code;
      const b = cp1251Table.get(ch);
      if (b === undefined) throw new Error(`no CP1251 byte for ${ch}`);
      return b;
    }),
  );
}

/** An `Authorization: Basic` value with the credentials in UTF-8 or CP1251. */
export function basic(login = LOGIN, password = PASSWORD, encoding: 'utf8' | 'cp1251' = 'utf8'): string {
  const raw = `${login}:${password}`;
  const bytes = encoding === 'utf8' ? Buffer.from(raw, 'utf8') : toCp1251(raw);
  return `Basic ${bytes.toString('base64')}`;
}

/** A DMService request envelope; `inner` uses the prefix `p` (default `m`). */
export function envelope(requestType: string, inner = '', p = 'm'): string {
  return (
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
    `<${p}:execute xmlns:${p}="http://www.1c.ru/dm">` +
    `<${p}:request xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${p}:${requestType}">` +
    `${inner}</${p}:request></${p}:execute></soap:Body></soap:Envelope>`
  );
}

/** What {@link call} returns. */
export interface SoapReply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed document (namespace prefixes removed, `xsi:type` as `@type`). */
  doc: any;
  /** `Envelope.Body.executeResponse.return`, when present. */
  ret: any;
  /** `Envelope.Body.Fault`, when present. */
  fault: { faultcode: string; faultstring: string } | undefined;
}

const ARRAYS = new Set(['items', 'objects', 'files', 'objectIds', 'states', 'relatedDocuments', 'additionalProperties']);
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ARRAYS.has(name),
});

/** Parses a SOAP answer. */
export function parseSoap(text: string): Pick<SoapReply, 'doc' | 'ret' | 'fault'> {
  const doc = parser.parse(text);
  const body = doc?.Envelope?.Body;
  return { doc, ret: body?.executeResponse?.return, fault: body?.Fault };
}

/** Posts an envelope with the usual headers; each can be overridden or dropped with null. */
export async function call(url: string, xml: string | Buffer, opts: { auth?: string | null; soapAction?: string | null; contentType?: string | null; timeoutMs?: number } = {}): Promise<SoapReply> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? basic() : opts.auth;
  if (auth !== null) headers.authorization = auth;
  const action = opts.soapAction === undefined ? ACTION : opts.soapAction;
  if (action !== null) headers.soapaction = action;
  const ct = opts.contentType === undefined ? 'text/xml; charset=utf-8' : opts.contentType;
  if (ct !== null) headers['content-type'] = ct;
  const res = await fetch(url, { method: 'POST', headers, body: xml, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, ...(text.startsWith('<') ? parseSoap(text) : { doc: undefined, ret: undefined, fault: undefined }) };
}

/** `<m:objectID>` of an id and type. */
export function oid(id: string, type: string, p = 'm'): string {
  return `<${p}:objectID><${p}:id>${id}</${p}:id><${p}:type>${type}</${p}:type></${p}:objectID>`;
}

/** A DMCreateRequest body for an incoming document. */
export function createIncoming(id: string, o: { ext?: string; title?: string; summary?: string; sender?: string; number?: string; date?: string; extra?: string } = {}): string {
  return envelope(
    'DMCreateRequest',
    `<m:dataBaseID>ae030af6-4e4c-11e9-8471-1cc1de6c0042</m:dataBaseID>` +
      `<m:object xsi:type="m:DMIncomingDocument">` +
      `<m:name>${o.title ?? 'Обращение'}</m:name>${oid(id, 'DMIncomingDocument')}` +
      (o.ext ? `<m:externalObject><m:id>${o.ext}</m:id><m:type>cabinet-hub.appeal</m:type><m:name>Обращение ${o.ext}</m:name></m:externalObject>` : '') +
      `<m:title>${o.title ?? 'Обращение'}</m:title><m:summary>${o.summary ?? 'Текст обращения'}</m:summary>` +
      `<m:sender xsi:type="m:DMCorrespondent"><m:name>${o.sender ?? 'Иванов Иван Иванович'}</m:name></m:sender>` +
      `<m:incomingNumber>${o.number ?? 'KYIV-1'}</m:incomingNumber><m:incomingDate>${o.date ?? '2026-03-01T10:15:00'}</m:incomingDate>` +
      (o.extra ?? '') +
      `</m:object>`,
  );
}

/** A DMAddFileRequest body. */
export function addFile(ownerId: string, fileId: string, content: Buffer, o: { name?: string; ext?: string; size?: number; ownerType?: string; description?: string } = {}): string {
  const ownerType = o.ownerType ?? 'DMIncomingDocument';
  return envelope(
    'DMAddFileRequest',
    `<m:file xsi:type="m:DMFile"><m:name>${o.name ?? 'scan'}</m:name>${oid(fileId, 'DMFile')}` +
      `<m:extension>${o.ext ?? 'pdf'}</m:extension><m:size>${o.size ?? content.length}</m:size>` +
      (o.description !== undefined ? `<m:description>${o.description}</m:description>` : '') +
      `<m:binaryData>${content.toString('base64')}</m:binaryData></m:file>` +
      `<m:owner xsi:type="m:${ownerType}"><m:name>Документ</m:name>${oid(ownerId, ownerType)}</m:owner>`,
  );
}

/** `documentType` and `additionalProperties` elements of an application (`[name, value]` pairs). */
export function applicationProps(kind: string | null, props: [string, string][]): string {
  return (
    (kind === null ? '' : `<m:documentType xsi:type="m:DMDocumentType"><m:name>${kind}</m:name></m:documentType>`) +
    props.map(([n, v]) => `<m:additionalProperties><m:name>${n}</m:name><m:propertySimpleValue xsi:type="xs:string">${v}</m:propertySimpleValue></m:additionalProperties>`).join('')
  );
}

/** A DMCreateRequest body for an internal document. */
export function createInternal(id: string, o: { ext?: string; title?: string; summary?: string; extra?: string } = {}): string {
  return envelope(
    'DMCreateRequest',
    `<m:object xsi:type="m:DMInternalDocument">` +
      `<m:name>${o.title ?? 'Заявка'}</m:name>${oid(id, 'DMInternalDocument')}` +
      (o.ext ? `<m:externalObject><m:id>${o.ext}</m:id><m:type>cabinet-hub.application</m:type><m:name>Заявка ${o.ext}</m:name></m:externalObject>` : '') +
      `<m:title>${o.title ?? 'Заявка'}</m:title><m:summary>${o.summary ?? 'Текст заявки'}</m:summary>` +
      (o.extra ?? '') +
      `</m:object>`,
  );
}

/** A DMRetrieveRequest body. */
export function retrieve(ids: [string, string][], columns: string[] = []): string {
  return envelope(
    'DMRetrieveRequest',
    ids.map(([id, type]) => `<m:objectIds><m:id>${id}</m:id><m:type>${type}</m:type></m:objectIds>`).join('') + columns.map((c) => `<m:columnSet>${c}</m:columnSet>`).join(''),
  );
}

/** One condition: `[property, xsiType, valueXml, operator?]`. */
export type Cond = [string, string, string, string?];

/** A DMGetObjectListRequest body. */
export function list(type: string, conditions: Cond[] = [], o: { limit?: number; columns?: string[] } = {}): string {
  const conds = conditions
    .map(
      ([prop, t, v, op]) =>
        `<m:conditions><m:property>${prop}</m:property><m:value xsi:type="${t}">${v}</m:value>` +
        (op ? `<m:comparisonOperator>${op.replace('<', '&lt;')}</m:comparisonOperator>` : '') +
        `</m:conditions>`,
    )
    .join('');
  const cols = (o.columns ?? []).map((c) => `<m:columnSet>${c}</m:columnSet>`).join('');
  return envelope('DMGetObjectListRequest', `<m:type>${type}</m:type><m:query>${conds}${cols}${o.limit !== undefined ? `<m:limit>${o.limit}</m:limit>` : ''}</m:query>`);
}

/** A DMGetFileListByOwnerRequest body. */
export function fileList(ownerId: string, ownerType: string): string {
  return envelope('DMGetFileListByOwnerRequest', `<m:owners xsi:type="m:DMObject"><m:name xsi:nil="true"/>${oid(ownerId, ownerType)}</m:owners>`);
}
