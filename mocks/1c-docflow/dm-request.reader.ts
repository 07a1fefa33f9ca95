import { decodeBase64, DM_NS, DmFault, stripWhitespace, XS_NS, type XmlElement } from './dm-xml.codec';
import { DM_DATE_RE, DM_SIMPLE_VALUE_TYPES, isValidDmDate, type DmSimpleValueType } from './dm-store.repository';

/** `objectID` as a client sends it. */
export interface ObjectIdInput {
  id: string;
  type: string;
}

/** `externalObject` as a client sends it. */
export interface ExternalObjectInput {
  id: string;
  type: string;
  name: string;
}

/** A reference a client sends (`sender`, `documentType`, `author`): a name, an objectID, or both. */
export interface RefInput {
  name: string;
  /** Empty when no objectID was sent. */
  id: string;
}

/** One `additionalProperties` entry as a client sends it. */
export interface AdditionalPropertyInput {
  /** Trimmed; empty when only an objectID was sent. */
  name: string;
  /** The objectID's id; empty when no objectID was sent. */
  id: string;
  value: string;
  valueType: DmSimpleValueType;
}

/** What the `object` of a DMCreateRequest has for any document type the mock creates. */
interface DocumentInput {
  id: string;
  name: string;
  title: string;
  summary: string;
  externalObject: ExternalObjectInput | null;
  documentType: RefInput | null;
  additionalProperties: AdditionalPropertyInput[];
}

/** The `object` of a DMCreateRequest for a DMIncomingDocument. */
export interface IncomingDocumentInput extends DocumentInput {
  type: 'DMIncomingDocument';
  sender: RefInput | null;
  incomingNumber: string;
  incomingDate: string;
}

/** The `object` of a DMCreateRequest for a DMInternalDocument. */
export interface InternalDocumentInput extends DocumentInput {
  type: 'DMInternalDocument';
  author: RefInput | null;
}

/** A DMAddFileRequest. */
export interface AddFileInput {
  id: string;
  name: string;
  extension: string;
  description: string;
  size: number;
  content: Buffer;
  owner: ObjectIdInput;
}

/** A typed condition value. */
export type ConditionValue = { kind: 'string'; value: string } | { kind: 'boolean'; value: boolean } | { kind: 'dateTime'; value: string } | { kind: 'ref'; id: string; type: string };

/** One `query/conditions` entry. */
export interface ConditionInput {
  property: string;
  /** Trimmed, upper-cased (`LIKE`, `>=`); null when absent. */
  operator: string | null;
  value: ConditionValue;
}

/** A DMGetObjectListRequest. */
export interface ListInput {
  type: string;
  conditions: ConditionInput[];
  columns: string[];
  /** null when absent or 0 (no limit). */
  limit: number | null;
}

// Elements of a document that the mock accepts and ignores: present in real DO objects, or set
// by the server (a client echoing an object it read back must not fail).
const IGNORED_DOCUMENT_PROPS = [
  'deletionMark',
  'organization',
  'folder',
  'template',
  'regNumber',
  'regDate',
  'state',
  'states',
  'responsible',
  'answerDocument',
  'relatedDocuments',
  'modificationDateUniversal',
];
// An incoming document has no author in this model; a client echoing one is not refused.
const IGNORED_INCOMING_PROPS = [...IGNORED_DOCUMENT_PROPS, 'author'];
// Types accepted in the xsi:type of `documentType`: DMDocumentType as this mock emits it, and
// the per-kind names real DO uses for its catalogues of kinds (DMInternalDocumentType [CODE]).
const DOCUMENT_TYPE_TYPES = ['DMDocumentType', 'DMIncomingDocumentType', 'DMInternalDocumentType', 'DMOutgoingDocumentType'];
const IGNORED_FILE_PROPS = [
  'deletionMark',
  'creationDate',
  'modificationDate',
  'modificationDateUniversal',
  'activeVersionExtension',
  'activeVersionSize',
  'template',
  'externalObject',
  'owner',
  'signed',
  'encrypted',
];

/** An XDTO reading error, worded the way 1C reports them, as a soap:Client Fault. */
export function xdtoError(type: string, property: string | null, detail: string): DmFault {
  return new DmFault('soap:Client', `Ошибка преобразования данных XDTO: ${detail}. Тип: {${DM_NS}}${type}${property ? `, свойство: ${property}` : ''}`);
}

