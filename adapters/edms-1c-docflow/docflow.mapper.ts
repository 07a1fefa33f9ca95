import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { AppealSubmitted, CloudEvent, FileRef, ResultEvent } from '../../contracts';
import { fromDmLocal, fromDmUtc, toDmLocal } from './dm-date.codec';
import { DmNode, text1, typeOf } from './dm-soap.client';
import type { ResultKeys, ResultKind } from './poll-cursor.codec';
import { termKeyOf, termResults } from './term.mapper';

/** The system id results carry (`data.system`). */
export const SYSTEM_ID = 'edms.1c-docflow';
/** Default `externalObject.type` of documents the hub creates. */
export const DEFAULT_EXTERNAL_TYPE = 'cabinet-hub.appeal';

// Fixed namespace: the same appeal always maps to the same 1C object id, in every hub instance.
const NAMESPACE = '6f2c1a44-1c1d-5d0c-9b0e-3c6a8f1e2d10';

/** The client-supplied 1C object id of an appeal's incoming document (retries find it instead of creating another). */
export function documentGuid(event: Pick<CloudEvent, 'source' | 'id'>): string {
  return uuidv5(`${event.source}\n${event.id}`, NAMESPACE);
}

/** A file name as 1C keeps it: the name without its extension, and the extension. */
export function splitName(fileName: string): { name: string; extension: string } {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? { name: fileName.slice(0, dot), extension: fileName.slice(dot + 1) } : { name: fileName, extension: '' };
}

/** The client-supplied id of one attached file. */
export function fileGuid(documentId: string, fileId: string): string {
  return uuidv5(`${documentId}\n${fileId}`, NAMESPACE);
}

/** `externalObject.id` links the 1C document back to the hub's case: `<tenant>/<caseRef>`. */
export function externalId(tenant: string, caseRef: string): string {
  return `${tenant}/${caseRef}`;
}

/** Reads `<tenant>/<caseRef>` back; undefined for documents the hub did not create. */
export function parseExternalId(id: string): { tenant: string; caseRef: string } | undefined {
  const i = id.indexOf('/');
  return i > 0 ? { tenant: id.slice(0, i), caseRef: id.slice(i + 1) } : undefined;
}

/** The DMIncomingDocument for an appeal. Personal data goes to the EDMS (that is its job), never to logs. */
export function incomingDocument(event: CloudEvent, data: AppealSubmitted, opts: { externalType: string; correspondentName?: string; timeZone: string }): Record<string, unknown> {
  const id = documentGuid(event);
  // Files given by URL that the hub did not fetch reach the clerk as links in the summary.
  const byUrl = (data.files ?? []).filter((f) => 'url' in f && f.url);
  const links = byUrl.length ? `\n\nФайли за посиланнями:\n${byUrl.map((f) => `${f.name}: ${(f as { url: string }).url}`).join('\n')}` : '';
  return {
    '@_xsi:type': 'm:DMIncomingDocument',
    name: `Звернення ${data.caseRef}`,
    objectID: { id, type: 'DMIncomingDocument' },
    externalObject: { name: data.caseRef, id: externalId(event.tenant, data.caseRef), type: opts.externalType },
    title: `${data.topic?.title ?? data.kind} — ${data.caseRef}`.slice(0, 250),
    summary: `${data.text}${links}`,
    sender: { name: opts.correspondentName ?? data.applicant.name.full, objectID: { id: '', type: 'DMCorrespondent' } },
    incomingNumber: data.caseRef,
    incomingDate: toDmLocal(data.submittedAt ?? event.time, opts.timeZone),
  };
}

/** Inline files with their bytes, checked against the declared size and sha256. */
export function inlineFiles(data: { files?: readonly FileRef[] }): { id: string; name: string; extension: string; bytes: Buffer }[] {
  return (data.files ?? [])
    .filter((f) => 'contentBase64' in f && f.contentBase64)
    .map((f) => {
      const bytes = Buffer.from((f as { contentBase64: string }).contentBase64, 'base64');
      const dot = f.name.lastIndexOf('.');
      return { id: f.id, name: dot > 0 ? f.name.slice(0, dot) : f.name, extension: dot > 0 ? f.name.slice(dot + 1) : '', bytes, size: f.size, sha256: f.sha256 };
    })
    .map((f) => {
      if (f.bytes.length !== f.size || createHash('sha256').update(f.bytes).digest('hex') !== f.sha256) throw new Error(`file ${f.id}: content does not match its size/sha256`);
      return { id: f.id, name: f.name, extension: f.extension, bytes: f.bytes };
    });
}

const STATE_TO_STATUS: Record<string, string> = {
  НаРассмотрении: 'in-progress',
  НаИсполнении: 'in-progress',
  Исполнен: 'processed',
  Отложен: 'postponed',
  Отклонен: 'rejected',
  Перенаправлен: 'forwarded',
};

