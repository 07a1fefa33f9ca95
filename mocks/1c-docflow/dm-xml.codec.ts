import { isAscii, isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';

/** Target namespace of DMService. */
export const DM_NS = 'http://www.1c.ru/dm';
/** SOAP 1.1 envelope namespace. */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** SOAP 1.2 envelope namespace (recognised only to refuse it clearly). */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** XML Schema instance namespace (`xsi:type`, `xsi:nil`). */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** XML Schema namespace (`xs:string`, `xs:dateTime`, ...). */
export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** A namespace-qualified name, prefix already resolved. */
export interface QName {
  ns: string | null;
  local: string;
}

/** An attribute with its resolved namespace and decoded value. */
export interface XmlAttr {
  ns: string | null;
  local: string;
  value: string;
}

/**
 * An element with namespaces resolved. Names live in fields, never as object keys, so an
 * element called `__proto__` or `constructor` is just a string here.
 */
export interface XmlElement {
  ns: string | null;
  local: string;
  /** `xsi:type`, resolved against the namespaces in scope of this element. */
  xsiType: QName | null;
  /** `xsi:nil="true"`. */
  nil: boolean;
  attrs: XmlAttr[];
  children: XmlElement[];
  /** Character data (entities decoded, CDATA as is), concatenated; meaningful for leaves. */
  text: string;
}

/** SOAP fault codes the mock emits. */
export type FaultCode = 'soap:Client' | 'soap:Server' | 'soap:VersionMismatch';

/**
 * A failure answered as a SOAP Fault (HTTP 500 unless said otherwise). Messages are Russian,
 * as 1C's are, because clients classify errors by keywords in them.
 */
export class DmFault extends Error {
  override readonly name = 'DmFault';
  /**
   * @param code faultcode
   * @param message faultstring
   * @param httpStatus HTTP status of the answer
   */
  constructor(
    readonly code: FaultCode,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
  }
}

/** Limits applied while parsing a request. */
export interface XmlLimits {
  /** Deepest element nesting accepted. */
  maxDepth: number;
}

const BLOB_MARK = '\u{E000}dmblob';
const BLOB_MARK_BYTES = Buffer.from(BLOB_MARK, 'utf8');
const BLOB_MIN = 8192;

// Large inputs are scanned with indexOf and simple searches only: a backtracking regular
// expression over a 20 MB base64 run overflows V8's regexp stack.

/** True when the document has a DOCTYPE or ENTITY declaration outside CDATA sections. */
function hasDtd(text: string): boolean {
  let i = text.indexOf('<!');
  while (i !== -1) {
    if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) return false;
      i = text.indexOf('<!', end + 3);
      continue;
    }
    const word = text.slice(i + 2, i + 9).toUpperCase();
    if (word.startsWith('DOCTYPE') || word.startsWith('ENTITY')) return true;
    i = text.indexOf('<!', i + 2);
  }
  return false;
}

/**
 * Replaces each long run of plain characters between two tags (base64 file content, in
 * practice) with a numbered mark. A run qualifies only without quotes or '>' (so it is never
 * inside a tag or an attribute) and without '&' (nothing to decode).
 */