/** Local name comparison; `ObjectID` is accepted for `objectID` because real clients send both. */
function is(el: XmlElement, name: string): boolean {
  return el.local === name || (name === 'objectID' && el.local === 'ObjectID');
}

function canonical(el: XmlElement): string {
  return el.local === 'ObjectID' ? 'objectID' : el.local;
}

/**
 * Refuses children this type does not have, or that are not in the DM namespace: the real XDTO
 * refuses both, and silently dropping a misspelt property would hide an adapter bug.
 */
function checkChildren(el: XmlElement, type: string, known: readonly string[], ignored: readonly string[] = []): void {
  const seen = new Set<string>();
  for (const c of el.children) {
    const name = canonical(c);
    if (c.ns !== DM_NS) throw xdtoError(type, c.local.slice(0, 100), `элемент вне пространства имен ${DM_NS}`);
    if (!known.includes(name) && !ignored.includes(name)) throw xdtoError(type, c.local.slice(0, 100), 'свойство не найдено');
    if (seen.has(name) && !MULTI.has(name)) throw xdtoError(type, name, 'свойство указано более одного раза');
    seen.add(name);
  }
}

const MULTI = new Set(['objectIds', 'columnSet', 'conditions', 'owners', 'additionalProperties', 'states', 'relatedDocuments', 'items']);

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => is(c, name));
}

function all(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => is(c, name));
}

function text(el: XmlElement | undefined): string {
  return el === undefined || el.nil ? '' : el.text;
}

function dmType(el: XmlElement, owner: string, prop: string): string | null {
  if (el.xsiType === null) return null;
  if (el.xsiType.ns !== DM_NS) throw xdtoError(owner, prop, `тип {${el.xsiType.ns ?? ''}}${el.xsiType.local} не найден`);
  return el.xsiType.local;
}

/** The request type (local name of its xsi:type in the DM namespace). */
export function requestType(request: XmlElement): string {
  if (request.xsiType === null) {
    throw new DmFault('soap:Client', `Ошибка преобразования данных XDTO: не указан тип значения свойства request абстрактного типа {${DM_NS}}DMRequest`);
  }
  if (request.xsiType.ns !== DM_NS) {
    throw new DmFault('soap:Server', `Неизвестный тип запроса: {${request.xsiType.ns ?? ''}}${request.xsiType.local}`);
  }
  return request.xsiType.local;
}

/** Reads `objectID` { id, type [, presentation, navigationRef] }. */
export function readObjectId(el: XmlElement): ObjectIdInput {
  checkChildren(el, 'DMObjectID', ['id', 'type', 'presentation', 'navigationRef']);
  return { id: text(child(el, 'id')).trim(), type: text(child(el, 'type')).trim() };
}

function readExternal(el: XmlElement): ExternalObjectInput | null {
  checkChildren(el, 'DMExternalObject', ['id', 'type', 'name']);
  const id = text(child(el, 'id')).trim();
  if (id === '') return null;
  return { id, type: text(child(el, 'type')).trim(), name: text(child(el, 'name')) };
}

function readDate(el: XmlElement | undefined, owner: string, prop: string): string | null {
  if (el === undefined || el.nil) return null;
  const v = el.text.trim();
  if (v === '') return null;
  if (!DM_DATE_RE.test(v) || !isValidDmDate(v)) {
    throw xdtoError(owner, prop, `неверное значение типа dateTime "${v.slice(0, 40)}" (ожидается ГГГГ-ММ-ДДTЧЧ:ММ:СС без часового пояса и долей секунды)`);
  }
  return v;
}

/** Reads a DMCreateRequest: the xsi:type of its object and the object element. */
export function readCreate(req: XmlElement): { objectType: string; object: XmlElement } {
  checkChildren(req, 'DMCreateRequest', ['dataBaseID', 'object']);
  const object = child(req, 'object');
  if (!object) throw xdtoError('DMCreateRequest', 'object', 'не заполнено обязательное свойство');
  const objectType = dmType(object, 'DMCreateRequest', 'object');
  if (objectType === null) throw xdtoError('DMCreateRequest', 'object', `не указан тип значения абстрактного типа {${DM_NS}}DMObject`);
  return { objectType, object };
}