/** What a polled incoming document says about its case: registered, status changes, answered. */
/** A file of an answer or a document as results carry it: inline when small, else a download link. */
export type CarriedFile = { name: string; mediaType: string; size: number; sha256: string } & ({ contentBase64: string } | { url: string });

export function resultsOf(doc: DmNode, answer: { doc: DmNode; files: CarriedFile[] } | undefined, timeZone: string): ResultEvent[] {
  const link = parseExternalId(text1((doc.externalObject as DmNode | undefined)?.id));
  if (!link) return [];
  const { tenant, caseRef } = link;
  const documentId = text1((doc.objectID as DmNode | undefined)?.id);
  const results: ResultEvent[] = [];
  const registeredAt = fromDmLocal(text1(doc.regDate), timeZone);
  const regNumber = text1(doc.regNumber);
  if (registeredAt && regNumber) {
    results.push({ type: 'appeal.registered', tenant, caseRef, occurredAt: registeredAt, data: { caseRef, system: SYSTEM_ID, externalId: documentId, registrationNumber: regNumber, registeredAt } });
  }
  const stateId = text1(((doc.state as DmNode | undefined)?.objectID as DmNode | undefined)?.id);
  const status = STATE_TO_STATUS[stateId];
  const changedAt = fromDmUtc(text1(doc.modificationDateUniversal));
  const responsible = text1((doc.responsible as DmNode | undefined)?.name);
  const author = responsible ? { kind: 'employee' as const, name: responsible } : { kind: 'system' as const, name: '1С:Документооборот' };
  if (status && changedAt && !(status === 'processed' && answer)) {
    results.push({ type: 'appeal.status-changed', tenant, caseRef, occurredAt: changedAt, data: { caseRef, status, changedAt, author, system: SYSTEM_ID, externalId: documentId } as never });
  }
  results.push(...termResults(doc, { tenant, caseRef, documentId, system: SYSTEM_ID }, timeZone));
  if (answer) {
    const answeredAt = fromDmLocal(text1(answer.doc.regDate), timeZone) ?? changedAt ?? new Date().toISOString();
    const files = answer.files.map((f, i) => ({ id: `${documentId}-a${i + 1}`, ...f }));
    results.push({
      type: 'appeal.answered',
      tenant,
      caseRef,
      occurredAt: answeredAt,
      data: {
        caseRef,
        text: text1(answer.doc.summary) || '—',
        files,
        ...(text1(answer.doc.regNumber) ? { registrationNumber: text1(answer.doc.regNumber) } : {}),
        answeredAt,
        author,
        system: SYSTEM_ID,
        externalId: documentId,
      } as never,
    });
  }
  return results;
}

/**
 * What `resultsOf` would report for this document version, one value per kind, read from the
 * incoming document alone (no answer fetched): the poll cursor compares these with what it last
 * reported, so only a changed registration, status or answer is reported again.
 */
export function resultKeysOf(doc: DmNode, timeZone: string): ResultKeys {
  if (!parseExternalId(text1((doc.externalObject as DmNode | undefined)?.id))) return {};
  const keys: ResultKeys = {};
  const registeredAt = fromDmLocal(text1(doc.regDate), timeZone);
  const regNumber = text1(doc.regNumber);
  if (registeredAt && regNumber) keys.registered = `${regNumber}\n${registeredAt}`;
  const answerId = answerIdOf(doc);
  const status = STATE_TO_STATUS[text1(((doc.state as DmNode | undefined)?.objectID as DmNode | undefined)?.id)];
  // As in resultsOf: "processed" is not reported separately when there is an answer.
  if (status && fromDmUtc(text1(doc.modificationDateUniversal)) && !(status === 'processed' && answerId)) keys.status = status;
  if (answerId) keys.answered = answerId;
  const term = termKeyOf(doc, timeZone);
  if (term) keys.term = term;
  return keys;
}

/** The cursor's kind of a result `resultsOf` made. */
export function resultKindOf(result: ResultEvent): ResultKind {
  if (result.type === 'appeal.deadline-changed') return 'term';
  return result.type === 'appeal.registered' ? 'registered' : result.type === 'appeal.answered' ? 'answered' : 'status';
}

/** The linked answer document's id, if the incoming document has one. */
export function answerIdOf(doc: DmNode): string | undefined {
  const ref = doc.answerDocument as DmNode | undefined;
  const id = text1((ref?.objectID as DmNode | undefined)?.id);
  return id || undefined;
}

/** Whether a node is an object of the given 1C type. */
export function isType(node: unknown, type: string): boolean {
  return typeOf(node) === type || text1(((node as DmNode | undefined)?.objectID as DmNode | undefined)?.type) === type;
}

/** Media type by file extension; 1C keeps none. */
export function mediaTypeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return (
    {
      pdf: 'application/pdf',
      p7s: 'application/pkcs7-signature',
      sig: 'application/pkcs7-signature',
      xml: 'application/xml',
      zip: 'application/zip',
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      png: 'image/png',
      doc: 'application/msword',
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      txt: 'text/plain',
    }[ext] ?? 'application/octet-stream'
  );
}