function extractBlobs(text: string, blobs: string[]): string {
  const out: string[] = [];
  let copied = 0;
  let gt = text.indexOf('>');
  while (gt !== -1) {
    const lt = text.indexOf('<', gt + 1);
    if (lt === -1) break;
    if (lt - gt - 1 >= BLOB_MIN) {
      const run = text.slice(gt + 1, lt);
      if (!/[>"'&]/.test(run)) {
        out.push(text.slice(copied, gt + 1), `${BLOB_MARK}${blobs.push(run) - 1}${BLOB_MARK}`);
        copied = lt;
      }
    }
    gt = text.indexOf('>', lt);
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

/** True for standard base64 (whitespace already removed), checked without a backtracking regex. */
export function isBase64(s: string): boolean {
  if (s.length % 4 !== 0) return false;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return !/[^A-Za-z0-9+/]/.test(pad === 0 ? s : s.slice(0, -pad));
}

/**
 * Decodes standard base64 (whitespace already removed), or null when it is not base64 — the
 * same texts {@link isBase64} accepts, checked natively: Node's decoder skips characters outside
 * the alphabet and stops at an inner '=', so a valid text, and only a valid one, decodes to
 * exactly 3/4 of its length less the padding; '-' and '_' (which Node reads as base64url) are
 * refused apart. A character loop or regex over 27 MB of base64 costs more than the decoding.
 */
export function decodeBase64(s: string): Buffer | null {
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(s, 'base64');
  return bytes.length === (s.length / 4) * 3 - pad && !s.includes('-') && !s.includes('_') ? bytes : null;
}

/** The text without whitespace (base64 may be wrapped); no copy when there is none. */
export function stripWhitespace(s: string): string {
  return /\s/.test(s) ? s.replace(/\s+/g, '') : s;
}

/**
 * Parses a request body (bytes) like {@link parseXml}, after checking it is UTF-8. Long runs of
 * ASCII between two tags (base64 file content, in practice) are cut out of the bytes before the
 * rest is decoded: decoded with the Cyrillic around them they would become part of one two-byte
 * string (54 MB for a 20 MB file) that every later step copies and scans at half speed; cut out
 * first, each stays a one-byte string and is never decoded as UTF-8 at all.
 *
 * @throws DmFault(soap:Client) with a Russian faultstring
 */
export function parseXmlBytes(body: Buffer, limits: XmlLimits): XmlElement {
  if (!isUtf8(body)) throw new DmFault('soap:Client', 'Ошибка разбора XML: неверная последовательность байтов UTF-8');
  const blobs: string[] = [];
  // A body that already contains the mark is parsed as it is (nothing set aside), so marks can't be forged.
  if (body.includes(BLOB_MARK_BYTES)) return parseText(body.toString('utf8'), limits, blobs, false);
  return parseText(extractByteBlobs(body, blobs), limits, blobs, true);
}

/**
 * Parses an XML document into a namespace-resolved tree, refusing what a SOAP service has no
 * reason to accept: DTDs and entity declarations (so no entity is ever expanded beyond the five
 * predefined ones and character references), nesting deeper than `maxDepth`, undeclared
 * prefixes, and names fast-xml-parser reserves against prototype pollution.
 *
 * @throws DmFault(soap:Client) with a Russian faultstring
 */
export function parseXml(input: string, limits: XmlLimits): XmlElement {
  return parseText(input, limits, [], !input.includes(BLOB_MARK));
}

/** {@link extractBlobs} on bytes, for ASCII runs only (so latin1 = UTF-8); returns the rest decoded. */
function extractByteBlobs(body: Buffer, blobs: string[]): string {
  const out: string[] = [];
  let copied = 0;
  let gt = body.indexOf(0x3e);
  while (gt !== -1) {
    const lt = body.indexOf(0x3c, gt + 1);
    if (lt === -1) break;
    if (lt - gt - 1 >= BLOB_MIN) {
      const run = body.subarray(gt + 1, lt);
      // '>' and '<' are never inside a multi-byte UTF-8 sequence, so the cuts fall between characters.
      if (isAscii(run) && !run.includes(0x22) && !run.includes(0x26) && !run.includes(0x27)) {
        out.push(body.toString('utf8', copied, gt + 1), `${BLOB_MARK}${blobs.push(run.toString('latin1')) - 1}${BLOB_MARK}`);
        copied = lt;
      }
    }
    gt = body.indexOf(0x3e, lt);
  }
  if (copied === 0) return body.toString('utf8');
  out.push(body.toString('utf8', copied));
  return out.join('');
}

function parseText(input: string, limits: XmlLimits, blobs: string[], extract: boolean): XmlElement {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (hasDtd(text)) {
    throw new DmFault('soap:Client', 'Ошибка разбора XML: объявления DTD (<!DOCTYPE>, <!ENTITY>) не допускаются');
  }

  // fast-xml-parser builds text one character at a time, which costs seconds on a 20 MB base64
  // file; long plain runs are set aside before parsing and put back afterwards.
  if (extract) text = extractBlobs(text, blobs);

  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    cdataPropName: '#cdata',
    commentPropName: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: limits.maxDepth,
  });
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text, true) as OrderedNode[];
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/Maximum nested tags/i.test(msg)) {
      throw new DmFault('soap:Client', `Ошибка разбора XML: превышена допустимая глубина вложенности элементов (${limits.maxDepth})`);
    }
    throw new DmFault('soap:Client', `Ошибка разбора XML: ${msg.slice(0, 300)}`);
  }
  const roots = nodes.filter((n) => elementName(n) !== null);
  if (roots.length !== 1) throw new DmFault('soap:Client', 'Ошибка разбора XML: документ должен содержать один корневой элемент');
  const restore = (s: string) => (blobs.length === 0 || !s.includes(BLOB_MARK) ? s : s.replace(new RegExp(`${BLOB_MARK}(\\d+)${BLOB_MARK}`, 'g'), (_m, i: string) => blobs[Number(i)]));
  return convert(roots[0], new Map([['xml', XML_NS]]), 1, limits.maxDepth, restore);
}

