import { createHash, randomUUID } from 'node:crypto';

/** 1C's empty date: always emitted, never an absent element. */
export const EMPTY_DATE = '0001-01-01T00:00:00';

/**
 * Document states (ids as 1C enum values, with their presentations). Assumption: the real
 * СостоянияДокументов has more values; these are the ones an appeal and a utility-connection
 * application go through (seed 000: receipt and number, technical conditions and contract sent,
 * contract concluded, progress, connection; seed 002: rejected).
 */
export const DOCUMENT_STATES: readonly { id: string; name: string }[] = [
  { id: 'Новый', name: 'Новый' },
  { id: 'Зарегистрирован', name: 'Зарегистрирован' },
  { id: 'НаРассмотрении', name: 'На рассмотрении' },
  { id: 'Рассмотрен', name: 'Рассмотрен' },
  { id: 'НаИсполнении', name: 'На исполнении' },
  { id: 'Исполнен', name: 'Исполнен' },
  { id: 'Отправлен', name: 'Отправлен' },
  { id: 'ЗапрошеныДокументы', name: 'Запрошены документы' },
  { id: 'ТУВРаботе', name: 'Технические условия в работе' },
  { id: 'ТУНаправлены', name: 'Технические условия направлены' },
  { id: 'ДоговорНаправлен', name: 'Договор направлен' },
  { id: 'ДоговорЗаключен', name: 'Договор заключен' },
  { id: 'Подключен', name: 'Подключен' },
  { id: 'Отклонен', name: 'Отклонен' },
];

/** Object types the mock stores. */
export type DmStoredType = 'DMIncomingDocument' | 'DMInternalDocument' | 'DMOutgoingDocument' | 'DMFile';

/** Catalogue items the mock finds or creates by name. */
export type DmCatalogType = 'DMCorrespondent' | 'DMUser' | 'DMDocumentType' | 'DMAdditionalProperty';

/** A reference to another object: its id and its presentation. */
export interface DmRef {
  id: string;
  type: string;
  name: string;
}

/** The caller's own key of an object (`externalObject`). */
export interface DmExternalObject {
  id: string;
  type: string;
  name: string;
}

/** The XML Schema types an additional property's `propertySimpleValue` may carry. */
export const DM_SIMPLE_VALUE_TYPES = ['string', 'dateTime', 'decimal', 'boolean'] as const;

/** One of {@link DM_SIMPLE_VALUE_TYPES} (the local name in the `xs` namespace). */
export type DmSimpleValueType = (typeof DM_SIMPLE_VALUE_TYPES)[number];

/**
 * One additional property (ДополнительныеРеквизиты) of a document: the property (a
 * `DMAdditionalProperty` catalogue item, found or created by name) and its simple value.
 */
export interface DmAdditionalProperty {
  /** GUID of the DMAdditionalProperty catalogue item. */
  id: string;
  /** The catalogue item's name. */
  name: string;
  /** The value as text, as sent (trimmed for the types other than `string`). */
  value: string;
  /** The value's `xsi:type` (`xs:<valueType>`), returned as it was sent. */
  valueType: DmSimpleValueType;
}

/** One change of a document's state (the register "Состояния документов", as this mock models it). */
export interface DmStateEntry {
  /** State id, one of {@link DOCUMENT_STATES}. */
  state: string;
  /** When it was set, 1C server local time. */
  date: string;
  /** Who set it (a DMUser). */
  author: DmRef;
  /** Empty when none. */
  comment: string;
}

/** Fields shared by the document types. */
interface DmDocumentBase {
  id: string;
  title: string;
  summary: string;
  externalObject: DmExternalObject | null;
  /** "Вид документа" (a DMDocumentType), or null. */
  documentType: DmRef | null;
  regNumber: string;
  regDate: string;
  /** Always the state of the last entry of `states`. */
  state: string;
  /** Oldest first; never empty. */
  states: DmStateEntry[];
  modificationDateUniversal: string;
  additionalProperties: DmAdditionalProperty[];
}

/** An incoming document (an appeal or an application, as the hub files it by default). */
export interface DmIncomingDocument extends DmDocumentBase {
  type: 'DMIncomingDocument';
  sender: DmRef | null;
  incomingNumber: string;
  incomingDate: string;
  responsible: DmRef | null;
  answerDocument: DmRef | null;
  /** Outgoing documents the clerk created for it (technical conditions, contract, ...), oldest first. */
  relatedDocuments: DmRef[];
}

