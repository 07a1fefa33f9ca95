import { Adapter, AdapterContext, AppealSubmitted, CloudEvent, HandleOutcome, PermanentError, PollOutcome, ProbeResult, ResultEvent } from '../../contracts';
import type { DocflowConfig } from './docflow.config';
import { classifyDmError, DmApplicationError } from './docflow.errors';
import { toDmLocal } from './dm-date.codec';
import { answerIdOf, DEFAULT_EXTERNAL_TYPE, documentGuid, fileGuid, incomingDocument, inlineFiles, resultKeysOf, resultKindOf, resultsOf } from './docflow.mapper';
import { advanceCursor, decodeCursor, encodeCursor, freshKinds, isStamp, PolledDocument, ResultKeys, windowStart } from './poll-cursor.codec';
import { DmNode, DmSoapClient, text1 } from './dm-soap.client';

/**
 * 1С:Документооборот through DMService. Appeals become incoming documents with a client-supplied
 * object id derived from the appeal, so a retry after an unknown outcome finds the document
 * instead of creating a second one; files are added byte-exact, each under its own derived id.
 * 1C has no callbacks: registration, status changes and answers are read by `poll`.
 */
export class DocflowAdapter implements Adapter {
  private readonly client: DmSoapClient;
  private readonly externalType: string;
  private readonly timeZone: string;