type OrderedNode = Record<string, unknown>;

function elementName(node: OrderedNode): string | null {
  for (const key of Object.keys(node)) {
    if (key === ':@' || key === '#text' || key === '#cdata' || key.startsWith('?')) continue;
    return key;
  }
  return null;
}

function convert(node: OrderedNode, parentScope: ReadonlyMap<string, string>, depth: number, maxDepth: number, restore: (s: string) => string): XmlElement {
  if (depth > maxDepth) {
    throw new DmFault('soap:Client', `Ошибка разбора XML: превышена допустимая глубина вложенности элементов (${maxDepth})`);
  }
  const qname = elementName(node) as string;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;

  let scope = parentScope;
  const plainAttrs: [string, string][] = [];
  for (const key of Object.keys(rawAttrs)) {
    const name = key.slice(2);
    const value = decodeEntities(restore(rawAttrs[key]));
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), value);
    } else {
      plainAttrs.push([name, value]);
    }
  }

  const { ns, local } = resolveName(qname, scope, true);
  const attrs: XmlAttr[] = plainAttrs.map(([name, value]) => ({ ...resolveName(name, scope, false), value }));
  const typeAttr = attrs.find((a) => a.ns === XSI_NS && a.local === 'type');
  const nilAttr = attrs.find((a) => a.ns === XSI_NS && a.local === 'nil');

  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qname] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += decodeEntities(restore(String(child['#text'])));
    else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) text += restore(String(part['#text'] ?? ''));
    } else if (elementName(child) !== null) {
      children.push(convert(child, scope, depth + 1, maxDepth, restore));
    }
  }

  return {
    ns,
    local,
    xsiType: typeAttr ? resolveName(typeAttr.value.trim(), scope, true) : null,
    nil: nilAttr !== undefined && (nilAttr.value.trim() === 'true' || nilAttr.value.trim() === '1'),
    attrs,
    children,
    text,
  };
}

function resolveName(qname: string, scope: ReadonlyMap<string, string>, useDefault: boolean): QName {
  const parts = qname.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new DmFault('soap:Client', `Ошибка разбора XML: недопустимое имя "${qname.slice(0, 100)}"`);
  }
  if (parts.length === 1) return { ns: useDefault ? scope.get('') || null : null, local: qname };
  const ns = scope.get(parts[0]);
  // The exact text 1C answers when a client forgets xmlns:m (external-systems.md §1.5).
  if (ns === undefined) throw new DmFault('soap:Client', `Отсутствует отображение для префикса ${parts[0].slice(0, 100)}`);
  return { ns, local: parts[1] };
}

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * Decodes the five predefined entities and character references; any other entity reference
 * is an error, as it is for a parser that has no DTD to declare it.
 * @throws DmFault(soap:Client)
 */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&<\s]{0,40})(;?)/g, (_m, name: string, semi: string) => {
    if (semi !== ';') throw new DmFault('soap:Client', 'Ошибка разбора XML: ссылка на сущность не завершена символом ";"');
    const named = PREDEFINED.get(name);
    if (named !== undefined) return named;
    const num = /^#x([0-9a-fA-F]{1,6})$/.exec(name) ?? /^#([0-9]{1,7})$/.exec(name);
    if (num) {
      const cp = parseInt(num[1], name.startsWith('#x') ? 16 : 10);
      if (!isXmlChar(cp)) throw new DmFault('soap:Client', `Ошибка разбора XML: недопустимый символ &${name};`);
      return String.fromCodePoint(cp);
    }
    throw new DmFault('soap:Client', `Ошибка разбора XML: ссылка на необъявленную сущность "${name}"`);
  });
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Escapes character data (and, with `attribute`, an attribute value). Carriage returns become
 * `&#13;` so they survive the reader's line-end normalisation; characters XML cannot carry at
 * all are dropped.
 */
