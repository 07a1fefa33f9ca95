import type { DmXmlWriter } from './dm-xml.codec';
import { stateName, type DmAdditionalProperty, type DmExternalObject, type DmFile, type DmRef, type DmStateEntry, type DmStored } from './dm-store.repository';

/** Which properties to write. */
export interface SerializeOptions {
  /** Top-level property names to include besides `name` and `objectID` (always written); null = all. */
  columns: ReadonlySet<string> | null;
  /** Include a file's `binaryData` (only DMRetrieve does, and only when asked). */
  binaryData: boolean;
}

/** Every property, no file content: what write operations answer with. */
export const FULL: SerializeOptions = { columns: null, binaryData: false };

// The catalogue each type lives in, for navigationRef (DO keeps documents in catalogues) [MEM].
const CATALOGUES: ReadonlyMap<string, string> = new Map([
  ['DMIncomingDocument', 'Справочник.ВходящиеДокументы'],
  ['DMInternalDocument', 'Справочник.ВнутренниеДокументы'],
  ['DMOutgoingDocument', 'Справочник.ИсходящиеДокументы'],
  ['DMFile', 'Справочник.Файлы'],
  ['DMUser', 'Справочник.Пользователи'],
  ['DMCorrespondent', 'Справочник.Корреспонденты'],
]);

/**
 * Writes a stored object as `<p:{element} xsi:type="p:{type}">…</p:{element}>`, properties in
 * the order of the WSDL's sequences (base type first).
 */
export function writeObject(w: DmXmlWriter, element: string, o: DmStored, opts: SerializeOptions): string {
  const want = (prop: string) => opts.columns === null || opts.columns.has(prop);
  const parts: string[] = [w.leaf('name', o.type === 'DMFile' ? o.name : o.title), writeObjectId(w, o.id, o.type)];
  const add = (prop: string, xml: () => string | null) => {
    if (!want(prop)) return;
    const x = xml();
    if (x !== null) parts.push(x);
  };

  if (o.type !== 'DMFile') add('externalObject', () => (o.externalObject ? writeExternal(w, o.externalObject) : null));
  add('deletionMark', () => w.leaf('deletionMark', false));

  if (o.type === 'DMFile') {
    writeFileProps(w, o, add, opts);
    return w.node(element, parts.join(''), o.type);
  }

  add('title', () => w.leaf('title', o.title));
  add('summary', () => w.leaf('summary', o.summary));
  add('documentType', () => (o.documentType ? writeRef(w, 'documentType', o.documentType) : null));
  add('regNumber', () => w.leaf('regNumber', o.regNumber));
  add('regDate', () => w.leaf('regDate', o.regDate));
  add('state', () => writeState(w, o.state));
  add('states', () => (o.states.length > 0 ? o.states.map((e) => writeStateEntry(w, e)).join('') : null));
  add('modificationDateUniversal', () => w.leaf('modificationDateUniversal', o.modificationDateUniversal));
  add('additionalProperties', () => (o.additionalProperties.length > 0 ? o.additionalProperties.map((p) => writeAdditionalProperty(w, p)).join('') : null));
  if (o.type === 'DMIncomingDocument') {
    add('sender', () => (o.sender ? writeRef(w, 'sender', o.sender) : null));
    add('incomingNumber', () => w.leaf('incomingNumber', o.incomingNumber));
    add('incomingDate', () => w.leaf('incomingDate', o.incomingDate));
  }
  if (o.type === 'DMInternalDocument') add('author', () => (o.author ? writeRef(w, 'author', o.author) : null));
  if (o.type === 'DMIncomingDocument' || o.type === 'DMInternalDocument') {
    add('responsible', () => (o.responsible ? writeRef(w, 'responsible', o.responsible) : null));
    add('answerDocument', () => (o.answerDocument ? writeRef(w, 'answerDocument', o.answerDocument) : null));
    add('relatedDocuments', () => (o.relatedDocuments.length > 0 ? o.relatedDocuments.map((r) => writeRef(w, 'relatedDocuments', r)).join('') : null));
  } else {
    add('addressee', () => (o.addressee ? writeRef(w, 'addressee', o.addressee) : null));
    add('author', () => (o.author ? writeRef(w, 'author', o.author) : null));
    add('inReplyTo', () => (o.inReplyTo ? writeRef(w, 'inReplyTo', o.inReplyTo) : null));
  }
  return w.node(element, parts.join(''), o.type);
}