/** Reads the DMIncomingDocument of a DMCreateRequest. */
export function readIncomingDocument(el: XmlElement): IncomingDocumentInput {
  const T = 'DMIncomingDocument';
  checkChildren(el, T, [...DOCUMENT_PROPS, 'sender', 'incomingNumber', 'incomingDate'], IGNORED_INCOMING_PROPS);
  const senderEl = child(el, 'sender');
  return {
    type: T,
    ...readDocument(el, T),
    sender: senderEl ? readRef(senderEl, T, 'sender', ['DMCorrespondent']) : null,
    incomingNumber: text(child(el, 'incomingNumber')).trim(),
    incomingDate: readDate(child(el, 'incomingDate'), T, 'incomingDate') ?? '',
  };
}

/** Reads the DMInternalDocument of a DMCreateRequest. */
export function readInternalDocument(el: XmlElement): InternalDocumentInput {
  const T = 'DMInternalDocument';
  checkChildren(el, T, [...DOCUMENT_PROPS, 'author'], IGNORED_DOCUMENT_PROPS);
  const authorEl = child(el, 'author');
  return { type: T, ...readDocument(el, T), author: authorEl ? readRef(authorEl, T, 'author', ['DMUser']) : null };
}

const DOCUMENT_PROPS = ['name', 'objectID', 'externalObject', 'title', 'summary', 'documentType', 'additionalProperties'];

function readDocument(el: XmlElement, T: string): DocumentInput {
  const oid = child(el, 'objectID');
  const objectId = oid ? readObjectId(oid) : { id: '', type: '' };
  if (objectId.type !== '' && objectId.type !== T) throw xdtoError(T, 'objectID', `тип объекта "${objectId.type.slice(0, 60)}" не соответствует ${T}`);
  const ext = child(el, 'externalObject');
  const kind = child(el, 'documentType');
  return {
    id: objectId.id,
    name: text(child(el, 'name')),
    title: text(child(el, 'title')),
    summary: text(child(el, 'summary')),
    externalObject: ext && !ext.nil ? readExternal(ext) : null,
    documentType: kind ? readRef(kind, T, 'documentType', DOCUMENT_TYPE_TYPES) : null,
    additionalProperties: all(el, 'additionalProperties')
      .filter((p) => !p.nil)
      .map(readAdditionalProperty),
  };
}

/**
 * Reads a reference (`<x xsi:type="m:T"><m:name/><m:objectID/></x>`); null when nil or when
 * neither a name nor an id is given.
 */
function readRef(el: XmlElement, owner: string, prop: string, types: readonly string[]): RefInput | null {
  if (el.nil) return null;
  const t = dmType(el, owner, prop);
  if (t !== null && !types.includes(t)) throw xdtoError(owner, prop, `тип ${t.slice(0, 60)} не соответствует ${types[0]}`);
  checkChildren(el, t ?? types[0], ['name', 'objectID', 'externalObject'], ['deletionMark']);
  const oid = child(el, 'objectID');
  const ref = { name: text(child(el, 'name')).trim(), id: oid ? readObjectId(oid).id : '' };
  return ref.name === '' && ref.id === '' ? null : ref;
}

/**
 * `<additionalProperties><name/><objectID><id/><type>DMAdditionalProperty</type></objectID>
 * <propertySimpleValue xsi:type="xs:string"/></additionalProperties>` (external-systems.md §1.3
 * [CODE]): the element is itself a DMAdditionalProperty, `objectID` optional. An absent or nil
 * `propertySimpleValue`, or one without `xsi:type`, is an empty / plain `xs:string`.
 */
