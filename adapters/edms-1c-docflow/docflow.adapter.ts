import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  Adapter,
  AdapterContext,
  AppealSubmitted,
  ApplicationDocumentAdded,
  ApplicationDocumentKind,
  ApplicationStatus,
  ApplicationSubmitted,
  CloudEvent,
  FileRef,
  HandleOutcome,
  MAX_INLINE_FILE_BYTES,
  PermanentError,
  PollOutcome,
  ProbeResult,
  ResultEvent,
  SignatureFileRef,
  TransientError,
} from '../../contracts';
import {
  applicationDocument,
  applicationGuid,
  applicationKeysOf,
  ApplicationLink,
  authorOf,
  DEFAULT_APPLICATION_DOCUMENT_TYPE,
  DEFAULT_APPLICATION_STATES,
  DEFAULT_APPLICATION_TYPE,
  DEFAULT_DOCUMENT_KINDS,
  registeredResult,
  type ApplicationLanguage,
  relatedIdsOf,
  signatureDescription,
  signatureGuid,
  signedFileOf,
  statusResults,
} from './application.mapper';
import type { DocflowConfig } from './docflow.config';
import { classifyDmError, DmApplicationError } from './docflow.errors';
import { CONTENT_PLACEHOLDER } from './dm-content.codec';
import { fromDmLocal, fromDmUtc, toDmLocal } from './dm-date.codec';
import {
  answerIdOf,
  CarriedFile,
  DEFAULT_EXTERNAL_TYPE,
  documentGuid,
  fileGuid,
  incomingDocument,
  inlineFiles,
  mediaTypeOf,
  parseExternalId,
  resultKeysOf,
  resultKindOf,
  resultsOf,
  splitName,
  SYSTEM_ID,
} from './docflow.mapper';
import { advanceCursor, decodeCursor, encodeCursor, freshKinds, isStamp, PolledDocument, ResultKeys, windowStart } from './poll-cursor.codec';
import { DmNode, DmSoapClient, text1 } from './dm-soap.client';

type DocumentKind = 'DMIncomingDocument' | 'DMInternalDocument';

/** A file of a 1C document as listed (no content). */
interface ListedFile {
  id: string;
  fileName: string;
  size: number;
  description: string;
}

/**
 * 1С:Документооборот through DMService. Appeals become incoming documents and utility-connection
 * applications documents of the kind the tenant configures, each with a client-supplied object id
 * derived from the hub's own key, so a retry after an unknown outcome finds the document instead
 * of creating a second one; files and their detached signatures are added byte-exact, each under
 * its own derived id, streamed from the hub's file store. 1C has no callbacks: registration,
 * statuses, answers and documents the utility adds are read by `poll`.
 */
export class DocflowAdapter implements Adapter {
  private readonly client: DmSoapClient;
  private readonly externalType: string;
  private readonly timeZone: string;
  private readonly apps: {
    kind: DocumentKind;
    externalType: string;
    documentType: string;
    documentTypeId?: string;
    language: ApplicationLanguage;
    states: Readonly<Record<string, ApplicationStatus | 'none'>>;
    documentKinds: Readonly<Record<string, ApplicationDocumentKind>>;
  };

