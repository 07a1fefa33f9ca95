import { randomUUID } from 'node:crypto';
import { MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import {
  DOCUMENT_STATES,
  EMPTY_DATE,
  isValidDmDate,
  parseSignatureDescription,
  sha256Hex,
  signatureDescription,
  stateName,
  type DmApplicationDocument,
  type DmDocument,
  type DmExternalObject,
  type DmAdditionalProperty,
  type DmFile,
  type DmIncomingDocument,
  type DmOutgoingDocument,
  type DmSimpleValueType,
  type DmRef,
  type DmStore,
} from './dm-store.repository';
import { decodeBase64, stripWhitespace } from './dm-xml.codec';

/** Who acts when a clerk action names nobody and the document has no responsible employee. */
export const DEFAULT_CLERK = 'Оператор 1С';

/**
 * What `send` can send to an applicant: the kind of the outgoing document it creates (its
 * `documentType` name) and the state the application takes by default.
 */
export const CLERK_SEND_KINDS = {
  'technical-conditions': { documentType: 'Технические условия', state: 'ТУНаправлены' },
  'contract-draft': { documentType: 'Проект договора', state: 'ДоговорНаправлен' },
  'contract-signed': { documentType: 'Договор', state: 'ДоговорНаправлен' },
  'connection-act': { documentType: 'Акт о подключении', state: 'Подключен' },
  'rejection-notice': { documentType: 'Уведомление об отказе', state: 'Отклонен' },
} as const;

/** A `kind` of {@link DmClerk.send}. */
export type ClerkSendKind = keyof typeof CLERK_SEND_KINDS;

/**
 * The additional properties of an appeal (a DMIncomingDocument) that carry its answer term. An
 * assumption of this mock (no public source names a standard element for the term): see the
 * README, "Answer term of an appeal".
 */
export const TERM_PROPERTIES = {
  /** `xs:dateTime`, 1C local time, the end of the due day (`2026-06-30T23:59:59`); absent while there is no term. */
  due: 'Срок исполнения',
  /** `xs:string`: the head's resolution that set or changed the term; absent until one is given. */
  reason: 'Основание изменения срока',
  /** `xs:string` `Да` / `Нет`; absent until the term is first paused. */
  paused: 'Срок приостановлен',
} as const;

/** The kind of the outgoing document `requestDocuments` creates. */
const REQUEST_DOCUMENTS_KIND = 'Запрос документов';

/** A detached signature of a file, as the admin API shows it under the signed file. */
export interface AdminSignature {
  id: string;
  /** `name.extension`, e.g. `Договор.pdf.sig`. */
  fileName: string;
  size: number;
  sha256: string;
  /** Only with `withContent`. */
  contentBase64?: string;
}

/** A file as the admin API shows it: metadata and hash, bytes only on request. */
export interface AdminFile {
  id: string;
  /** Name without extension, as 1C keeps it. */
  name: string;
  extension: string;
  /** `name.extension`. */
  fileName: string;
  size: number;
  sha256: string;
  mediaType: string | null;
  description: string;
  /** Only with `withContent`. */
  contentBase64?: string;
  /**
   * The files of the same owner whose description says they sign this one
   * (`Электронная подпись к файлу "<name.ext>" [<GUID>]`), in the order they were added.
   * Absent when there are none. Such files are not listed on their own.
   */
  signatures?: AdminSignature[];
}

/** One additional property of a document: the DMAdditionalProperty item's name and GUID, and the value as text. */
export interface AdminAdditionalProperty {
  name: string;
  id: string;
  value: string;
}

/** One entry of a document's state history. */
export interface AdminStateEntry {
  state: string;
  stateName: string;
  /** 1C server local time. */
  date: string;
  author: DmRef;
  comment: string;
}

/** A document as the admin API shows it (newest version, whether or not reads see it yet). */
export interface AdminDocument {
  id: string;
  type: DmDocument['type'];
  title: string;
  summary: string;
  externalObject: DmExternalObject | null;
  documentType: DmRef | null;
  /** In the order sent. */
  additionalProperties: AdminAdditionalProperty[];
  regNumber: string;
  regDate: string;
  /** State id (`Новый`, `Зарегистрирован`, ...); always the last entry of `states`. */
  state: string;
  stateName: string;
  /** Every state change, oldest first, with its author. */
  states: AdminStateEntry[];
  modificationDateUniversal: string;
  /** When SOAP reads start to see this version (ISO). */
  visibleToReadsAt: string | null;
  /** Incoming only. */
  sender?: DmRef | null;
  incomingNumber?: string;
  incomingDate?: string;
  /** Incoming and internal. */
  responsible?: DmRef | null;
  answerDocument?: DmRef | null;
  relatedDocuments?: DmRef[];
  /** Internal and outgoing. */
  author?: DmRef | null;
  /** Outgoing only. */
  addressee?: DmRef | null;
  inReplyTo?: DmRef | null;
  files: AdminFile[];
}

/** A detached signature the clerk sends with a file. */
export interface ClerkSignatureInput {
  /** File name with extension, e.g. `Договор.pdf.sig`. */
  name: string;
  /** The bytes, base64 (over HTTP); or `content` (in process). */
  contentBase64?: string;
  content?: Buffer;
}

/** A file the clerk attaches to an outgoing document. */
export interface ClerkFileInput {
  /** File name with extension, e.g. `Ответ.pdf`. */
  name: string;
  mediaType?: string;
  /** The bytes, base64 (over HTTP); or `content` (in process). Exactly one of the two. */
  contentBase64?: string;
  content?: Buffer;
  /** Detached signatures, each stored as a DMFile of the same owner. */
  signatures?: ClerkSignatureInput[];
}

/** The clerk's answer to an appeal. */
export interface ClerkAnswerInput {
  /** Answer text (becomes the outgoing document's `summary`). */
  text: string;
  files?: ClerkFileInput[];
  /** Outgoing registration number; default the next `ИСХ-<year>-<seq>`. */
  number?: string;
  /** The acting clerk's full name (default: the responsible employee, else {@link DEFAULT_CLERK}). */
  by?: string;
}

/** What {@link DmClerk.send} sends to an applicant. */
export interface ClerkSendInput {
  kind: ClerkSendKind;
  /** Text for the applicant (the outgoing document's `summary`); default empty. */
  text?: string;
  files?: ClerkFileInput[];
  /** State the application takes instead of the kind's default. */
  state?: string;
  by?: string;
}

interface CheckedFile {
  name: string;
  mediaType: string | null;
  content: Buffer;
  signatures: { name: string; content: Buffer }[];
}

/**
 * A developer acting as the 1C clerk: registers, assigns, changes states, answers, requests
 * documents and sends technical conditions, contracts and acts — the things people do in DO that
 * the hub must notice by polling. Every change is a new version with a new
 * `modificationDateUniversal`, subject to the visibility delay like any write; every change of
 * state, and every change of an appeal's answer term, appends an entry, with the acting clerk as
 * its author, to the document's `states`.
 */
export class DmClerk {
  /** @param store the mock's data */
  constructor(private readonly store: DmStore) {}

  /** Every document, newest versions; optionally one type only. */
  documents(filter: { type?: string } = {}): AdminDocument[] {
    const types = ['DMIncomingDocument', 'DMInternalDocument', 'DMOutgoingDocument'];
    if (filter.type !== undefined && !types.includes(filter.type)) throw new MockAdminError(400, `type must be one of ${types.join(', ')}`);
    return this.store
      .listLatest()
      .filter((o): o is DmDocument => o.type !== 'DMFile' && (filter.type === undefined || o.type === filter.type))
      .map((d) => this.view(d, false));
  }

  /**
   * One document with its files.
   * @throws MockAdminError(404) for an unknown id
   */
  document(id: string, options: { withContent?: boolean } = {}): AdminDocument {
    return this.view(this.find(id), options.withContent === true);
  }

  /**
   * Registers an incoming or internal document: the next number (`ВХ-…` / `ВН-…`, or the given
   * one), now (server local time) as regDate; a `Новый` document becomes `Зарегистрирован`
   * (a state entry by the acting clerk). Another state is kept as it is.
   * @throws MockAdminError 404 unknown id, 409 already registered or outgoing, 400 bad input
   */
  register(id: string, options: { number?: string; date?: string; by?: string } = {}): AdminDocument {
    const doc = this.application(id);
    if (doc.regNumber !== '') throw new MockAdminError(409, `document ${doc.id} is already registered as ${doc.regNumber}`);
    checkNumber(options.number);
    if (options.date !== undefined && (typeof options.date !== 'string' || !isValidDmDate(options.date))) {
      throw new MockAdminError(400, 'date must be YYYY-MM-DDTHH:MM:SS (1C local time, no zone)');
    }
    const by = this.actor(doc, options.by);
    const registered = {
      ...doc,
      regNumber: options.number?.trim() ?? this.store.nextNumber(doc.type === 'DMIncomingDocument' ? 'incoming' : 'internal'),
      regDate: options.date ?? this.store.nowLocal(),
    };
    return this.save(doc.state === 'Новый' ? this.withState(registered, 'Зарегистрирован', by, '') : registered);
  }

  /**
   * Sets the responsible employee (a DMUser found or created by name). The state is not changed.
   * @throws MockAdminError 404 / 409 / 400
   */
  assign(id: string, responsible: string | { name: string; id?: string }): AdminDocument {
    const doc = this.application(id);
    const r = typeof responsible === 'string' ? { name: responsible } : responsible;
    if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 300) {
      throw new MockAdminError(400, 'responsible must be a name (string) or { name, id? }');
    }
    if (r.id !== undefined && (typeof r.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(r.id))) throw new MockAdminError(400, 'responsible.id must be a GUID');
    return this.save({ ...doc, responsible: this.store.catalogItem('DMUser', r.name, r.id) });
  }

  /**
   * Sets the state of a document (any type) and appends an entry to its history — also when the
   * state id is unchanged, which is how a progress note (`ТУВРаботе` with a comment) is recorded.
   * @throws MockAdminError 404, or 400 for a state id not in {@link DOCUMENT_STATES}
   */
  status(id: string, state: string, options: { comment?: string; by?: string } = {}): AdminDocument {
    const doc = this.find(id);
    checkState(state, 'state');
    const comment = checkText(options.comment, 'comment', false);
    return this.save(this.withState(doc, state, this.actor(doc, options.by), comment));
  }

  /**
   * Rejects an application: state `Отклонен`, the reason as the entry's comment.
   * @throws MockAdminError 404, 409 for an outgoing document, 400 without a reason
   */
  reject(id: string, input: { reason: string; by?: string }): AdminDocument {
    const doc = this.application(id);
    const reason = checkText(input?.reason, 'reason', true);
    return this.save(this.withState(doc, 'Отклонен', this.actor(doc, input.by), reason));
  }

  /**
   * Answers an appeal: creates a registered DMOutgoingDocument (summary = text, addressee = the
   * sender, author = the acting clerk, inReplyTo = the appeal) with the files, links it from the
   * appeal's `answerDocument` and sets that one `Исполнен`.
   * @throws MockAdminError 404, 409 when already answered or outgoing, 400 for bad input
   */
  answer(id: string, input: ClerkAnswerInput): { incoming: AdminDocument; answer: AdminDocument } {
    const doc = this.application(id);
    if (doc.answerDocument) throw new MockAdminError(409, `document ${doc.id} is already answered by ${doc.answerDocument.id}`);
    if (typeof input !== 'object' || input === null) throw new MockAdminError(400, 'answer must be an object');
    const text = checkText(input.text, 'text', true);
    checkNumber(input.number);
    const files = checkFiles(input.files);
    const by = this.actor(doc, input.by);
    const out = this.createOutgoing(doc, { title: `Ответ на ${reference(doc)}`, kind: null, summary: text, author: by, number: input.number, files });
    const incoming = this.save(this.withState({ ...doc, answerDocument: refOf(out) }, 'Исполнен', by, ''));
    return { incoming, answer: this.document(out.id) };
  }

  /**
   * Asks the applicant for more documents: a registered related DMOutgoingDocument of kind
   * `Запрос документов` (summary = text); the application becomes `ЗапрошеныДокументы`.
   * @throws MockAdminError 404, 409 for an outgoing document, 400 without a text
   */
  requestDocuments(id: string, input: { text: string; by?: string }): { application: AdminDocument; outgoing: AdminDocument } {
    const doc = this.application(id);
    const text = checkText(input?.text, 'text', true);
    return this.relate(doc, REQUEST_DOCUMENTS_KIND, text, [], 'ЗапрошеныДокументы', this.actor(doc, input.by));
  }

  /**
   * Sends technical conditions, a contract, an act or a rejection notice to the applicant: a
   * registered related DMOutgoingDocument of that kind with the files (and each file's detached
   * signatures as DMFiles described `Электронная подпись к файлу "<name.ext>" [<GUID>]`); the
   * application takes the kind's state (see {@link CLERK_SEND_KINDS}) or `state`.
   * @throws MockAdminError 404, 409 for an outgoing document, 400 for bad input
   */
  send(id: string, input: ClerkSendInput): { application: AdminDocument; outgoing: AdminDocument } {
    const doc = this.application(id);
    if (typeof input !== 'object' || input === null) throw new MockAdminError(400, 'send must be an object');
    const kinds = Object.keys(CLERK_SEND_KINDS);
    if (typeof input.kind !== 'string' || !kinds.includes(input.kind)) throw new MockAdminError(400, `kind must be one of ${kinds.join(', ')}`);
    const kind = CLERK_SEND_KINDS[input.kind];
    if (input.state !== undefined) checkState(input.state, 'state');
    const text = checkText(input.text, 'text', false);
    const files = checkFiles(input.files);
    return this.relate(doc, kind.documentType, text, files, input.state ?? kind.state, this.actor(doc, input.by));
  }

  /**
   * Sets the initial answer term of an appeal, as a registrar does at registration:
   * `Срок исполнения` = `<until>T23:59:59` (and `Основание изменения срока` = `reason` when one is
   * given). Appends a history entry (state unchanged) by the acting clerk.
   * @throws MockAdminError 404, 409 when not a DMIncomingDocument, answered or the term is already set (use {@link extendTerm}), 400 for bad input
   */
  setTerm(id: string, input: { until: string; reason?: string; by?: string }): AdminDocument {
    const doc = this.appeal(id);
    const until = checkUntil(input?.until);
    const reason = checkText(input?.reason, 'reason', false);
    const current = dueTerm(doc);
    if (current !== null) throw new MockAdminError(409, `document ${doc.id} already has the term ${current}; change it with extend-term`, { term: current });
    const by = this.actor(doc, input.by);
    let props = this.withProperty(doc.additionalProperties, TERM_PROPERTIES.due, until, 'dateTime');
    if (reason.trim() !== '') props = this.withProperty(props, TERM_PROPERTIES.reason, reason, 'string');
    const comment = `Срок исполнения установлен: ${until.slice(0, 10)}${reason.trim() === '' ? '' : `. Основание: ${reason}`}`;
    return this.save(this.withState({ ...doc, additionalProperties: props }, doc.state, by, comment));
  }

  /**
   * Extends the answer term of an appeal by the head's resolution: `Срок исполнения` =
   * `<until>T23:59:59`, `Основание изменения срока` = `reason`. Appends a history entry (state
   * unchanged) by the acting clerk. A paused term stays paused.
   * @throws MockAdminError 404; 409 when not a DMIncomingDocument, answered, without a term or `until` not after it; 400 for bad input
   */
  extendTerm(id: string, input: { until: string; reason: string; by?: string }): AdminDocument {
    const doc = this.appeal(id);
    const until = checkUntil(input?.until);
    const reason = checkText(input?.reason, 'reason', true);
    const current = dueTerm(doc);
    if (current === null) throw new MockAdminError(409, `document ${doc.id} has no term to extend; set it with set-term`);
    if (until <= current) throw new MockAdminError(409, `until ${until.slice(0, 10)} is not after the current term ${current}`, { term: current });
    const by = this.actor(doc, input.by);
    const props = this.withProperty(this.withProperty(doc.additionalProperties, TERM_PROPERTIES.due, until, 'dateTime'), TERM_PROPERTIES.reason, reason, 'string');
    const comment = `Срок исполнения продлен с ${current.slice(0, 10)} до ${until.slice(0, 10)}. Основание: ${reason}`;
    return this.save(this.withState({ ...doc, additionalProperties: props }, doc.state, by, comment));
  }

  /**
   * Pauses the answer term of an appeal while the applicant is asked for more information:
   * `Срок приостановлен` = `Да`; the reason goes to the history entry (state unchanged). The due
   * date is not touched.
   * @throws MockAdminError 404; 409 when not a DMIncomingDocument, answered, without a term or already paused; 400 without a reason
   */
  pauseTerm(id: string, input: { reason: string; by?: string }): AdminDocument {
    const doc = this.appeal(id);
    const reason = checkText(input?.reason, 'reason', true);
    if (dueTerm(doc) === null) throw new MockAdminError(409, `document ${doc.id} has no term to pause; set it with set-term`);
    if (termPaused(doc)) throw new MockAdminError(409, `the term of document ${doc.id} is already paused`);
    const by = this.actor(doc, input.by);
    const props = this.withProperty(doc.additionalProperties, TERM_PROPERTIES.paused, 'Да', 'string');
    return this.save(this.withState({ ...doc, additionalProperties: props }, doc.state, by, `Срок исполнения приостановлен. Основание: ${reason}`));
  }

  /**
   * Resumes a paused answer term: `Срок приостановлен` = `Нет`, a history entry (state
   * unchanged). The due date is not moved; if the pause lengthens the term, that is an
   * {@link extendTerm}.
   * @throws MockAdminError 404; 409 when not a DMIncomingDocument, answered or not paused; 400 for bad input
   */
  resumeTerm(id: string, input: { by?: string } = {}): AdminDocument {
    const doc = this.appeal(id);
    if (!termPaused(doc)) throw new MockAdminError(409, `the term of document ${doc.id} is not paused`);
    const by = this.actor(doc, input?.by);
    const props = this.withProperty(doc.additionalProperties, TERM_PROPERTIES.paused, 'Нет', 'string');
    return this.save(this.withState({ ...doc, additionalProperties: props }, doc.state, by, 'Срок исполнения возобновлен'));
  }

  /** The clerk's `/__admin/documents...` endpoints. */
  routes(): AdminRoute[] {
    const base = '/__admin/documents';
    const body = (ctx: AdminContext, allowed: string[]): Record<string, unknown> => {
      const v = ctx.json();
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MockAdminError(400, 'body must be a JSON object');
      const unknown = Object.keys(v).filter((k) => !allowed.includes(k));
      if (unknown.length > 0) throw new MockAdminError(400, `unknown field(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
      return v as Record<string, unknown>;
    };
    const post = (action: string, allowed: string[], run: (id: string, b: Record<string, unknown>) => unknown, status = 200): AdminRoute => ({
      method: 'POST',
      path: `${base}/:id/${action}`,
      handle: (ctx) => ({ status, body: run(ctx.params.id, body(ctx, allowed)) }),
    });
    const str = (v: unknown) => v as string | undefined;
    return [
      { method: 'GET', path: base, handle: (ctx) => ({ body: { documents: this.documents({ type: ctx.query.get('type') ?? undefined }) } }) },
      {
        method: 'GET',
        path: `${base}/:id`,
        handle: (ctx) => ({ body: this.document(ctx.params.id, { withContent: ['1', 'true'].includes(ctx.query.get('withContent') ?? '') }) }),
      },
      post('register', ['number', 'date', 'by'], (id, b) => this.register(id, { number: str(b.number), date: str(b.date), by: str(b.by) })),
      post('assign', ['responsible'], (id, b) => {
        if (b.responsible === undefined) throw new MockAdminError(400, 'responsible is required');
        return this.assign(id, b.responsible as string);
      }),
      post('status', ['state', 'comment', 'by'], (id, b) => this.status(id, b.state as string, { comment: str(b.comment), by: str(b.by) })),
      post('reject', ['reason', 'by'], (id, b) => this.reject(id, b as unknown as { reason: string; by?: string })),
      post('answer', ['text', 'files', 'number', 'by'], (id, b) => this.answer(id, b as unknown as ClerkAnswerInput), 201),
      post('request-documents', ['text', 'by'], (id, b) => this.requestDocuments(id, b as unknown as { text: string; by?: string }), 201),
      post('send', ['kind', 'text', 'files', 'state', 'by'], (id, b) => this.send(id, b as unknown as ClerkSendInput), 201),
      post('set-term', ['until', 'reason', 'by'], (id, b) => this.setTerm(id, b as unknown as { until: string; reason?: string; by?: string })),
      post('extend-term', ['until', 'reason', 'by'], (id, b) => this.extendTerm(id, b as unknown as { until: string; reason: string; by?: string })),
      post('pause-term', ['reason', 'by'], (id, b) => this.pauseTerm(id, b as unknown as { reason: string; by?: string })),
      post('resume-term', ['by'], (id, b) => this.resumeTerm(id, { by: str(b.by) })),
    ];
  }

  private find(id: string): DmDocument {
    const o = typeof id === 'string' ? this.store.latest(id) : undefined;
    if (!o || o.type === 'DMFile') throw new MockAdminError(404, `no document ${String(id).slice(0, 100)}`, { id });
    return o;
  }

  /** An incoming or internal document: what a clerk registers, answers and sends documents for. */
  private application(id: string): DmApplicationDocument {
    const doc = this.find(id);
    if (doc.type === 'DMOutgoingDocument') throw new MockAdminError(409, `document ${doc.id} is a ${doc.type}, not a DMIncomingDocument or DMInternalDocument`);
    return doc;
  }

  /** An appeal whose answer term can change: an incoming document not yet answered. */
  private appeal(id: string): DmIncomingDocument {
    const doc = this.find(id);
    if (doc.type !== 'DMIncomingDocument') throw new MockAdminError(409, `document ${doc.id} is a ${doc.type}, not a DMIncomingDocument: an answer term is kept on an incoming appeal`);
    if (doc.answerDocument) throw new MockAdminError(409, `document ${doc.id} is already answered by ${doc.answerDocument.id}: its term can no longer change`);
    return doc;
  }

  /**
   * The properties with one set to a value: the property (a DMAdditionalProperty found or created
   * by name) keeps its place when the document has it, later duplicates of it are dropped;
   * otherwise it is appended.
   */
  private withProperty(props: readonly DmAdditionalProperty[], name: string, value: string, valueType: DmSimpleValueType): DmAdditionalProperty[] {
    const item = this.store.catalogItem('DMAdditionalProperty', name);
    const next: DmAdditionalProperty = { id: item.id, name: item.name, value, valueType };
    const at = props.findIndex((p) => p.id === item.id);
    if (at === -1) return [...props, next];
    return props.flatMap((p, i) => (i === at ? [next] : p.id === item.id ? [] : [p]));
  }

  /**
   * The acting clerk: `by` (a DMUser found or created by name), else the document's responsible
   * (an outgoing document's author), else {@link DEFAULT_CLERK}.
   */
  private actor(doc: DmDocument, by: unknown): DmRef {
    if (by !== undefined) {
      if (typeof by !== 'string' || by.trim() === '' || by.length > 300) throw new MockAdminError(400, 'by must be a non-empty name of at most 300 characters');
      return this.store.catalogItem('DMUser', by);
    }
    const own = doc.type === 'DMOutgoingDocument' ? doc.author : doc.responsible;
    return own ?? this.store.catalogItem('DMUser', DEFAULT_CLERK);
  }

  private withState<T extends DmDocument>(doc: T, state: string, author: DmRef, comment: string): T {
    return { ...doc, state, states: [...doc.states, { state, date: this.store.nowLocal(), author, comment }] };
  }

  /** Creates a related outgoing document of a kind and links it from the application. */
  private relate(doc: DmApplicationDocument, kind: string, summary: string, files: CheckedFile[], state: string, by: DmRef): { application: AdminDocument; outgoing: AdminDocument } {
    const out = this.createOutgoing(doc, { title: `${kind} к ${reference(doc)}`, kind, summary, author: by, number: undefined, files });
    const application = this.save(this.withState({ ...doc, relatedDocuments: [...doc.relatedDocuments, refOf(out)] }, state, by, ''));
    return { application, outgoing: this.document(out.id) };
  }

  /** A registered DMOutgoingDocument in reply to the application, with its files. */
  private createOutgoing(doc: DmApplicationDocument, o: { title: string; kind: string | null; summary: string; author: DmRef; number: string | undefined; files: CheckedFile[] }): DmOutgoingDocument {
    const local = this.store.nowLocal();
    const out: DmOutgoingDocument = {
      type: 'DMOutgoingDocument',
      id: randomUUID(),
      title: o.title,
      summary: o.summary,
      externalObject: null,
      documentType: o.kind === null ? null : this.store.catalogItem('DMDocumentType', o.kind),
      regNumber: o.number?.trim() ?? this.store.nextNumber('outgoing'),
      regDate: local,
      state: 'Зарегистрирован',
      states: [{ state: 'Зарегистрирован', date: local, author: o.author, comment: '' }],
      modificationDateUniversal: this.store.nowUniversal(),
      additionalProperties: [],
      addressee: doc.type === 'DMIncomingDocument' ? doc.sender : null,
      author: o.author,
      inReplyTo: refOf(doc),
    };
    this.store.put(out);
    const owner = refOf(out);
    for (const f of o.files) {
      const file = this.putFile(owner, f.name, f.content, f.mediaType, '');
      const signed = file.extension ? `${file.name}.${file.extension}` : file.name;
      for (const s of f.signatures) this.putFile(owner, s.name, s.content, null, signatureDescription(signed, file.id));
    }
    return out;
  }

  private putFile(owner: DmRef, fileName: string, content: Buffer, mediaType: string | null, description: string): DmFile {
    const dot = fileName.lastIndexOf('.');
    const local = this.store.nowLocal();
    const file: DmFile = {
      type: 'DMFile',
      id: randomUUID(),
      name: dot > 0 ? fileName.slice(0, dot) : fileName,
      extension: dot > 0 ? fileName.slice(dot + 1) : '',
      description,
      size: content.length,
      content,
      sha256: sha256Hex(content),
      mediaType,
      owner,
      creationDate: local,
      modificationDate: local,
      modificationDateUniversal: this.store.nowUniversal(),
    };
    this.store.put(file);
    return file;
  }

  private save<T extends DmDocument>(doc: T): AdminDocument {
    const next = { ...doc, modificationDateUniversal: this.store.nowUniversal() };
    this.store.put(next);
    return this.view(next, false);
  }

  private view(d: DmDocument, withContent: boolean): AdminDocument {
    const visibleAt = this.store.visibleAt(d.id);
    const common = {
      id: d.id,
      type: d.type,
      title: d.title,
      summary: d.summary,
      externalObject: d.externalObject,
      documentType: d.documentType,
      additionalProperties: d.additionalProperties.map((p) => ({ name: p.name, id: p.id, value: p.value })),
      regNumber: d.regNumber,
      regDate: d.regDate,
      state: d.state,
      stateName: stateName(d.state) ?? d.state,
      states: d.states.map((e) => ({ state: e.state, stateName: stateName(e.state) ?? e.state, date: e.date, author: e.author, comment: e.comment })),
      modificationDateUniversal: d.modificationDateUniversal,
      visibleToReadsAt: visibleAt === undefined ? null : new Date(visibleAt).toISOString(),
    };
    const files = fileViews(this.store.filesOfLatest(d.id), withContent);
    switch (d.type) {
      case 'DMIncomingDocument':
        return {
          ...common,
          sender: d.sender,
          incomingNumber: d.incomingNumber,
          incomingDate: d.incomingDate,
          responsible: d.responsible,
          answerDocument: d.answerDocument,
          relatedDocuments: [...d.relatedDocuments],
          files,
        };
      case 'DMInternalDocument':
        return { ...common, author: d.author, responsible: d.responsible, answerDocument: d.answerDocument, relatedDocuments: [...d.relatedDocuments], files };
      default:
        return { ...common, addressee: d.addressee, author: d.author, inReplyTo: d.inReplyTo, files };
    }
  }
}

function refOf(d: DmDocument): DmRef {
  return { id: d.id, type: d.type, name: d.title };
}

/** How an outgoing document's title names the application: `вх. № ВХ-…`, `вн. № ВН-…`, or its title. */
function reference(doc: DmApplicationDocument): string {
  if (doc.regNumber === '') return `"${doc.title}"`;
  return `${doc.type === 'DMIncomingDocument' ? 'вх.' : 'вн.'} № ${doc.regNumber}`;
}

/** Files with their detached signatures nested under them (the description rule of {@link signatureDescription}). */
function fileViews(files: DmFile[], withContent: boolean): AdminFile[] {
  const ids = new Set(files.map((f) => f.id));
  const signaturesOf = new Map<string, AdminSignature[]>();
  const plain: DmFile[] = [];
  for (const f of files) {
    const target = parseSignatureDescription(f.description);
    if (target === null || target.fileId === f.id || !ids.has(target.fileId)) {
      plain.push(f);
      continue;
    }
    const list = signaturesOf.get(target.fileId) ?? [];
    list.push({ id: f.id, fileName: fullName(f), size: f.size, sha256: f.sha256, ...(withContent ? { contentBase64: f.content.toString('base64') } : {}) });
    signaturesOf.set(target.fileId, list);
  }
  return plain.map((f) => {
    const signatures = signaturesOf.get(f.id);
    return {
      id: f.id,
      name: f.name,
      extension: f.extension,
      fileName: fullName(f),
      size: f.size,
      sha256: f.sha256,
      mediaType: f.mediaType,
      description: f.description,
      ...(withContent ? { contentBase64: f.content.toString('base64') } : {}),
      ...(signatures ? { signatures } : {}),
    };
  });
}

function fullName(f: DmFile): string {
  return f.extension ? `${f.name}.${f.extension}` : f.name;
}

/** The value of a document's first property of this name (catalogue names match case-insensitively), or undefined. */
function property(doc: DmDocument, name: string): DmAdditionalProperty | undefined {
  const want = name.toLowerCase();
  return doc.additionalProperties.find((p) => p.name.trim().toLowerCase() === want);
}

/** The appeal's due date-time (`Срок исполнения`), or null when it has none (or a value that is not a date). */
function dueTerm(doc: DmDocument): string | null {
  const p = property(doc, TERM_PROPERTIES.due);
  return p !== undefined && p.valueType === 'dateTime' && isValidDmDate(p.value) && p.value !== EMPTY_DATE ? p.value : null;
}

/** True while `Срок приостановлен` is `Да`. */
function termPaused(doc: DmDocument): boolean {
  return property(doc, TERM_PROPERTIES.paused)?.value.trim() === 'Да';
}

/** `until` (`YYYY-MM-DD`, a real calendar day) as the end of that day in 1C's format. */
function checkUntil(until: unknown): string {
  const value = typeof until === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(until) ? `${until}T23:59:59` : null;
  if (value === null || !isValidDmDate(value)) throw new MockAdminError(400, 'until must be a calendar date YYYY-MM-DD (the last day of the term)');
  return value;
}

function checkState(state: unknown, field: string): void {
  if (typeof state !== 'string' || stateName(state) === undefined) {
    throw new MockAdminError(400, `${field} must be one of ${DOCUMENT_STATES.map((s) => s.id).join(', ')}`);
  }
}

function checkNumber(number: unknown): void {
  if (number !== undefined && (typeof number !== 'string' || number.trim() === '' || number.length > 64)) {
    throw new MockAdminError(400, 'number must be a non-empty string of at most 64 characters');
  }
}

/** A text field: a string (non-empty when required); '' when absent and optional. */
function checkText(value: unknown, field: string, required: boolean): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value.trim() === '')) throw new MockAdminError(400, `${field} must be a${required ? ' non-empty' : ''} string`);
  return value;
}

/** Validates files (and their signatures) and decodes their content; every problem at once. */
function checkFiles(input: unknown): CheckedFile[] {
  if (input === undefined) return [];
  const problems: string[] = [];
  if (!Array.isArray(input)) throw new MockAdminError(400, 'files must be an array');
  const out: CheckedFile[] = [];
  input.forEach((f: unknown, i) => {
    const where = `files[${i}]`;
    const file = checkContent(f, where, ['name', 'mediaType', 'contentBase64', 'content', 'signatures'], problems);
    if (file === null) return;
    const o = f as Record<string, unknown>;
    if (o.mediaType !== undefined && typeof o.mediaType !== 'string') problems.push(`${where}.mediaType must be a string`);
    const signatures: CheckedFile['signatures'] = [];
    if (o.signatures !== undefined && !Array.isArray(o.signatures)) problems.push(`${where}.signatures must be an array`);
    else {
      ((o.signatures ?? []) as unknown[]).forEach((s, j) => {
        const sig = checkContent(s, `${where}.signatures[${j}]`, ['name', 'contentBase64', 'content'], problems);
        if (sig !== null) signatures.push(sig);
      });
    }
    out.push({ ...file, mediaType: typeof o.mediaType === 'string' ? o.mediaType : null, signatures });
  });
  if (problems.length > 0) throw new MockAdminError(400, `invalid files: ${problems.join('; ')}`, { problems });
  return out;
}

/** `{ name, contentBase64 | content }`: the name and the decoded bytes, or null with problems noted. */
function checkContent(v: unknown, where: string, allowed: string[], problems: string[]): { name: string; content: Buffer } | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push(`${where} must be an object`);
    return null;
  }
  const o = v as Record<string, unknown>;
  const before = problems.length;
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) problems.push(`${where} has unknown field(s) ${extra.join(', ')}`);
  if (typeof o.name !== 'string' || o.name.trim() === '' || o.name.length > 255) problems.push(`${where}.name must be a non-empty string of at most 255 characters`);
  let content: Buffer | null = null;
  if (o.content !== undefined && o.contentBase64 !== undefined) problems.push(`${where} must have contentBase64 or content, not both`);
  else if (o.content !== undefined) {
    // Copied: stored content never changes, whatever the caller does with its buffer later.
    if (o.content instanceof Uint8Array) content = Buffer.from(o.content);
    else problems.push(`${where}.content must be a Buffer (in process; over HTTP send contentBase64)`);
  } else {
    content = typeof o.contentBase64 === 'string' ? decodeBase64(stripWhitespace(o.contentBase64)) : null;
    if (content === null) problems.push(`${where}.contentBase64 must be base64`);
  }
  if (problems.length > before || content === null) return null;
  return { name: (o.name as string).trim(), content };
}