function readAdditionalProperty(el: XmlElement): AdditionalPropertyInput {
  const T = 'DMAdditionalProperty';
  const t = dmType(el, 'DMDocument', 'additionalProperties');
  if (t !== null && t !== T) throw xdtoError('DMDocument', 'additionalProperties', `тип ${t.slice(0, 60)} не соответствует ${T}`);
  checkChildren(el, T, ['name', 'objectID', 'propertySimpleValue'], ['deletionMark']);
  const oid = child(el, 'objectID');
  const objectId = oid && !oid.nil ? readObjectId(oid) : { id: '', type: '' };
  if (objectId.type !== '' && objectId.type !== T) throw xdtoError(T, 'objectID', `тип объекта "${objectId.type.slice(0, 60)}" не соответствует ${T}`);
  const name = text(child(el, 'name')).trim();
  if (name === '' && objectId.id === '') throw xdtoError(T, 'name', 'не заполнено обязательное свойство');

  const valueEl = child(el, 'propertySimpleValue');
  const vt = valueEl && !valueEl.nil ? valueEl.xsiType : null;
  let valueType: DmSimpleValueType = 'string';
  if (vt !== null) {
    const known = DM_SIMPLE_VALUE_TYPES.find((k) => k === vt.local);
    if (vt.ns !== XS_NS || known === undefined) {
      throw xdtoError(T, 'propertySimpleValue', `тип значения {${vt.ns ?? ''}}${vt.local.slice(0, 60)} не поддерживается (ожидается xs:string, xs:dateTime, xs:decimal или xs:boolean)`);
    }
    valueType = known;
  }
  if (valueEl && valueEl.children.length > 0) throw xdtoError(T, 'propertySimpleValue', 'простое значение не может содержать элементы');
  const raw = text(valueEl);
  return { name, id: objectId.id, value: valueType === 'string' ? raw : checkSimpleValue(raw.trim(), valueType), valueType };
}

/** The lexical forms XDTO accepts for the non-string simple values (dates as elsewhere: no zone, no fraction). */
function checkSimpleValue(v: string, type: Exclude<DmSimpleValueType, 'string'>): string {
  const ok = type === 'dateTime' ? DM_DATE_RE.test(v) && isValidDmDate(v) : type === 'decimal' ? /^[+-]?(\d{1,40}(\.\d{0,40})?|\.\d{1,40})$/.test(v) : /^(true|false|1|0)$/.test(v);
  if (!ok) throw xdtoError('DMAdditionalProperty', 'propertySimpleValue', `неверное значение типа ${type} "${v.slice(0, 40)}"`);
  return v;
}

/** Reads a DMAddFileRequest (size and content are checked against each other by the operation). */
export function readAddFile(req: XmlElement): AddFileInput {
  checkChildren(req, 'DMAddFileRequest', ['dataBaseID', 'file', 'owner']);
  const file = child(req, 'file');
  if (!file) throw xdtoError('DMAddFileRequest', 'file', 'не заполнено обязательное свойство');
  const ft = dmType(file, 'DMAddFileRequest', 'file');
  if (ft !== null && ft !== 'DMFile') throw xdtoError('DMAddFileRequest', 'file', `тип ${ft} не соответствует DMFile`);
  checkChildren(file, 'DMFile', ['name', 'objectID', 'extension', 'size', 'binaryData', 'description'], IGNORED_FILE_PROPS);
  const oid = child(file, 'objectID');
  const objectId = oid ? readObjectId(oid) : { id: '', type: '' };
  if (objectId.type !== '' && objectId.type !== 'DMFile') throw xdtoError('DMFile', 'objectID', `тип объекта "${objectId.type.slice(0, 60)}" не соответствует DMFile`);

  const sizeText = text(child(file, 'size')).trim();
  if (!/^\d{1,15}$/.test(sizeText)) throw xdtoError('DMFile', 'size', `неверное значение типа long "${sizeText.slice(0, 40)}"`);
  const dataEl = child(file, 'binaryData');
  if (!dataEl) throw xdtoError('DMFile', 'binaryData', 'не заполнено обязательное свойство');
  const content = decodeBase64(stripWhitespace(text(dataEl)));
  if (content === null) throw xdtoError('DMFile', 'binaryData', 'неверное значение типа base64Binary');

  const ownerEl = child(req, 'owner');
  if (!ownerEl) throw xdtoError('DMAddFileRequest', 'owner', 'не заполнено обязательное свойство');
  // The real flow sends the whole owner object; only its identity matters here.
  const ownerOid = child(ownerEl, 'objectID');
  const owner = ownerOid ? readObjectId(ownerOid) : { id: '', type: '' };
  if (owner.id === '') throw xdtoError('DMAddFileRequest', 'owner', 'не указан objectID владельца');
  if (owner.type === '') owner.type = dmType(ownerEl, 'DMAddFileRequest', 'owner') ?? '';

  return {
    id: objectId.id,
    name: text(child(file, 'name')),
    extension: text(child(file, 'extension')).trim().replace(/^\./, ''),
    description: text(child(file, 'description')),
    size: Number(sizeText),
    content,
    owner,
  };
}

