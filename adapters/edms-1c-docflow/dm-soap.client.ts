import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import type { Readable } from 'node:stream';
import { PermanentError, TransientError } from '../../contracts';
import type { DocflowConfig } from './docflow.config';
import { classifyFault, DmApplicationError } from './docflow.errors';
import { extractContent, streamedBody } from './dm-content.codec';

const NS = 'http://www.1c.ru/dm';
const SOAP_ACTION = 'http://www.1c.ru/dm#DMService:execute';

/** Elements that are lists in DMService answers even when one item comes back. */
const LIST_ELEMENTS = new Set(['items', 'object', 'objects', 'files', 'conditions', 'columnSet', 'objectIds', 'states', 'relatedDocuments', 'additionalProperties']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Entities stay as text: a response must never make the parser expand anything.
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, suppressBooleanAttributes: false, processEntities: true });

/** A parsed DMService object: element names without prefixes, `@_type` holding `xsi:type`. */
export type DmNode = Record<string, unknown>;

/**
 * SOAP 1.1 client for DMService `execute`, polymorphic on the request's `xsi:type`. It speaks
 * the wire format itself (fast-xml-parser to build and read) rather than through a WSDL proxy:
 * the one operation takes an abstract `DMRequest`, which generated clients handle poorly.
 */
export class DmSoapClient {
  private readonly authorization: string;

  constructor(private readonly config: DocflowConfig) {
    // Cyrillic logins: UTF-8 by default; CP1251 for publications that decode the header that way.
    const credentials = `${config.login}:${config.password}`;
    const bytes = config.authEncoding === 'cp1251' ? iconv.encode(credentials, 'win1251') : Buffer.from(credentials, 'utf8');
    this.authorization = `Basic ${bytes.toString('base64')}`;
  }

  /**
   * Sends one request; returns the `<return>` node. Throws TransientError (network, timeout,
   * 429, 5xx server faults, garbled answers), PermanentError (401/403, client faults) or
   * DmApplicationError (a DMError answer, which the caller interprets).
   */
  async execute(requestType: string, body: Record<string, unknown>, signal: AbortSignal): Promise<DmNode> {
    const res = await this.post(this.envelope(requestType, body), signal);
    return this.answerOf(res, await res.text().catch(() => ''));
  }

  /**
   * As {@link execute}, with file content streamed into the request where `body` holds
   * CONTENT_PLACEHOLDER (the `binaryData` of a DMAddFileRequest): the file is never in memory whole.
   */
  async executeWithContent(requestType: string, body: Record<string, unknown>, content: Readable, size: number, signal: AbortSignal): Promise<DmNode> {
    const { body: stream, length } = streamedBody(this.envelope(requestType, body), content, size);
    const res = await this.post(stream, signal, length);
    return this.answerOf(res, await res.text().catch(() => ''));
  }

  /**
   * Sends a request whose answer carries `binaryData` (a DMRetrieveRequest of one DMFile with
   * `binaryData` in its columnSet) and streams the decoded content to `sink` as it arrives.
   * Resolves undefined when the answer holds no content; errors as {@link execute}.
   */
  async executeForContent<T>(requestType: string, body: Record<string, unknown>, signal: AbortSignal, sink: (content: Readable) => Promise<T>): Promise<T | undefined> {
    const res = await this.post(this.envelope(requestType, body), signal);
    if (res.status !== 200 || !res.body) return void this.answerOf(res, await res.text().catch(() => ''));
    let extracted;
    try {
      extracted = await extractContent(res.body as AsyncIterable<Uint8Array>, sink);
    } catch (e) {
      if (e instanceof PermanentError || e instanceof TransientError) throw e;
      throw new TransientError(`1C answer could not be read: ${(e as Error).message}`.slice(0, 300));
    }
    if (extracted.answer.returnType === 'DMError') throw new DmApplicationError(extracted.answer.error?.subject ?? '', extracted.answer.error?.description ?? '');
    return extracted.result;
  }

  private envelope(requestType: string, body: Record<string, unknown>): string {
    const request = { '@_xmlns:xs': 'http://www.w3.org/2001/XMLSchema', '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:type': `m:${requestType}`, ...prefixed(body) };
    return (
      '<?xml version="1.0" encoding="UTF-8"?>' +
      builder.build({ 'soap:Envelope': { '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/', 'soap:Body': { 'm:execute': { '@_xmlns:m': NS, 'm:request': request } } } })
    );
  }

  private async post(body: string | Readable, signal: AbortSignal, length?: number): Promise<Response> {
    try {
      return await fetch(this.config.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: SOAP_ACTION,
          authorization: this.authorization,
          ...(length !== undefined ? { 'content-length': String(length) } : {}),
        },
        body: body as unknown as string,
        signal,
        ...(typeof body === 'string' ? {} : { duplex: 'half' }),
      } as RequestInit);
    } catch (e) {
      throw new TransientError(`1C unreachable (${(e as Error).name}: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`.slice(0, 300));
    }
  }

  /** The `<return>` node of an answer, or the error it stands for. */
  private answerOf(res: Response, text: string): DmNode {
    if (res.status === 401 || res.status === 403) throw new PermanentError(`1C refused the credentials of the configured user (HTTP ${res.status})`);
    if (res.status === 429) throw new TransientError('1C answered 429', Number(res.headers.get('retry-after') ?? 0) * 1000 || undefined);
    const envelope = parse(text);
    const fault = envelope?.Envelope?.Body?.Fault as DmNode | undefined;
    if (fault) throw classifyFault(res.status, String(fault.faultcode ?? ''), String(fault.faultstring ?? ''));
    if (res.status >= 500) throw new TransientError(`1C answered HTTP ${res.status}`);
    if (res.status !== 200) throw new PermanentError(`1C answered HTTP ${res.status}`);
    const ret = (envelope?.Envelope?.Body?.executeResponse as DmNode | undefined)?.return as DmNode | undefined;
    if (!ret) throw new TransientError('1C answered without an executeResponse (garbled or cut short)');
    if (typeOf(ret) === 'DMError') throw new DmApplicationError(text1(ret.subject), text1(ret.description ?? ret.message ?? ret.errorDescription));
    return ret;
  }
}

/** `xsi:type` of a node without its prefix. */
export function typeOf(node: unknown): string | undefined {
  const t = (node as DmNode | undefined)?.['@_type'];
  return typeof t === 'string' ? t.replace(/^.*:/, '') : undefined;
}

/** Text content of a leaf (fast-xml-parser gives `#text` when the element has attributes). */
export function text1(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return String((v as DmNode)['#text'] ?? '');
  return String(v);
}

function parse(text: string): { Envelope?: { Body?: DmNode } } | undefined {
  // A DOCTYPE has no business in a SOAP answer (and could carry entity bombs).
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new TransientError('1C answered with a DOCTYPE; refused');
  try {
    return parser.parse(text) as { Envelope?: { Body?: DmNode } };
  } catch {
    throw new TransientError('1C answered with XML that cannot be parsed');
  }
}

/** Puts every element of a request body into the `m:` namespace (attributes stay as given). */
function prefixed(value: unknown): any {
  if (Array.isArray(value)) return value.map(prefixed);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.startsWith('@_') || k === '#text' ? k : `m:${k}`] = prefixed(v);
  return out;
}