/** An internal document (an application, when the tenant files applications that way). */
export interface DmInternalDocument extends DmDocumentBase {
  type: 'DMInternalDocument';
  author: DmRef | null;
  responsible: DmRef | null;
  answerDocument: DmRef | null;
  relatedDocuments: DmRef[];
}

/** An outgoing document (an answer, technical conditions, a contract, ... created by the clerk). */
export interface DmOutgoingDocument extends DmDocumentBase {
  type: 'DMOutgoingDocument';
  addressee: DmRef | null;
  author: DmRef | null;
  inReplyTo: DmRef | null;
}

/** A file attached to a document. `content` is immutable once stored. */
export interface DmFile {
  type: 'DMFile';
  id: string;
  name: string;
  extension: string;
  description: string;
  size: number;
  content: Buffer;
  sha256: string;
  /** Kept for the admin API only; 1C has no media type, just the extension. */
  mediaType: string | null;
  owner: DmRef;
  creationDate: string;
  modificationDate: string;
  modificationDateUniversal: string;
}

/** Anything the store holds. */
export type DmStored = DmIncomingDocument | DmInternalDocument | DmOutgoingDocument | DmFile;

/** A document of any type. */
export type DmDocument = DmIncomingDocument | DmInternalDocument | DmOutgoingDocument;

/** A document a clerk processes as an appeal or an application (it can be answered and get related documents). */
export type DmApplicationDocument = DmIncomingDocument | DmInternalDocument;

interface Version {
  value: DmStored;
  visibleAt: number;
}

/** What the store needs from the mock's configuration, read at each write. */
export interface DmStoreSettings {
  clock: () => number;
  visibilityDelayMs: () => number;
  /** Offset of the 1C server's local time from UTC, for the dates 1C keeps in local time. */
  utcOffsetMinutes: number;
  numbering: { incomingPrefix: string; internalPrefix: string; outgoingPrefix: string; width: number; start: number };
}

/**
 * The mock's database. Each object keeps its recent versions with the time each becomes
 * visible: writes answer with the new version at once, but reads (DMRetrieve, DMGetObjectList,
 * DMGetFileListByOwner) see a change only after the visibility delay, which is what real
 * clients observed (external-systems.md §1.6). The admin API reads the latest version.
 */
export class DmStore {
  private objects = new Map<string, Version[]>();
  private counters = new Map<string, number>();
  private directory = new Map<string, DmRef>();

  /** @param settings clock, delay and numbering, read at every write so switches apply at once */
  constructor(private readonly settings: DmStoreSettings) {}

  /** Current time in ms. */
  now(): number {
    return this.settings.clock();
  }

  /** UTC now in 1C's format (`modificationDateUniversal`). */
  nowUniversal(): string {
    return formatDmDate(this.now());
  }

  /** The 1C server's local now (`regDate`, `creationDate`, `modificationDate`). */
  nowLocal(): string {
    return formatDmDate(this.now() + this.settings.utcOffsetMinutes * 60_000);
  }

  /** The newest version, whether or not clients can see it yet. */
  latest(id: string): DmStored | undefined {
    const versions = this.objects.get(normalizeId(id));
    return versions?.[versions.length - 1].value;
  }

