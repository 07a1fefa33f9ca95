import { randomUUID } from 'node:crypto';
import { MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import {
  DOCUMENT_STATES,
  isValidDmDate,
  sha256Hex,
  stateName,
  type DmDocument,
  type DmExternalObject,
  type DmFile,
  type DmIncomingDocument,
  type DmOutgoingDocument,
  type DmRef,
  type DmStore,
} from './dm-store.repository';
import { isBase64 } from './dm-xml.codec';

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
}

/** A document as the admin API shows it (newest version, whether or not reads see it yet). */
export interface AdminDocument {
  id: string;
  type: 'DMIncomingDocument' | 'DMOutgoingDocument';
  title: string;
  summary: string;
  externalObject: DmExternalObject | null;
  regNumber: string;
  regDate: string;
  /** State id (`Новый`, `Зарегистрирован`, ...). */
  state: string;
  stateName: string;
  modificationDateUniversal: string;
  /** When SOAP reads start to see this version (ISO). */
  visibleToReadsAt: string | null;
  /** Incoming only. */
  sender?: DmRef | null;
  incomingNumber?: string;
  incomingDate?: string;
  responsible?: DmRef | null;
  answerDocument?: DmRef | null;
  /** Outgoing only. */
  addressee?: DmRef | null;
  author?: DmRef | null;
  inReplyTo?: DmRef | null;
  files: AdminFile[];
}

/** A file the clerk attaches to an answer. */
export interface ClerkFileInput {
  /** File name with extension, e.g. `Ответ.pdf`. */
  name: string;
  mediaType?: string;
  contentBase64: string;
}

/** The clerk's answer to an incoming document. */
export interface ClerkAnswerInput {
  /** Answer text (becomes the outgoing document's `summary`). */
  text: string;
  files?: ClerkFileInput[];
  /** Outgoing registration number; default the next `ИСХ-<year>-<seq>`. */
  number?: string;
}

/**
 * A developer acting as the 1C clerk: registers, assigns, changes states and answers, the
 * things people do in DO that the hub must notice by polling. Every change is a new version
 * with a new `modificationDateUniversal`, subject to the visibility delay like any write.
 */
export class DmClerk {
  /** @param store the mock's data */
  constructor(private readonly store: DmStore) {}

  /** Every document, newest versions; optionally one type only. */
  documents(filter: { type?: string } = {}): AdminDocument[] {
    if (filter.type !== undefined && filter.type !== 'DMIncomingDocument' && filter.type !== 'DMOutgoingDocument') {
      throw new MockAdminError(400, 'type must be DMIncomingDocument or DMOutgoingDocument');
    }
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
   * Registers an incoming document: the next number (or the given one), now (server local time)
   * as regDate, state `Зарегистрирован` when it was `Новый`.
   * @throws MockAdminError 404 unknown id, 409 already registered or not incoming, 400 bad input
   */
  register(id: string, options: { number?: string; date?: string } = {}): AdminDocument {
    const doc = this.incoming(id);
    if (doc.regNumber !== '') throw new MockAdminError(409, `document ${doc.id} is already registered as ${doc.regNumber}`);
    if (options.number !== undefined && (typeof options.number !== 'string' || options.number.trim() === '' || options.number.length > 64)) {
      throw new MockAdminError(400, 'number must be a non-empty string of at most 64 characters');
    }
    if (options.date !== undefined && (typeof options.date !== 'string' || !isValidDmDate(options.date))) {
      throw new MockAdminError(400, 'date must be YYYY-MM-DDTHH:MM:SS (1C local time, no zone)');
    }
    return this.save({
      ...doc,
      regNumber: options.number?.trim() ?? this.store.nextNumber('incoming'),
      regDate: options.date ?? this.store.nowLocal(),
      state: doc.state === 'Новый' ? 'Зарегистрирован' : doc.state,
    });
  }

  /**
   * Sets the responsible employee (a DMUser found or created by name). The state is not changed.
   * @throws MockAdminError 404 / 409 / 400
   */
  assign(id: string, responsible: string | { name: string; id?: string }): AdminDocument {
    const doc = this.incoming(id);
    const r = typeof responsible === 'string' ? { name: responsible } : responsible;
    if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 300) {
      throw new MockAdminError(400, 'responsible must be a name (string) or { name, id? }');
    }
    if (r.id !== undefined && (typeof r.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(r.id))) throw new MockAdminError(400, 'responsible.id must be a GUID');
    return this.save({ ...doc, responsible: this.store.catalogItem('DMUser', r.name, r.id) });
  }

