import { randomUUID } from 'node:crypto';
import type { DmQuirks } from './dm-mock.options';
import { FULL, writeObject, writeObjectId } from './dm-object.serializer';
import { byModification, compileConditions } from './dm-query.filter';
import { readAddFile, readCreate, readFileList, readIncomingDocument, readInternalDocument, readList, readRetrieve, requestType, xdtoError, type RefInput } from './dm-request.reader';
import {
  EMPTY_DATE,
  GUID_RE,
  normalizeId,
  sha256Hex,
  type DmAdditionalProperty,
  type DmCatalogType,
  type DmDocument,
  type DmFile,
  type DmIncomingDocument,
  type DmInternalDocument,
  type DmRef,
  type DmStore,
  type DmStored,
} from './dm-store.repository';
import { DmFault, type DmXmlWriter, type XmlElement } from './dm-xml.codec';

/** What an operation answers: a `DM*Response`, or a `DMError` (both HTTP 200). Faults are thrown. */
export type DmOutcome = { kind: 'response'; type: string; inner: string } | { kind: 'error'; subject: string; description: string };

/** The authenticated caller. */
export interface DmCaller {
  login: string;
  name: string;
  id: string;
}

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
const LISTABLE = ['DMIncomingDocument', 'DMInternalDocument', 'DMOutgoingDocument', 'DMFile'];

const notFound = (type: string, id: string): DmOutcome => ({
  kind: 'error',
  subject: 'Объект не найден',
  description: `Объект ${type || 'DMObject'} с идентификатором "${id.slice(0, 100)}" не найден.`,
});

/**
 * The request types of DMService the mock implements. Each reads its request, acts on the
 * store and writes its answer; XDTO problems are thrown as Faults, business problems are
 * answered as DMError.
 */
export class DmOperations {
  /**
   * @param store the mock's data
   * @param quirks current switches (read at each request)
   * @param versionNumber answer of DMGetVersionRequest
   */
  constructor(
    private readonly store: DmStore,
    private readonly quirks: () => DmQuirks,
    private readonly versionNumber: string,
  ) {}

  /** Runs the request whose xsi:type names the operation. */
  execute(request: XmlElement, caller: DmCaller, w: DmXmlWriter): DmOutcome {
    const type = requestType(request);
    switch (type) {
      case 'DMGetVersionRequest':
        return this.noChildren(request, type, () => ({ kind: 'response', type: 'DMGetVersionResponse', inner: w.leaf('versionNumber', this.versionNumber) }));
      case 'DMGetCurrentUserRequest':
        return this.noChildren(request, type, () => ({
          kind: 'response',
          type: 'DMGetCurrentUserResponse',
          inner: w.node('user', w.leaf('name', caller.name) + writeObjectId(w, caller.id, 'DMUser'), 'DMUser'),
        }));
      case 'DMCreateRequest':
        return this.create(request, caller, w);
      case 'DMAddFileRequest':
        return this.addFile(request, w);
      case 'DMRetrieveRequest':
        return this.retrieve(request, w);
      case 'DMGetObjectListRequest':
        return this.list(request, w);
      case 'DMGetFileListByOwnerRequest':
        return this.fileList(request, w);
      default:
        throw new DmFault('soap:Server', `Неизвестный тип запроса: ${type.slice(0, 100)}`);
    }
  }

  private noChildren(request: XmlElement, type: string, f: () => DmOutcome): DmOutcome {
    const extra = request.children.find((c) => c.local !== 'dataBaseID');
    if (extra) throw xdtoError(type, extra.local.slice(0, 100), 'свойство не найдено');
    return f();
  }