  /** The version a client read sees now: the newest one whose visibility time has come. */
  visible(id: string): DmStored | undefined {
    const versions = this.objects.get(normalizeId(id));
    if (!versions) return undefined;
    const now = this.now();
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i].visibleAt <= now) return versions[i].value;
    return undefined;
  }

  /** When the newest version of an object becomes visible to reads (ms), or undefined. */
  visibleAt(id: string): number | undefined {
    const versions = this.objects.get(normalizeId(id));
    return versions?.[versions.length - 1].visibleAt;
  }

  /** Stores a new version; it becomes visible to reads after the delay. */
  put(value: DmStored): void {
    const id = normalizeId(value.id);
    const now = this.now();
    const versions = this.objects.get(id) ?? [];
    // Older versions are only needed while a newer one is still invisible.
    let lastVisible = -1;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i].visibleAt <= now) {
        lastVisible = i;
        break;
      }
    }
    const kept = lastVisible > 0 ? versions.slice(lastVisible) : versions;
    kept.push({ value, visibleAt: now + Math.max(0, this.settings.visibilityDelayMs()) });
    this.objects.set(id, kept);
  }

  /** Every object of a type, as reads see them now. */
  listVisible(type: DmStoredType): DmStored[] {
    const out: DmStored[] = [];
    for (const id of this.objects.keys()) {
      const v = this.visible(id);
      if (v && v.type === type) out.push(v);
    }
    return out;
  }

  /** Every object of a type, newest versions. */
  listLatest(type?: DmStoredType): DmStored[] {
    const out: DmStored[] = [];
    for (const versions of this.objects.values()) {
      const v = versions[versions.length - 1].value;
      if (type === undefined || v.type === type) out.push(v);
    }
    return out;
  }

  /** Files of an owner, newest versions, in the order they were added. */
  filesOfLatest(ownerId: string): DmFile[] {
    const owner = normalizeId(ownerId);
    return (this.listLatest('DMFile') as DmFile[]).filter((f) => f.owner.id === owner);
  }

  /** Files of an owner as reads see them now. */
  filesOfVisible(ownerId: string): DmFile[] {
    const owner = normalizeId(ownerId);
    return (this.listVisible('DMFile') as DmFile[]).filter((f) => f.owner.id === owner);
  }

  /** Next registration number, e.g. `ВХ-2026-000123`; the sequence runs per prefix and year. */
  nextNumber(kind: 'incoming' | 'internal' | 'outgoing'): string {
    const { incomingPrefix, internalPrefix, outgoingPrefix, width, start } = this.settings.numbering;
    const prefix = kind === 'incoming' ? incomingPrefix : kind === 'internal' ? internalPrefix : outgoingPrefix;
    const year = this.nowLocal().slice(0, 4);
    const key = `${prefix}-${year}`;
    const next = (this.counters.get(key) ?? start - 1) + 1;
    this.counters.set(key, next);
    return `${key}-${String(next).padStart(width, '0')}`;
  }

  /**
   * A catalogue item (correspondent, user, document type, additional property) found by name,
   * created on first use with a new GUID, as a clerk picks an existing item or adds one.
   */
  catalogItem(type: DmCatalogType, name: string, id?: string): DmRef {
    const key = `${type}\u0000${name.trim().toLowerCase()}`;
    const found = this.directory.get(key);
    if (found && (id === undefined || found.id === normalizeId(id))) return { ...found };
    const ref: DmRef = { id: id ? normalizeId(id) : randomUUID(), type, name: name.trim() };
    this.directory.set(key, ref);
    return { ...ref };
  }

  /** A catalogue item known by its GUID, or undefined. */
  catalogItemById(type: DmCatalogType, id: string): DmRef | undefined {
    const want = normalizeId(id);
    for (const ref of this.directory.values()) if (ref.type === type && ref.id === want) return { ...ref };
    return undefined;
  }

  /** Forgets every object, counter and catalogue item. */
  reset(): void {
    this.objects = new Map();
    this.counters = new Map();
    this.directory = new Map();
  }
}

/** Lower-case GUIDs, as 1C prints them. */
export function normalizeId(id: string): string {
  return id.trim().toLowerCase();
}

/** `YYYY-MM-DDTHH:MM:SS` of a time in ms (UTC fields; pass a shifted time for local dates). */
export function formatDmDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** sha256 hex of bytes. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The GUID shape 1C uses for object ids. */
export const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A date in 1C's wire format: no zone, no fraction. */
export const DM_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** True when the string is a real calendar date in 1C's format (including the empty date). */
export function isValidDmDate(s: string): boolean {
  const m = DM_DATE_RE.exec(s);
  if (!m) return false;
  if (s === EMPTY_DATE) return true;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
}

/** The presentation of a state id, or undefined for an unknown id. */
export function stateName(id: string): string | undefined {
  return DOCUMENT_STATES.find((s) => s.id === id)?.name;
}

const SIGNATURE_PREFIX = 'Электронная подпись к файлу "';
const SIGNATURE_RE = /^Электронная подпись к файлу "(.+)" \[([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\]$/su;

/**
 * The description that makes a DMFile the detached signature of another file of the same owner
 * (this mock's rule, an assumption: DMService has no public signature operations).
 * @param signedFileName the signed file's `name.extension`
 * @param signedFileId its GUID
 */
export function signatureDescription(signedFileName: string, signedFileId: string): string {
  return `${SIGNATURE_PREFIX}${signedFileName}" [${normalizeId(signedFileId)}]`;
}

/** The signed file a description points at, when it follows {@link signatureDescription}'s rule. */
export function parseSignatureDescription(description: string): { fileName: string; fileId: string } | null {
  if (!description.startsWith(SIGNATURE_PREFIX) || description.length > 2048) return null;
  const m = SIGNATURE_RE.exec(description);
  return m ? { fileName: m[1], fileId: normalizeId(m[2]) } : null;
}