  /**
   * Sets the state of a document (incoming or outgoing).
   * @throws MockAdminError 404, or 400 for a state id not in {@link DOCUMENT_STATES}
   */
  status(id: string, state: string): AdminDocument {
    const doc = this.find(id);
    if (typeof state !== 'string' || stateName(state) === undefined) {
      throw new MockAdminError(400, `state must be one of ${DOCUMENT_STATES.map((s) => s.id).join(', ')}`);
    }
    return this.save({ ...doc, state });
  }

  /**
   * Answers an incoming document: creates a registered DMOutgoingDocument (summary = text,
   * addressee = the sender, author = the responsible, inReplyTo = the incoming document) with the
   * files, links it from the incoming document's `answerDocument` and sets that one `Исполнен`.
   * @throws MockAdminError 404, 409 when already answered, 400 for bad input
   */
  answer(id: string, input: ClerkAnswerInput): { incoming: AdminDocument; answer: AdminDocument } {
    const doc = this.incoming(id);
    if (doc.answerDocument) throw new MockAdminError(409, `document ${doc.id} is already answered by ${doc.answerDocument.id}`);
    const files = checkAnswer(input);

    const outId = randomUUID();
    const regNumber = input.number?.trim() ?? this.store.nextNumber('outgoing');
    const answer: DmOutgoingDocument = {
      type: 'DMOutgoingDocument',
      id: outId,
      title: `Ответ на ${doc.regNumber ? `вх. № ${doc.regNumber}` : `"${doc.title}"`}`,
      summary: input.text,
      externalObject: null,
      regNumber,
      regDate: this.store.nowLocal(),
      state: 'Зарегистрирован',
      modificationDateUniversal: this.store.nowUniversal(),
      addressee: doc.sender,
      author: doc.responsible,
      inReplyTo: { id: doc.id, type: doc.type, name: doc.title },
    };
    this.store.put(answer);
    const local = this.store.nowLocal();
    for (const f of files) {
      const dot = f.name.lastIndexOf('.');
      const content = Buffer.from(f.contentBase64, 'base64');
      const file: DmFile = {
        type: 'DMFile',
        id: randomUUID(),
        name: dot > 0 ? f.name.slice(0, dot) : f.name,
        extension: dot > 0 ? f.name.slice(dot + 1) : '',
        description: '',
        size: content.length,
        content,
        sha256: sha256Hex(content),
        mediaType: f.mediaType ?? null,
        owner: { id: outId, type: 'DMOutgoingDocument', name: answer.title },
        creationDate: local,
        modificationDate: local,
        modificationDateUniversal: this.store.nowUniversal(),
      };
      this.store.put(file);
    }
    const incoming = this.save({ ...doc, answerDocument: { id: outId, type: 'DMOutgoingDocument', name: answer.title }, state: 'Исполнен' });
    return { incoming, answer: this.document(outId) };
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
    return [
      { method: 'GET', path: base, handle: (ctx) => ({ body: { documents: this.documents({ type: ctx.query.get('type') ?? undefined }) } }) },
      {
        method: 'GET',
        path: `${base}/:id`,
        handle: (ctx) => ({ body: this.document(ctx.params.id, { withContent: ['1', 'true'].includes(ctx.query.get('withContent') ?? '') }) }),
      },
      {
        method: 'POST',
        path: `${base}/:id/register`,
        handle: (ctx) => {
          const b = body(ctx, ['number', 'date']);
          return { body: this.register(ctx.params.id, { number: b.number as string | undefined, date: b.date as string | undefined }) };
        },
      },
      {
        method: 'POST',
        path: `${base}/:id/assign`,
        handle: (ctx) => {
          const b = body(ctx, ['responsible']);
          if (b.responsible === undefined) throw new MockAdminError(400, 'responsible is required');
          return { body: this.assign(ctx.params.id, b.responsible as string) };
        },
      },
      {
        method: 'POST',
        path: `${base}/:id/status`,
        handle: (ctx) => {
          const b = body(ctx, ['state']);
          return { body: this.status(ctx.params.id, b.state as string) };
        },
      },
      {
        method: 'POST',
        path: `${base}/:id/answer`,
        handle: (ctx) => {
          const b = body(ctx, ['text', 'files', 'number']);
          return { status: 201, body: this.answer(ctx.params.id, b as unknown as ClerkAnswerInput) };
        },
      },
    ];
  }

