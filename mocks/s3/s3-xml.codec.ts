import { XMLParser } from 'fast-xml-parser';

/** The namespace of S3's XML documents. */
export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * Escapes text for an XML element or attribute. Characters XML 1.0 cannot carry at all (C0
 * controls other than tab / LF / CR, lone surrogates) are written as character references, as S3
 * does; such keys are better listed with `encoding-type=url`.
 */
export function xmlEscape(value: string): string {
  return value.replace(/[<>&"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff]/g, (c) => {
    switch (c) {
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '&':
        return '&amp;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}

/** A document with the XML declaration and S3's namespace on its root. */
export function xmlDocument(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${inner}</${root}>`;
}

/** `<name>escaped value</name>` */
export function el(name: string, value: string | number | boolean): string {
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** One `<Part>` of a CompleteMultipartUpload request. */
export interface CompletePart {
  partNumber: number;
  /** As sent, quotes included when the client sent them. */
  etag: string;
  /** `ChecksumCRC32`… given for the part, by algorithm name (`CRC32`…). */
  checksums: Record<string, string>;
}

/** The parsed request, or why it is not one. */
export type CompleteParse = { ok: true; parts: CompletePart[] } | { ok: false; reason: string };

/** Most `<Part>` elements read (S3 allows 10 000 parts). */
const MAX_PARTS = 10_000;

/**
 * Parses a CompleteMultipartUpload body safely: DTDs and entity declarations are refused (no
 * entity is ever expanded beyond the five predefined ones and character references), nesting
 * is bounded, element names stay strings (never object keys), unknown elements are ignored.
 */
export function parseCompleteMultipartUpload(text: string): CompleteParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/<!(DOCTYPE|ENTITY)/i.test(body)) return { ok: false, reason: 'DTDs and entity declarations are not accepted' };
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: false,
    maxNestedTags: 16,
  });
  let nodes: Node[];
  try {
    nodes = parser.parse(body, true) as Node[];
  } catch (err) {
    return { ok: false, reason: `not well-formed: ${String((err as Error)?.message ?? err).slice(0, 200)}` };
  }
  const roots = nodes.filter((n) => nameOf(n) !== null);
  if (roots.length !== 1 || localName(nameOf(roots[0])!) !== 'CompleteMultipartUpload') return { ok: false, reason: 'the root element must be CompleteMultipartUpload' };
  const parts: CompletePart[] = [];
  for (const child of childrenOf(roots[0])) {
    const name = nameOf(child);
    if (name === null || localName(name) !== 'Part') continue;
    if (parts.length >= MAX_PARTS) return { ok: false, reason: `more than ${MAX_PARTS} parts` };
    let partNumber: string | null = null;
    let etag: string | null = null;
    const checksums: Record<string, string> = {};
    for (const field of childrenOf(child)) {
      const fname = nameOf(field);
      if (fname === null) continue;
      const local = localName(fname);
      const value = textOf(field);
      if (value === null) return { ok: false, reason: `an entity reference in ${local} that XML does not predefine` };
      if (local === 'PartNumber') partNumber = value.trim();
      else if (local === 'ETag') etag = value.trim();
      else if (local.startsWith('Checksum') && local.length > 8) checksums[local.slice(8).toUpperCase()] = value.trim();
    }
    if (partNumber === null || etag === null) return { ok: false, reason: 'each Part needs PartNumber and ETag' };
    if (!/^\d{1,5}$/.test(partNumber)) return { ok: false, reason: 'PartNumber must be an integer' };
    parts.push({ partNumber: Number(partNumber), etag, checksums });
  }
  if (parts.length === 0) return { ok: false, reason: 'no Part given' };
  return { ok: true, parts };
}

type Node = Record<string, unknown>;

function nameOf(node: Node): string | null {
  for (const key of Object.keys(node)) {
    if (key === ':@' || key === '#text' || key.startsWith('?') || key.startsWith('#')) continue;
    return key;
  }
  return null;
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i === -1 ? qname : qname.slice(i + 1);
}

function childrenOf(node: Node): Node[] {
  const name = nameOf(node);
  const v = name === null ? undefined : node[name];
  return Array.isArray(v) ? (v as Node[]) : [];
}

/** The element's text with predefined entities and character references decoded; null for any other entity. */
function textOf(node: Node): string | null {
  let raw = '';
  for (const c of childrenOf(node)) if ('#text' in c) raw += String(c['#text']);
  let bad = false;
  const decoded = raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});?/g, (m, ref: string) => {
    if (!m.endsWith(';')) return ((bad = true), m);
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (cp > 0x10ffff || cp === 0) return ((bad = true), m);
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) bad = true;
    return v ?? m;
  });
  if (bad || /&(?![#A-Za-z])/.test(raw)) return null;
  return decoded;
}

const PREDEFINED: Readonly<Record<string, string>> = Object.freeze(Object.assign(Object.create(null) as Record<string, string>, { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }));