  private create(request: XmlElement, caller: DmCaller, w: DmXmlWriter): DmOutcome {
    const { objectType, object } = readCreate(request);
    if (objectType !== 'DMIncomingDocument' && objectType !== 'DMInternalDocument') {
      // Assumption: only what the hub needs is modelled; the real service creates many more types.
      return { kind: 'error', subject: 'Ошибка создания объекта', description: `Создание объектов типа ${objectType.slice(0, 100)} не поддерживается.` };
    }
    const input = objectType === 'DMIncomingDocument' ? readIncomingDocument(object) : readInternalDocument(object);
    const title = input.title.trim() !== '' ? input.title : input.name;
    if (title.trim() === '') return { kind: 'error', subject: 'Ошибка записи объекта', description: 'Поле "Заголовок" не заполнено.' };

    const id = this.clientId(input.id);
    if (typeof id !== 'string') return id;
    const existing = this.store.latest(id);
    if (existing) {
      if (this.quirks().duplicateCreate === 'error' || existing.type !== objectType) return this.duplicate(existing);
      return { kind: 'response', type: 'DMCreateResponse', inner: writeObject(w, 'object', existing, FULL) };
    }

    const documentType = this.reference('DMDocumentType', input.documentType);
    if (documentType !== null && !('id' in documentType)) return documentType;
    // Each property is a DMAdditionalProperty catalogue item, found or created by name like a
    // correspondent; the order sent is kept.
    const additionalProperties: DmAdditionalProperty[] = [];
    for (const p of input.additionalProperties) {
      const property = this.reference('DMAdditionalProperty', { name: p.name, id: p.id });
      if (property === null) continue;
      if (!('id' in property)) return property;
      additionalProperties.push({ id: property.id, name: property.name, value: p.value, valueType: p.valueType });
    }
    // The SOAP user creates the document: the first entry of its state history is theirs.
    const creator = this.store.catalogItem('DMUser', caller.name, caller.id || undefined);
    const common = {
      id,
      title,
      summary: input.summary,
      externalObject: input.externalObject,
      documentType,
      regNumber: '',
      regDate: EMPTY_DATE,
      state: 'Новый',
      states: [{ state: 'Новый', date: this.store.nowLocal(), author: creator, comment: '' }],
      modificationDateUniversal: this.store.nowUniversal(),
      additionalProperties,
      responsible: null,
      answerDocument: null,
      relatedDocuments: [],
    };
    let doc: DmDocument;
    if (input.type === 'DMIncomingDocument') {
      const sender = this.reference('DMCorrespondent', input.sender);
      if (sender !== null && !('id' in sender)) return sender;
      doc = { ...common, type: 'DMIncomingDocument', sender, incomingNumber: input.incomingNumber, incomingDate: input.incomingDate || EMPTY_DATE } satisfies DmIncomingDocument;
    } else {
      const author = this.reference('DMUser', input.author);
      if (author !== null && !('id' in author)) return author;
      doc = { ...common, type: 'DMInternalDocument', author: author ?? creator } satisfies DmInternalDocument;
    }
    this.store.put(doc);
    return { kind: 'response', type: 'DMCreateResponse', inner: writeObject(w, 'object', doc, FULL) };
  }

  /**
   * A catalogue item a client refers to: found or created by name (as a clerk picks or adds a
   * correspondent), or, with an objectID and no name, the existing item with that GUID.
   */
  private reference(type: DmCatalogType, input: RefInput | null): DmRef | null | Extract<DmOutcome, { kind: 'error' }> {
    if (input === null) return null;
    const id = input.id !== '' && GUID_RE.test(input.id) ? input.id : undefined;
    if (input.name !== '') return this.store.catalogItem(type, input.name, id);
    const found = id === undefined ? undefined : this.store.catalogItemById(type, id);
    return found ?? { kind: 'error', subject: 'Объект не найден', description: `Объект ${type} с идентификатором "${input.id.slice(0, 100)}" не найден.` };
  }

  private addFile(request: XmlElement, w: DmXmlWriter): DmOutcome {
    const input = readAddFile(request);
    // Writes see the latest state: the real create-then-attach flow runs back to back.
    const owner = this.store.latest(input.owner.id);
    if (!owner || owner.type === 'DMFile' || (input.owner.type !== '' && input.owner.type !== 'DMObject' && owner.type !== input.owner.type)) {
      return notFound(input.owner.type, input.owner.id);
    }
    let name = input.name.trim();
    let extension = input.extension;
    if (extension === '' && /\.[^.\s]{1,16}$/.test(name)) {
      extension = name.slice(name.lastIndexOf('.') + 1);
      name = name.slice(0, name.lastIndexOf('.'));
    } else if (extension !== '' && name.toLowerCase().endsWith(`.${extension.toLowerCase()}`)) {
      name = name.slice(0, -(extension.length + 1));
    }
    if (name === '') return { kind: 'error', subject: 'Ошибка добавления файла', description: 'Не заполнено имя файла.' };
    const fullName = extension ? `${name}.${extension}` : name;
    if (input.content.length !== input.size) {
      return {
        kind: 'error',
        subject: 'Ошибка добавления файла',
        description: `Размер файла "${fullName.slice(0, 200)}" (${input.content.length} байт) не совпадает с указанным размером (${input.size} байт).`,
      };
    }
    const id = this.clientId(input.id);
    if (typeof id !== 'string') return id;
    const existing = this.store.latest(id);
    if (existing) {
      if (this.quirks().duplicateCreate === 'error' || existing.type !== 'DMFile') return this.duplicate(existing);
      return { kind: 'response', type: 'DMAddFileResponse', inner: writeObject(w, 'file', existing, FULL) };
    }
    const local = this.store.nowLocal();
    const file: DmFile = {
      type: 'DMFile',
      id,
      name,
      extension,
      description: input.description,
      size: input.content.length,
      content: input.content,
      sha256: sha256Hex(input.content),
      mediaType: null,
      owner: { id: owner.id, type: owner.type, name: owner.title },
      creationDate: local,
      modificationDate: local,
      modificationDateUniversal: this.store.nowUniversal(),
    };
    this.store.put(file);
    return { kind: 'response', type: 'DMAddFileResponse', inner: writeObject(w, 'file', file, FULL) };
  }