  constructor(
    private readonly config: DocflowConfig,
    private readonly ctx: AdapterContext,
  ) {
    this.client = new DmSoapClient(config);
    this.externalType = config.externalType ?? DEFAULT_EXTERNAL_TYPE;
    this.timeZone = config.timeZone ?? 'Europe/Kyiv';
    const a = config.applications ?? {};
    this.apps = {
      kind: a.documentKind ?? 'DMIncomingDocument',
      externalType: a.externalType ?? DEFAULT_APPLICATION_TYPE,
      documentType: a.documentType ?? DEFAULT_APPLICATION_DOCUMENT_TYPE,
      ...(a.documentTypeId ? { documentTypeId: a.documentTypeId } : {}),
      language: a.language ?? 'ru',
      states: { ...DEFAULT_APPLICATION_STATES, ...((a.states ?? {}) as Record<string, ApplicationStatus | 'none'>) },
      documentKinds: { ...DEFAULT_DOCUMENT_KINDS, ...((a.documentKinds ?? {}) as Record<string, ApplicationDocumentKind>) },
    };
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type === 'appeal.submitted') return this.appeal(event, event.data as AppealSubmitted, signal);
    if (event.type === 'application.submitted') return this.application(event, event.data as ApplicationSubmitted, signal);
    if (event.type === 'application.document-added') return this.documentAdded(event, event.data as ApplicationDocumentAdded, signal);
    throw new PermanentError(`edms.1c-docflow does not handle ${event.type}`);
  }

  private async appeal(event: CloudEvent, data: AppealSubmitted, signal: AbortSignal): Promise<HandleOutcome> {
    checkInline(data.files);
    // Every file the hub holds travels byte-exact; a URL file it did not fetch (no store, or a tenant without an allow-list) becomes a link in the summary.
    const files: FileRef[] = [];
    for (const f of data.files ?? []) if (f.contentBase64 || (this.ctx.files && (await this.ctx.files.has(f)))) files.push(f);
    const links = (data.files ?? []).filter((f) => !files.includes(f));
    const id = documentGuid(event);
    const owner = { '@_xsi:type': 'm:DMIncomingDocument', name: `Звернення ${data.caseRef}`, objectID: { id, type: 'DMIncomingDocument' } };
    const { existing, created } = await this.createOnce(
      id,
      'DMIncomingDocument',
      () => incomingDocument(event, { ...data, files: links }, { externalType: this.externalType, correspondentName: this.config.correspondentName, timeZone: this.timeZone }),
      signal,
    );
    let added = 0;
    for (const f of files) added += await this.addFile(owner, fileGuid(id, f.id), f.name, f.size, undefined, () => this.contentOf(f), signal);
    // A document registered by an earlier attempt (or at once, by an automatic rule) is reported now.
    const results = existing && !created ? resultsOf(existing, undefined, this.timeZone).filter((r) => r.type === 'appeal.registered') : [];
    return { results, summary: { request: { documentId: id, files: files.length }, response: { created, filesAdded: added } } };
  }

  /**
   * An application: its document (kind, "вид документа" and structured fields as configured),
   * then every file followed by its detached signatures, each looked up by its derived id first.
   */
  private async application(event: CloudEvent, data: ApplicationSubmitted, signal: AbortSignal): Promise<HandleOutcome> {
    checkInline(data.files);
    const kind = this.apps.kind;
    const id = applicationGuid(event.tenant, data.caseRef);
    const { existing, created } = await this.createOnce(
      id,
      kind,
      () =>
        applicationDocument(event, data, {
          kind,
          externalType: this.apps.externalType,
          documentType: this.apps.documentType,
          documentTypeId: this.apps.documentTypeId,
          timeZone: this.timeZone,
          language: this.apps.language,
        }),
      signal,
    );
    const owner = { '@_xsi:type': `m:${kind}`, name: `Заявка ${data.caseRef}`, objectID: { id, type: kind } };
    let added = 0;
    let signatures = 0;
    for (const f of data.files ?? []) {
      added += await this.addSigned(owner, id, f, signal);
      signatures += f.signatures?.length ?? 0;
    }
    const link: ApplicationLink = { tenant: event.tenant, caseRef: data.caseRef, documentId: id, system: SYSTEM_ID };
    const registered = existing && !created ? registeredResult(existing, link, this.timeZone) : undefined;
    return {
      results: registered ? [registered] : [],
      summary: { request: { documentId: id, kind, files: data.files?.length ?? 0, signatures }, response: { created, filesAdded: added } },
    };
  }

  /** A document the applicant added later: its file and signatures join the application's document. */
  private async documentAdded(event: CloudEvent, data: ApplicationDocumentAdded, signal: AbortSignal): Promise<HandleOutcome> {
    // One the back office added (it carries `system`) came from 1C and is not sent back there.
    if (data.system) return { results: [], summary: { request: { skipped: 'back-office document' } } };
    checkInline([data.document]);
    const kind = this.apps.kind;
    const id = applicationGuid(event.tenant, data.caseRef);
    if (!(await this.retrieve(id, kind, signal))) {
      // The submission may still be on its way (or 1C has not made it visible yet): try again later.
      throw new TransientError(`application ${data.caseRef} has no document in 1C yet`);
    }
    const owner = { '@_xsi:type': `m:${kind}`, name: `Заявка ${data.caseRef}`, objectID: { id, type: kind } };
    const added = await this.addSigned(owner, id, data.document, signal);
    return { results: [], summary: { request: { documentId: id, files: 1, signatures: data.document.signatures?.length ?? 0 }, response: { filesAdded: added } } };
  }

  /**
   * Documents changed since the cursor's window start (see poll-cursor.codec.ts): each reports
   * only what differs from what was last reported for it, so the overlap does not repeat results
   * and a poll that finds nothing new returns no results and the same cursor.
   */
  async poll(cursor: string | undefined, signal: AbortSignal): Promise<PollOutcome> {
    const state = decodeCursor(cursor);
    const since = windowStart(state);
    const kinds: DocumentKind[] = this.apps.kind === 'DMIncomingDocument' ? ['DMIncomingDocument'] : ['DMIncomingDocument', this.apps.kind];
    const stampOf = (d: DmNode) => text1(d.modificationDateUniversal).slice(0, 19);
    const results: ResultEvent[] = [];
    const polled: PolledDocument[] = [];
    let truncatedAt: string | undefined;
    for (const kind of kinds) {
      const ret = await this.list(kind, since, signal);
      const items = ((ret.items as DmNode[] | undefined) ?? []).flatMap((i) => (i.object as DmNode[] | undefined) ?? []);
      // Some publications ignore the filters (observed in the field), so they are applied here too.
      for (const doc of items) {
        const type = text1((doc.externalObject as DmNode | undefined)?.type);
        if (!isStamp(stampOf(doc)) || stampOf(doc) < since) continue;
        const id = text1((doc.objectID as DmNode | undefined)?.id);
        if (type === this.apps.externalType) polled.push({ id, stamp: stampOf(doc), reported: await this.pollApplication(doc, state, results, signal) });
        else if (type === this.externalType && kind === 'DMIncomingDocument') polled.push({ id, stamp: stampOf(doc), reported: await this.pollAppeal(doc, state, results, signal) });
      }
      if (text1(ret.tooManyObjects) === 'true') {
        const cut = items.map(stampOf).filter(isStamp).sort().pop();
        // With two lists, the next window starts at the earlier cut: the other list's overlap is de-duplicated by the cursor.
        if (cut && (truncatedAt === undefined || cut < truncatedAt)) truncatedAt = cut;
      }
    }
    if (truncatedAt !== undefined && truncatedAt <= since) {
      // Every document returned carries the window's first second: the next poll would get the same page.
      this.ctx.logger.warn({ event: 'docflow.poll-stuck', since, limit: this.config.pollLimit ?? 100 }, 'more documents changed in one second than a poll returns; raise pollLimit');
    }
    return { results, cursor: encodeCursor(advanceCursor(state, { documents: polled, ...(truncatedAt ? { truncatedAt } : {}) })) };
  }

  private async list(type: DocumentKind, since: string, signal: AbortSignal): Promise<DmNode> {
    try {
      return await this.client.execute(
        'DMGetObjectListRequest',
        {
          ...this.db(),
          type,
          query: {
            conditions: [{ property: 'modificationDateUniversal', value: { '@_xsi:type': 'xs:dateTime', '#text': since }, comparisonOperator: '>=' }],
            limit: this.config.pollLimit ?? 100,
          },
        },
        signal,
      );
    } catch (e) {
      throw this.classified(e);
    }
  }

  /** An appeal's registration, status and answer, each when it differs from what was last reported. */
  private async pollAppeal(doc: DmNode, state: ReturnType<typeof decodeCursor>, results: ResultEvent[], signal: AbortSignal): Promise<ResultKeys> {
    const id = text1((doc.objectID as DmNode | undefined)?.id);
    const keys = resultKeysOf(doc, this.timeZone);
    const fresh = new Set(freshKinds(state, id, keys));
    const reported: ResultKeys = {};
    if (!fresh.size) return reported;
    const tenant = parseExternalId(text1((doc.externalObject as DmNode | undefined)?.id))?.tenant ?? '';
    const answerId = fresh.has('answered') ? answerIdOf(doc) : undefined;
    const answer = answerId ? await this.answer(answerId, tenant, signal) : undefined;
    // An answer not readable yet is not reported, so it stays fresh for the next poll.
    if (!answer) fresh.delete('answered');
    for (const r of resultsOf(doc, answer, this.timeZone)) {
      const kind = resultKindOf(r);
      if (!fresh.has(kind)) continue;
      results.push(r);
      reported[kind] = keys[kind];
    }
    return reported;
  }

  /**
   * An application's registration, its state history (every entry mapped to a status, with its
   * author) and the documents the utility linked to it. Each result carries a key, so entries
   * seen again (the history is reported whole when it grows) are applied once by the hub.
   */
  private async pollApplication(doc: DmNode, state: ReturnType<typeof decodeCursor>, results: ResultEvent[], signal: AbortSignal): Promise<ResultKeys> {
    const id = text1((doc.objectID as DmNode | undefined)?.id);
    const ext = parseExternalId(text1((doc.externalObject as DmNode | undefined)?.id));
    if (!ext) return {};
    const link: ApplicationLink = { tenant: ext.tenant, caseRef: ext.caseRef, documentId: id, system: SYSTEM_ID };
    const keys = applicationKeysOf(doc, this.timeZone);
    const fresh = new Set(freshKinds(state, id, keys));
    const reported: ResultKeys = {};
    const found: ResultEvent[] = [];
    if (fresh.has('registered')) {
      const r = registeredResult(doc, link, this.timeZone);
      if (r) found.push(r);
      reported.registered = keys.registered;
    }
    if (fresh.has('status')) {
      found.push(...statusResults(doc, link, this.apps.states, this.timeZone));
      reported.status = keys.status;
    }
    if (fresh.has('documents')) {
      const added = await this.relatedDocuments(doc, link, signal);
      // A related document not readable yet is not reported, so the list stays fresh for the next poll.
      if (added) {
        found.push(...added);
        reported.documents = keys.documents;
      }
    }
    // In the order things happened in 1C (the history the applicant sees); a tie keeps registration, states, documents.
    results.push(...sortedByTime(found));
    return reported;
  }

  /**
   * `application.document-added` for every file of every outgoing document linked to the
   * application, with its detached signatures, skipping those the hub has already applied (no
   * download for them). Undefined when a linked document cannot be read yet.
   */
  private async relatedDocuments(doc: DmNode, link: ApplicationLink, signal: AbortSignal): Promise<ResultEvent[] | undefined> {
    const out: ResultEvent[] = [];
    for (const outId of relatedIdsOf(doc)) {
      const files = await this.filesOf(outId, 'DMOutgoingDocument', signal);
      const signaturesOf = new Map<string, ListedFile[]>();
      const mains: ListedFile[] = [];
      for (const f of files) {
        const signed = signedFileOf(f.description);
        if (signed) signaturesOf.set(signed, [...(signaturesOf.get(signed) ?? []), f]);
        else mains.push(f);
      }
      const keyOf = (f: ListedFile) => `${outId}/file/${f.id}`;
      const known = (await this.ctx.results?.known(mains.map(keyOf))) ?? new Set<string>();
      const todo = mains.filter((f) => !known.has(keyOf(f)));
      if (!todo.length) continue;
      const outgoing = await this.retrieve(outId, 'DMOutgoingDocument', signal);
      if (!outgoing) return undefined;
      const typeName = text1((outgoing.documentType as DmNode | undefined)?.name);
      const kind: ApplicationDocumentKind = this.apps.documentKinds[typeName] ?? 'other';
      const addedAt = fromDmLocal(text1(outgoing.regDate), this.timeZone) ?? fromDmUtc(text1(outgoing.modificationDateUniversal)) ?? this.ctx.now().toISOString();
      const title = text1(outgoing.title) || text1(outgoing.name);
      for (const f of todo) {
        const kept = await this.download(f, link.tenant, signal);
        const signatures: SignatureFileRef[] = [];
        for (const s of signaturesOf.get(f.id) ?? []) {
          const sig = await this.download(s, link.tenant, signal);
          signatures.push({ id: s.id, ...sig, format: /\.xml$/i.test(s.fileName) ? 'xades' : 'cades' } as SignatureFileRef);
        }
        out.push({
          type: 'application.document-added',
          tenant: link.tenant,
          caseRef: link.caseRef,
          occurredAt: addedAt,
          key: keyOf(f),
          data: {
            caseRef: link.caseRef,
            document: { id: f.id, ...kept, ...(signatures.length ? { signatures } : {}) } as FileRef,
            kind,
            ...(title ? { title: title.slice(0, 300) } : {}),
            author: authorOf(outgoing.author as DmNode | undefined),
            addedAt,
            system: SYSTEM_ID,
            externalId: outId,
          },
        });
      }
    }
    return out;
  }

  async probe(): Promise<ProbeResult> {
    try {
      const ret = await this.client.execute('DMGetVersionRequest', {}, AbortSignal.timeout(10_000));
      return { ok: true, detail: `DMService ${text1(ret.versionNumber)}` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  /** Looks the document up by its derived id and creates it only when 1C does not have it. */
  private async createOnce(id: string, type: string, object: () => Record<string, unknown>, signal: AbortSignal): Promise<{ existing: DmNode | null; created: boolean }> {
    const existing = await this.retrieve(id, type, signal);
    if (existing) return { existing, created: false };
    try {
      const ret = await this.client.execute('DMCreateRequest', { ...this.db(), object: object() }, signal);
      return { existing: (ret.object as DmNode | undefined) ?? null, created: true };
    } catch (e) {
      // Created by an earlier attempt whose answer was lost, and not yet visible to reads.
      if (e instanceof DmApplicationError && e.isAlreadyExists) return { existing: null, created: false };
      throw this.classified(e);
    }
  }

  /** A file and then each of its detached signatures (a DMFile whose description names the signed file). */
  private async addSigned(owner: Record<string, unknown>, documentId: string, f: FileRef, signal: AbortSignal): Promise<number> {
    const fid = fileGuid(documentId, f.id);
    let added = await this.addFile(owner, fid, f.name, f.size, undefined, () => this.contentOf(f), signal);
    for (const s of f.signatures ?? []) {
      added += await this.addFile(owner, signatureGuid(fid, s.id), s.name, s.size, signatureDescription(f.name, fid), () => this.contentOf(s), signal);
    }
    return added;
  }

  /** Adds one file byte-exact (streamed) unless 1C has it already; 1 when added. */
  private async addFile(
    owner: Record<string, unknown>,
    fid: string,
    fileName: string,
    size: number,
    description: string | undefined,
    open: () => Promise<Readable>,
    signal: AbortSignal,
  ): Promise<number> {
    if (await this.retrieve(fid, 'DMFile', signal)) return 0;
    const { name, extension } = splitName(fileName);
    try {
      await this.client.executeWithContent(
        'DMAddFileRequest',
        {
          ...this.db(),
          file: {
            name,
            objectID: { id: fid, type: 'DMFile' },
            extension,
            size,
            ...(description ? { description } : {}),
            creationDate: toDmLocal(this.ctx.now(), this.timeZone),
            binaryData: CONTENT_PLACEHOLDER,
          },
          owner,
        },
        await open(),
        size,
        signal,
      );
      return 1;
    } catch (e) {
      if (e instanceof DmApplicationError && e.isAlreadyExists) return 0;
      throw this.classified(e);
    }
  }

  /** The content of a file of the event: inline, or from the hub's file store. */
  private async contentOf(ref: { sha256: string; size: number; contentBase64?: string; url?: string }): Promise<Readable> {
    if (ref.contentBase64) return Readable.from([Buffer.from(ref.contentBase64, 'base64')]);
    if (!this.ctx.files) throw new PermanentError('a file given by URL needs the hub file store, which this host does not offer');
    return this.ctx.files.open(ref);
  }

  /** The files of a document, without content. */
  private async filesOf(id: string, type: string, signal: AbortSignal): Promise<ListedFile[]> {
    let list: DmNode;
    try {
      list = await this.client.execute(
        'DMGetFileListByOwnerRequest',
        { ...this.db(), owners: [{ '@_xsi:type': `m:${type}`, name: { '@_xsi:nil': 'true' }, objectID: { id, type } }], columnSet: ['name', 'extension', 'size', 'description'] },
        signal,
      );
    } catch (e) {
      throw this.classified(e);
    }
    return ((list.files as DmNode[] | undefined) ?? [])
      .map((f) => {
        const ext = text1(f.extension);
        return { id: text1((f.objectID as DmNode | undefined)?.id), fileName: ext ? `${text1(f.name)}.${ext}` : text1(f.name), size: Number(text1(f.size)), description: text1(f.description) };
      })
      .filter((f) => f.id);
  }

  /**
   * One DMFile's content, streamed from 1C's answer into the hub's file store (inline when small);
   * its decoded length must equal the size 1C declared, as 1C clients check.
   */
  private async download(f: ListedFile, tenant: string, signal: AbortSignal): Promise<CarriedFile> {
    const mediaType = mediaTypeOf(f.fileName);
    const files = this.ctx.files;
    const body = { ...this.db(), objectIds: [{ id: f.id, type: 'DMFile' }], columnSet: ['name', 'extension', 'size', 'binaryData'] };
    let kept: CarriedFile | undefined;
    try {
      kept = await this.client.executeForContent('DMRetrieveRequest', body, signal, async (content): Promise<CarriedFile> => {
        if (files) return files.keep(content, { tenant, name: f.fileName, mediaType }, { size: f.size });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const c of content) {
          size += (c as Buffer).length;
          if (size > MAX_INLINE_FILE_BYTES) throw new PermanentError(`1C file ${f.id} is larger than ${MAX_INLINE_FILE_BYTES} bytes and this host has no file store`);
          chunks.push(c as Buffer);
        }
        const bytes = Buffer.concat(chunks);
        if (bytes.length !== f.size) throw new PermanentError(`1C file ${f.id}: ${bytes.length} bytes decoded, ${f.size} declared`);
        return { name: f.fileName, mediaType, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentBase64: bytes.toString('base64') };
      });
    } catch (e) {
      if (e instanceof DmApplicationError && e.isNotFound) throw new TransientError(`1C file ${f.id} is listed but cannot be read yet`);
      throw this.classified(e);
    }
    if (!kept) throw new TransientError(`1C answered without the content of file ${f.id}`);
    return { ...kept, name: f.fileName, mediaType };
  }

  /** The answer document and its files (kept in the hub's store when large). */
  private async answer(id: string, tenant: string, signal: AbortSignal): Promise<{ doc: DmNode; files: CarriedFile[] } | undefined> {
    const doc = await this.retrieve(id, 'DMOutgoingDocument', signal);
    if (!doc) return undefined;
    const files: CarriedFile[] = [];
    for (const f of await this.filesOf(id, 'DMOutgoingDocument', signal)) files.push(await this.download(f, tenant, signal));
    return { doc, files };
  }

  /** One object by id, or null when 1C says it does not exist. */
  private async retrieve(id: string, type: string, signal: AbortSignal, columnSet?: string[]): Promise<DmNode | null> {
    try {
      const ret = await this.client.execute('DMRetrieveRequest', { ...this.db(), objectIds: [{ id, type }], ...(columnSet ? { columnSet } : {}) }, signal);
      const objects = (ret.objects as DmNode[] | undefined) ?? [];
      return objects[0] ?? null;
    } catch (e) {
      if (e instanceof DmApplicationError && e.isNotFound) return null;
      throw this.classified(e);
    }
  }

  private db(): Record<string, unknown> {
    return this.config.dataBaseId ? { dataBaseID: this.config.dataBaseId } : {};
  }

  private classified(e: unknown): unknown {
    return e instanceof DmApplicationError ? classifyDmError(e) : e;
  }
}

/** Inline content must match its declared size and sha256 (checked before anything is created in 1C). */
function checkInline(files: readonly (FileRef | undefined)[] | undefined): void {
  const list = (files ?? []).filter((f): f is FileRef => f !== undefined);
  try {
    inlineFiles({ files: list });
    for (const f of list) inlineFiles({ files: (f.signatures ?? []) as unknown as FileRef[] });
  } catch (e) {
    throw new PermanentError((e as Error).message);
  }
}

/** A stable sort by `occurredAt`; one that does not parse goes to the end. */
function sortedByTime(results: ResultEvent[]): ResultEvent[] {
  const at = (r: ResultEvent) => {
    const t = Date.parse(r.occurredAt);
    return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
  };
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => at(a.r) - at(b.r) || a.i - b.i)
    .map(({ r }) => r);
}