function writeFileProps(w: DmXmlWriter, f: DmFile, add: (p: string, x: () => string | null) => void, opts: SerializeOptions): void {
  add('owner', () => writeRef(w, 'owner', f.owner));
  add('extension', () => w.leaf('extension', f.extension));
  add('size', () => w.leaf('size', f.size));
  add('description', () => w.leaf('description', f.description));
  add('creationDate', () => w.leaf('creationDate', f.creationDate));
  add('modificationDate', () => w.leaf('modificationDate', f.modificationDate));
  add('modificationDateUniversal', () => w.leaf('modificationDateUniversal', f.modificationDateUniversal));
  add('activeVersionExtension', () => w.leaf('activeVersionExtension', f.extension));
  add('activeVersionSize', () => w.leaf('activeVersionSize', f.size));
  if (opts.binaryData) add('binaryData', () => w.blobLeaf('binaryData', f.content));
}

/** `<p:objectID><p:id/><p:type/>[<p:navigationRef/>]</p:objectID>` */
export function writeObjectId(w: DmXmlWriter, id: string, type: string): string {
  const catalogue = CATALOGUES.get(type);
  const nav = catalogue && /^[0-9a-f-]{36}$/.test(id) ? w.leaf('navigationRef', `e1cib/data/${catalogue}?ref=${navigationHex(id)}`) : '';
  return w.node('objectID', w.leaf('id', id) + w.leaf('type', type) + nav);
}

/** A reference property: the referenced object's name and objectID, with its concrete xsi:type. */
export function writeRef(w: DmXmlWriter, element: string, ref: DmRef): string {
  return w.node(element, w.leaf('name', ref.name) + writeObjectId(w, ref.id, ref.type), ref.type);
}

function writeState(w: DmXmlWriter, id: string): string {
  return w.node('state', w.leaf('name', stateName(id) ?? id) + w.node('objectID', w.leaf('id', id) + w.leaf('type', 'DMDocumentState')), 'DMDocumentState');
}

/** `<p:states>`: one entry of the state history. */
function writeStateEntry(w: DmXmlWriter, e: DmStateEntry): string {
  return w.node('states', writeState(w, e.state) + w.leaf('date', e.date) + writeRef(w, 'author', e.author) + w.leaf('comment', e.comment));
}

/**
 * `<p:additionalProperties><p:name/><p:objectID><p:id/><p:type>DMAdditionalProperty</p:type></p:objectID>
 * <p:propertySimpleValue xsi:type="xs:…"/></p:additionalProperties>`: objectID always, the value
 * with the xsi:type it was sent with.
 */
function writeAdditionalProperty(w: DmXmlWriter, p: DmAdditionalProperty): string {
  return w.node('additionalProperties', w.leaf('name', p.name) + writeObjectId(w, p.id, 'DMAdditionalProperty') + w.simpleValue('propertySimpleValue', p.value, p.valueType));
}

function writeExternal(w: DmXmlWriter, e: DmExternalObject): string {
  return w.node('externalObject', w.leaf('id', e.id) + w.leaf('type', e.type) + w.leaf('name', e.name));
}

/** 1C prints a reference's GUID in navigation links with its groups reordered: 4, 5, 3, 2, 1. */
function navigationHex(guid: string): string {
  const [a, b, c, d, e] = guid.split('-');
  return `${d}${e}${c}${b}${a}`;
}