  constructor(
    private readonly config: DocflowConfig,
    private readonly ctx: AdapterContext,
  ) {
    this.client = new DmSoapClient(config);
    this.externalType = config.externalType ?? DEFAULT_EXTERNAL_TYPE;
    this.timeZone = config.timeZone ?? 'Europe/Kyiv';
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type !== 'appeal.submitted') throw new PermanentError(`edms.1c-docflow does not handle ${event.type}`);
    const data = event.data as AppealSubmitted;
    let files: ReturnType<typeof inlineFiles>;
    try {
      files = inlineFiles(data);
    } catch (e) {
      throw new PermanentError((e as Error).message);
    }
    const id = documentGuid(event);
    let existing = await this.retrieve(id, 'DMIncomingDocument', signal);
    let created = false;
    if (!existing) {
      try {
        const ret = await this.client.execute(
          'DMCreateRequest',
          { ...this.db(), object: incomingDocument(event, data, { externalType: this.externalType, correspondentName: this.config.correspondentName, timeZone: this.timeZone }) },
          signal,
        );
        existing = (ret.object as DmNode | undefined) ?? null;
        created = true;
      } catch (e) {
        // Created by an earlier attempt whose answer was lost, and not yet visible to reads.
        if (!(e instanceof DmApplicationError && e.isAlreadyExists)) throw this.classified(e);
      }
    }
    let added = 0;
    for (const f of files) {
      const fid = fileGuid(id, f.id);
      if (await this.retrieve(fid, 'DMFile', signal)) continue;
      try {
        await this.client.execute(
          'DMAddFileRequest',
          {
            ...this.db(),
            file: {
              name: f.name,
              objectID: { id: fid, type: 'DMFile' },
              extension: f.extension,
              size: f.bytes.length,
              creationDate: toDmLocal(this.ctx.now(), this.timeZone),
              binaryData: f.bytes.toString('base64'),
            },
            owner: { '@_xsi:type': 'm:DMIncomingDocument', name: `Звернення ${data.caseRef}`, objectID: { id, type: 'DMIncomingDocument' } },
          },
          signal,
        );
        added++;
      } catch (e) {
        if (!(e instanceof DmApplicationError && e.isAlreadyExists)) throw this.classified(e);
      }
    }
    // A document registered by an earlier attempt (or at once, by an automatic rule) is reported now.
    const results = existing && !created ? resultsOf(existing, undefined, this.timeZone).filter((r) => r.type === 'appeal.registered') : [];
    return { results, summary: { request: { documentId: id, files: files.length }, response: { created, filesAdded: added } } };
  }

  /**
   * Documents changed since the cursor's window start (see poll-cursor.codec.ts): each reports
   * only what differs from what was last reported for it, so the overlap does not repeat results
   * and a poll that finds nothing new returns no results and the same cursor.
   */
  async poll(cursor: string | undefined, signal: AbortSignal): Promise<PollOutcome> {
    const state = decodeCursor(cursor);
    const since = windowStart(state);
    let ret: DmNode;
    try {
      ret = await this.client.execute(
        'DMGetObjectListRequest',
        {
          ...this.db(),
          type: 'DMIncomingDocument',
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
    const items = ((ret.items as DmNode[] | undefined) ?? []).flatMap((i) => (i.object as DmNode[] | undefined) ?? []);
    const stampOf = (d: DmNode) => text1(d.modificationDateUniversal).slice(0, 19);
    // Some publications ignore the filters (observed in the field), so they are applied here too.
    const docs = items.filter((d) => text1((d.externalObject as DmNode | undefined)?.type) === this.externalType && isStamp(stampOf(d)) && stampOf(d) >= since);
    const results: ResultEvent[] = [];
    const polled: PolledDocument[] = [];
    for (const doc of docs) {
      const id = text1((doc.objectID as DmNode | undefined)?.id);
      const keys = resultKeysOf(doc, this.timeZone);
      const fresh = new Set(freshKinds(state, id, keys));
      const reported: ResultKeys = {};
      if (fresh.size) {
        const answerId = fresh.has('answered') ? answerIdOf(doc) : undefined;
        const answer = answerId ? await this.answer(answerId, signal) : undefined;
        // An answer not readable yet is not reported, so it stays fresh for the next poll.
        if (!answer) fresh.delete('answered');
        for (const r of resultsOf(doc, answer, this.timeZone)) {
          const kind = resultKindOf(r);
          if (!fresh.has(kind)) continue;
          results.push(r);
          reported[kind] = keys[kind];
        }
      }
      polled.push({ id, stamp: stampOf(doc), reported });
    }
    const truncatedAt = text1(ret.tooManyObjects) === 'true' ? items.map(stampOf).filter(isStamp).sort().pop() : undefined;
    if (truncatedAt !== undefined && truncatedAt <= since) {
      // Every document returned carries the window's first second: the next poll would get the same page.
      this.ctx.logger.warn({ event: 'docflow.poll-stuck', since, limit: this.config.pollLimit ?? 100 }, 'more documents changed in one second than a poll returns; raise pollLimit');
    }
    return { results, cursor: encodeCursor(advanceCursor(state, { documents: polled, ...(truncatedAt ? { truncatedAt } : {}) })) };
  }

  async probe(): Promise<ProbeResult> {
    try {
      const ret = await this.client.execute('DMGetVersionRequest', {}, AbortSignal.timeout(10_000));
      return { ok: true, detail: `DMService ${text1(ret.versionNumber)}` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  /** The answer document and its files with content. */
  private async answer(id: string, signal: AbortSignal): Promise<{ doc: DmNode; files: { name: string; bytes: Buffer }[] } | undefined> {
    const doc = await this.retrieve(id, 'DMOutgoingDocument', signal);
    if (!doc) return undefined;
    let list: DmNode;
    try {
      list = await this.client.execute(
        'DMGetFileListByOwnerRequest',
        { ...this.db(), owners: [{ '@_xsi:type': 'm:DMOutgoingDocument', name: text1(doc.name), objectID: { id, type: 'DMOutgoingDocument' } }], columnSet: ['name', 'extension', 'size'] },
        signal,
      );
    } catch (e) {
      throw this.classified(e);
    }
    const refs = ((list.files as DmNode[] | undefined) ?? []).map((f) => text1((f.objectID as DmNode | undefined)?.id)).filter(Boolean);
    const files: { name: string; bytes: Buffer }[] = [];
    for (const fid of refs) {
      const f = await this.retrieve(fid, 'DMFile', signal, ['name', 'extension', 'size', 'binaryData']);
      if (!f) continue;
      const bytes = Buffer.from(text1(f.binaryData), 'base64');
      // 1C clients check the decoded size against the declared one; so does this adapter.
      if (bytes.length !== Number(text1(f.size))) throw new PermanentError(`1C file ${fid}: ${bytes.length} bytes decoded, ${text1(f.size)} declared`);
      const ext = text1(f.extension);
      files.push({ name: ext ? `${text1(f.name)}.${ext}` : text1(f.name), bytes });
    }
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