export function escapeXml(s: string, attribute = false): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(attribute ? /[&<>"\r]/g : /[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;'));
}

/**
 * Writes DM elements with one namespace prefix (`m` like 1C, or `tns` like some fixtures), so a
 * client can be tested against both.
 *
 * File content is not built into the answer text: {@link blobLeaf} leaves a mark that
 * {@link render} replaces with the base64 bytes while assembling the answer as one Buffer. A
 * 20 MB file would otherwise cost a 27-million-character string, widened to two bytes per
 * character as soon as it is joined to Cyrillic text, and re-encoded to UTF-8.
 */
export class DmXmlWriter {
  private readonly blobs: Buffer[] = [];
  // Unguessable, so text from a client (a summary, a file name) can never forge a mark.
  private readonly mark = `\u{E001}${randomUUID()}:`;

  /** @param prefix the prefix bound to {@link DM_NS} in the response */
  constructor(readonly prefix: string) {}

  /** `<p:name>escaped text</p:name>`, or `<p:name/>` for an empty string as 1C writes it. */
  leaf(name: string, value: string | number | boolean): string {
    const text = escapeXml(String(value));
    return text === '' ? `<${this.prefix}:${name}/>` : `<${this.prefix}:${name}>${text}</${this.prefix}:${name}>`;
  }

  /** `<p:name xsi:type="xs:{type}">escaped text</p:name>`: a value of an `xs:anySimpleType` element. */
  simpleValue(name: string, value: string, type: 'string' | 'dateTime' | 'decimal' | 'boolean' = 'string'): string {
    const text = escapeXml(value);
    const open = `<${this.prefix}:${name} xsi:type="xs:${type}"`;
    return text === '' ? `${open}/>` : `${open}>${text}</${this.prefix}:${name}>`;
  }

  /** `<p:name>base64 of bytes</p:name>`, the base64 written only by {@link render}. */
  blobLeaf(name: string, bytes: Buffer): string {
    if (bytes.length === 0) return `<${this.prefix}:${name}/>`;
    const index = this.blobs.push(bytes) - 1;
    return `<${this.prefix}:${name}>${this.mark}${index}\u{E001}</${this.prefix}:${name}>`;
  }

  /** `<p:name [xsi:type="p:type"]>inner</p:name>`; `inner` is already XML. */
  node(name: string, inner: string, xsiType?: string): string {
    const type = xsiType ? ` xsi:type="${this.prefix}:${xsiType}"` : '';
    return `<${this.prefix}:${name}${type}>${inner}</${this.prefix}:${name}>`;
  }

  /** The answer to send: the text as is, or one Buffer with the marked file contents in base64. */
  render(xml: string): string | Buffer {
    if (this.blobs.length === 0) return xml;
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = xml.indexOf(this.mark); at !== -1; at = xml.indexOf(this.mark, from)) {
      const end = xml.indexOf('\u{E001}', at + this.mark.length);
      parts.push(Buffer.from(xml.slice(from, at), 'utf8'), base64Bytes(this.blobs[Number(xml.slice(at + this.mark.length, end))]));
      from = end + 1;
    }
    parts.push(Buffer.from(xml.slice(from), 'utf8'));
    return Buffer.concat(parts);
  }
}

/** Base64 of bytes, written straight into a Buffer a slice at a time (no string of the whole). */
export function base64Bytes(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 * Math.ceil(bytes.length / 3));
  const slice = 3 * 256 * 1024; // a multiple of 3: no padding inside
  let written = 0;
  for (let i = 0; i < bytes.length; i += slice) written += out.write(bytes.subarray(i, i + slice).toString('base64'), written, 'latin1');
  return out;
}

/** The SOAP 1.1 envelope 1C answers with; `body` is the content of soap:Body. */
export function soapEnvelope(body: string): string {
  return `<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Header/><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** `executeResponse/return` with an xsi:type, as every DMService answer (including DMError) is shaped. */
export function executeResponse(w: DmXmlWriter, returnType: string, inner: string): string {
  const p = w.prefix;
  return soapEnvelope(
    `<${p}:executeResponse xmlns:${p}="${DM_NS}"><${p}:return xmlns:xs="${XS_NS}" xmlns:xsi="${XSI_NS}" xsi:type="${p}:${returnType}">` + `${inner}</${p}:return></${p}:executeResponse>`,
  );
}

/** A SOAP 1.1 Fault envelope. */
export function soapFault(code: FaultCode, faultstring: string): string {
  return soapEnvelope(`<soap:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring><detail/></soap:Fault>`);
}