/** Reads a DMRetrieveRequest. */
export function readRetrieve(req: XmlElement): { ids: ObjectIdInput[]; columns: string[] } {
  checkChildren(req, 'DMRetrieveRequest', ['dataBaseID', 'objectIds', 'columnSet']);
  const ids = all(req, 'objectIds').map((e) => readObjectId(e));
  for (const id of ids) if (id.id === '') throw xdtoError('DMObjectID', 'id', 'не заполнено обязательное свойство');
  return { ids, columns: columns(req) };
}

/** Reads a DMGetFileListByOwnerRequest. */
export function readFileList(req: XmlElement): { owners: ObjectIdInput[]; columns: string[] } {
  checkChildren(req, 'DMGetFileListByOwnerRequest', ['dataBaseID', 'owners', 'columnSet']);
  const owners = all(req, 'owners').map((o) => {
    const oid = child(o, 'objectID');
    if (!oid) throw xdtoError('DMGetFileListByOwnerRequest', 'owners', 'не указан objectID владельца');
    const id = readObjectId(oid);
    if (id.type === '') id.type = dmType(o, 'DMGetFileListByOwnerRequest', 'owners') ?? '';
    return id;
  });
  return { owners, columns: columns(req) };
}

/** Reads a DMGetObjectListRequest. */
export function readList(req: XmlElement): ListInput {
  const T = 'DMGetObjectListRequest';
  checkChildren(req, T, ['dataBaseID', 'type', 'query', 'columnSet']);
  const type = text(child(req, 'type')).trim();
  if (type === '') throw xdtoError(T, 'type', 'не заполнено обязательное свойство');
  const query = child(req, 'query');
  const out: ListInput = { type, conditions: [], columns: columns(req), limit: null };
  if (!query || query.nil) return out;
  checkChildren(query, 'DMObjectQuery', ['conditions', 'columnSet', 'limit']);
  out.columns.push(...columns(query));
  const limitText = text(child(query, 'limit')).trim();
  if (limitText !== '') {
    if (!/^\d{1,9}$/.test(limitText)) throw xdtoError('DMObjectQuery', 'limit', `неверное значение типа int "${limitText.slice(0, 40)}"`);
    out.limit = Number(limitText) === 0 ? null : Number(limitText);
  }
  out.conditions = all(query, 'conditions').map(readCondition);
  return out;
}

function readCondition(el: XmlElement): ConditionInput {
  const T = 'DMObjectQueryCondition';
  checkChildren(el, T, ['property', 'value', 'comparisonOperator']);
  const property = text(child(el, 'property')).trim();
  if (property === '') throw xdtoError(T, 'property', 'не заполнено обязательное свойство');
  const op = text(child(el, 'comparisonOperator')).trim().toUpperCase();
  const valueEl = child(el, 'value');
  if (!valueEl) throw xdtoError(T, 'value', 'не заполнено обязательное свойство');
  return { property, operator: op === '' ? null : op, value: readValue(valueEl) };
}

function readValue(el: XmlElement): ConditionValue {
  const t = el.xsiType;
  const raw = el.nil ? '' : el.text;
  if (t === null || (t.ns === XS_NS && t.local === 'string')) return { kind: 'string', value: raw };
  if (t.ns === XS_NS && t.local === 'boolean') {
    const v = raw.trim();
    if (!['true', 'false', '1', '0'].includes(v)) throw xdtoError('DMObjectQueryCondition', 'value', `неверное значение типа boolean "${v.slice(0, 40)}"`);
    return { kind: 'boolean', value: v === 'true' || v === '1' };
  }
  if (t.ns === XS_NS && t.local === 'dateTime') {
    return { kind: 'dateTime', value: readDate(el, 'DMObjectQueryCondition', 'value') ?? '0001-01-01T00:00:00' };
  }
  if (t.ns === DM_NS && t.local === 'DMObjectID') {
    const id = readObjectId(el);
    return { kind: 'ref', id: id.id, type: id.type };
  }
  throw xdtoError('DMObjectQueryCondition', 'value', `тип значения {${t.ns ?? ''}}${t.local.slice(0, 60)} не поддерживается`);
}

function columns(el: XmlElement): string[] {
  return all(el, 'columnSet')
    .map((c) => text(c).trim())
    .filter((c) => c !== '');
}