  private find(id: string): DmDocument {
    const o = typeof id === 'string' ? this.store.latest(id) : undefined;
    if (!o || o.type === 'DMFile') throw new MockAdminError(404, `no document ${String(id).slice(0, 100)}`, { id });
    return o;
  }

  private incoming(id: string): DmIncomingDocument {
    const doc = this.find(id);
    if (doc.type !== 'DMIncomingDocument') throw new MockAdminError(409, `document ${doc.id} is a ${doc.type}, not a DMIncomingDocument`);
    return doc;
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
      regNumber: d.regNumber,
      regDate: d.regDate,
      state: d.state,
      stateName: stateName(d.state) ?? d.state,
      modificationDateUniversal: d.modificationDateUniversal,
      visibleToReadsAt: visibleAt === undefined ? null : new Date(visibleAt).toISOString(),
    };
    const files = this.store.filesOfLatest(d.id).map((f) => fileView(f, withContent));
    if (d.type === 'DMIncomingDocument') {
      return {
        ...common,
        sender: d.sender,
        incomingNumber: d.incomingNumber,
        incomingDate: d.incomingDate,
        responsible: d.responsible,
        answerDocument: d.answerDocument,
        files,
      };
    }
    return { ...common, addressee: d.addressee, author: d.author, inReplyTo: d.inReplyTo, files };
  }
}

function fileView(f: DmFile, withContent: boolean): AdminFile {
  return {
    id: f.id,
    name: f.name,
    extension: f.extension,
    fileName: f.extension ? `${f.name}.${f.extension}` : f.name,
    size: f.size,
    sha256: f.sha256,
    mediaType: f.mediaType,
    description: f.description,
    ...(withContent ? { contentBase64: f.content.toString('base64') } : {}),
  };
}

function checkAnswer(input: ClerkAnswerInput): ClerkFileInput[] {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null) throw new MockAdminError(400, 'answer must be an object');
  if (typeof input.text !== 'string' || input.text.trim() === '') problems.push('text must be a non-empty string');
  if (input.number !== undefined && (typeof input.number !== 'string' || input.number.trim() === '' || input.number.length > 64)) {
    problems.push('number must be a non-empty string of at most 64 characters');
  }
  const files = input.files ?? [];
  if (!Array.isArray(files)) problems.push('files must be an array');
  else {
    files.forEach((f, i) => {
      if (typeof f !== 'object' || f === null) return problems.push(`files[${i}] must be an object`);
      const extra = Object.keys(f).filter((k) => !['name', 'mediaType', 'contentBase64'].includes(k));
      if (extra.length > 0) problems.push(`files[${i}] has unknown field(s) ${extra.join(', ')}`);
      if (typeof f.name !== 'string' || f.name.trim() === '' || f.name.length > 255) problems.push(`files[${i}].name must be a non-empty string`);
      if (f.mediaType !== undefined && typeof f.mediaType !== 'string') problems.push(`files[${i}].mediaType must be a string`);
      const b64 = typeof f.contentBase64 === 'string' ? f.contentBase64.replace(/\s+/g, '') : null;
      if (b64 === null || !isBase64(b64)) problems.push(`files[${i}].contentBase64 must be base64`);
      return undefined;
    });
  }
  if (problems.length > 0) throw new MockAdminError(400, `invalid answer: ${problems.join('; ')}`, { problems });
  return files;
}