  private retrieve(request: XmlElement, w: DmXmlWriter): DmOutcome {
    const { ids, columns } = readRetrieve(request);
    const set = columns.length > 0 ? new Set(columns) : null;
    const binaryData = columns.includes('binaryData');
    const parts: string[] = [];
    for (const { id, type } of ids) {
      const o = this.store.visible(id);
      if (!o || (type !== '' && type !== 'DMObject' && o.type !== type)) return notFound(type, id);
      parts.push(writeObject(w, 'objects', o, { columns: set, binaryData }));
    }
    return { kind: 'response', type: 'DMRetrieveResponse', inner: parts.join('') };
  }

  private list(request: XmlElement, w: DmXmlWriter): DmOutcome {
    const input = readList(request);
    if (!LISTABLE.includes(input.type)) {
      return { kind: 'error', subject: 'Ошибка получения списка объектов', description: `Получение списка объектов типа ${input.type.slice(0, 100)} не поддерживается.` };
    }
    const quirks = this.quirks();
    const everything = this.store.listVisible(input.type as DmStored['type']).sort(byModification);
    let items: DmStored[];
    let tooMany = false;
    if (quirks.ignoreFilters) {
      // Observed in production: conditions and limit ignored, the whole list returned.
      items = everything;
    } else {
      const predicate = compileConditions(input.type, input.conditions);
      if (typeof predicate !== 'function') return { kind: 'error', ...predicate };
      const matching = everything.filter(predicate);
      const cap = Math.min(input.limit ?? Infinity, quirks.maxListSize);
      tooMany = matching.length > cap;
      items = matching.slice(0, cap);
    }
    const set = input.columns.length > 0 ? new Set(input.columns) : null;
    const inner = items.map((o) => w.node('items', writeObject(w, 'object', o, { columns: set, binaryData: false }))).join('');
    return { kind: 'response', type: 'DMGetObjectListResponse', inner: inner + w.leaf('tooManyObjects', tooMany) };
  }

  private fileList(request: XmlElement, w: DmXmlWriter): DmOutcome {
    const { owners, columns } = readFileList(request);
    const set = columns.length > 0 ? new Set(columns) : null;
    const parts: string[] = [];
    for (const { id, type } of owners) {
      const o = this.store.visible(id);
      if (!o || o.type === 'DMFile' || (type !== '' && type !== 'DMObject' && o.type !== type)) return notFound(type, id);
      for (const f of this.store.filesOfVisible(o.id)) parts.push(writeObject(w, 'files', f, { columns: set, binaryData: false }));
    }
    return { kind: 'response', type: 'DMGetFileListByOwnerResponse', inner: parts.join('') };
  }

  /** The GUID a client supplied, a new one when it supplied none, or the DMError for a malformed one. */
  private clientId(raw: string): string | DmOutcome {
    if (raw === '' || raw === ZERO_GUID) return randomUUID();
    if (!GUID_RE.test(raw)) {
      return { kind: 'error', subject: 'Ошибка записи объекта', description: `Неверный формат уникального идентификатора: "${raw.slice(0, 100)}".` };
    }
    return normalizeId(raw);
  }

  private duplicate(existing: DmStored): DmOutcome {
    return {
      kind: 'error',
      subject: 'Ошибка записи объекта',
      description: `Объект ${existing.type} с идентификатором "${existing.id}" уже существует.`,
    };
  }
}
