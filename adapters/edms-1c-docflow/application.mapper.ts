import { v5 as uuidv5 } from 'uuid';
import type { ApplicationDocumentKind, ApplicationStatus, ApplicationSubmitted, Author, CloudEvent, ResultEvent } from '../../contracts';
import { fromDmLocal, toDmLocal } from './dm-date.codec';
import { DmNode, text1 } from './dm-soap.client';
import type { ResultKeys } from './poll-cursor.codec';

/**
 * Utility-connection applications (seeds 000 and 002) as 1C documents, and what 1C says about
 * them back. Element names beyond the public DMService model are assumptions shared with the
 * mock's README (mocks/1c-docflow/README.md, "Utility-connection applications").
 */

/** Default `externalObject.type` of application documents. */
export const DEFAULT_APPLICATION_TYPE = 'cabinet-hub.application';
/** Default "вид документа" of application documents. */
export const DEFAULT_APPLICATION_DOCUMENT_TYPE = 'Заявка на технологическое присоединение';

const NAMESPACE = '0b7e5d8a-3c41-5f2e-a6d9-14c2e8b07f35';

/**
 * The client-supplied 1C id of an application's document, from its case: a document added later
 * by the applicant (`application.document-added`) knows the case, not the submission's event id.
 * The hub opens one case per (tenant, caseRef), so this is one document per application.
 */
export function applicationGuid(tenant: string, caseRef: string): string {
  return uuidv5(`application\n${tenant}\n${caseRef}`, NAMESPACE);
}

/** The id of a detached signature's DMFile: the signed file's id and the signature's own id. */
export function signatureGuid(fileId: string, signatureId: string): string {
  return uuidv5(`signature\n${fileId}\n${signatureId}`, NAMESPACE);
}

/** The `description` that marks a DMFile as the detached signature of another file of the same document. */
export function signatureDescription(signedFileName: string, signedFileId: string): string {
  return `Электронная подпись к файлу "${signedFileName}" [${signedFileId}]`;
}

/** The signed file's id of a signature file, from its description; undefined for other files. */
export function signedFileOf(description: string): string | undefined {
  const m = /^Электронная подпись к файлу ".*" \[([0-9a-fA-F-]{36})\]$/s.exec(description);
  return m ? m[1].toLowerCase() : undefined;
}

/** Languages a clerk may read an application's title, summary and property names in. */
export const APPLICATION_LANGUAGES = ['ru', 'uk'] as const;
export type ApplicationLanguage = (typeof APPLICATION_LANGUAGES)[number];

/** The words of the document a clerk reads, per language (1С:Документооборот is used in Russian and Ukrainian installations). */
const LABELS = {
  ru: {
    application: 'Заявка',
    applicationType: { 'technical-conditions': 'Выдача технических условий', 'connection-contract': 'Заключение договора о подключении' },
    supplyType: { heat: 'Теплоснабжение', 'cold-water': 'Холодное водоснабжение', wastewater: 'Водоотведение', electricity: 'Электроснабжение' },
    applicantType: { individual: 'Физическое лицо', 'legal-entity': 'Юридическое лицо', 'sole-proprietor': 'Индивидуальный предприниматель' },
    field: {
      applicant: 'Заявитель',
      code: 'Код',
      organisationCode: 'Код организации',
      caseRef: 'Номер заявки в кабинете',
      applicationType: 'Вид заявки',
      supplyType: 'Вид ресурса',
      applicantType: 'Тип заявителя',
      objectAddress: 'Адрес объекта',
      phone: 'Телефон',
    },
  },
  uk: {
    application: 'Заява',
    applicationType: { 'technical-conditions': 'Видача технічних умов', 'connection-contract': 'Укладення договору про приєднання' },
    supplyType: { heat: 'Теплопостачання', 'cold-water': 'Холодне водопостачання', wastewater: 'Водовідведення', electricity: 'Електропостачання' },
    applicantType: { individual: 'Фізична особа', 'legal-entity': 'Юридична особа', 'sole-proprietor': 'Фізична особа — підприємець' },
    field: {
      applicant: 'Заявник',
      code: 'Код',
      organisationCode: 'Код організації',
      caseRef: 'Номер заяви в кабінеті',
      applicationType: 'Вид заяви',
      supplyType: 'Вид ресурсу',
      applicantType: 'Тип заявника',
      objectAddress: 'Адреса об’єкта',
      phone: 'Телефон',
    },
  },
} as const;

/** Registration code schemes as clerks write them (the same in both languages). */
const SCHEMES = { edrpou: 'ЄДРПОУ', rnokpp: 'РНОКПП', inn: 'ИНН', kpp: 'КПП', ogrn: 'ОГРН', ogrnip: 'ОГРНИП' } as const;

/** Options of {@link applicationDocument}. */
export interface ApplicationDocumentOptions {
  kind: 'DMIncomingDocument' | 'DMInternalDocument';
  externalType: string;
  documentType: string;
  documentTypeId?: string;
  timeZone: string;
  /** Language of the title, summary and property names; default `ru`. */
  language?: ApplicationLanguage;
}

/**
 * The 1C document of an application: title and summary a clerk reads, the structured fields as
 * additional properties (ASSUMPTION: 1C's ДополнительныеРеквизиты as DMService shows them), the
 * applicant as correspondent of an incoming document. Personal data goes to the EDMS (its job),
 * never to logs.
 */
export function applicationDocument(event: CloudEvent, data: ApplicationSubmitted, opts: ApplicationDocumentOptions): Record<string, unknown> {
  const id = applicationGuid(event.tenant, data.caseRef);
  const a = data.applicant;
  const codes = [...(a.organisationCode ? [{ scheme: undefined, value: a.organisationCode }] : []), ...(a.registrationCodes ?? [])];
  const L = LABELS[opts.language ?? 'ru'];
  const f = L.field;
  const codeLines = codes.map((c) => `${c.scheme ? SCHEMES[c.scheme] : f.code}: ${c.value}`);
  const title = `${L.application} ${data.caseRef}: ${L.applicationType[data.applicationType]}, ${L.supplyType[data.supplyType].toLowerCase()}`.slice(0, 250);
  const summary = [
    `${f.applicant}: ${a.name.full} (${L.applicantType[a.type]})`,
    ...codeLines,
    `${f.applicationType}: ${L.applicationType[data.applicationType]}`,
    `${f.supplyType}: ${L.supplyType[data.supplyType]}`,
    `${f.objectAddress}: ${data.objectAddress}`,
    `${f.phone}: ${a.contacts.phone}`,
    ...(a.contacts.email ? [`E-mail: ${a.contacts.email}`] : []),
    ...(data.comment ? ['', data.comment] : []),
  ].join('\n');
  // The shape real DMService clients send (external-systems.md §1.3); 1C finds the property by name when no objectID is given [ASSUMPTION].
  const property = (name: string, value: string) => ({ name, propertySimpleValue: { '@_xsi:type': 'xs:string', '#text': value } });
  const props = [
    property(f.caseRef, data.caseRef),
    property(f.applicationType, data.applicationType),
    property(f.supplyType, data.supplyType),
    property(f.applicantType, a.type),
    property(f.objectAddress, data.objectAddress),
    ...codes.map((c) => property(c.scheme ? SCHEMES[c.scheme] : f.organisationCode, c.value)),
  ];
  return {
    '@_xsi:type': `m:${opts.kind}`,
    name: title,
    objectID: { id, type: opts.kind },
    externalObject: { name: data.caseRef, id: `${event.tenant}/${data.caseRef}`, type: opts.externalType },
    title,
    summary,
    documentType: { '@_xsi:type': 'm:DMDocumentType', name: opts.documentType, ...(opts.documentTypeId ? { objectID: { id: opts.documentTypeId, type: 'DMDocumentType' } } : {}) },
    additionalProperties: props,
    ...(opts.kind === 'DMIncomingDocument'
      ? { sender: { name: a.name.full, objectID: { id: '', type: 'DMCorrespondent' } }, incomingNumber: data.caseRef, incomingDate: toDmLocal(data.submittedAt ?? event.time, opts.timeZone) }
      : {}),
  };
}

/** Default 1C state id → application status (README, "Applications"). */
export const DEFAULT_APPLICATION_STATES: Readonly<Record<string, ApplicationStatus | 'none'>> = {
  Новый: 'none',
  Зарегистрирован: 'none',
  НаРассмотрении: 'under-review',
  ЗапрошеныДокументы: 'under-review',
  ТУВРаботе: 'tc-in-progress',
  // Under the connection rules the technical conditions are an annex of the contract: sending them is the "contract sent" milestone.
  ТУНаправлены: 'contract-sent',
  ДоговорНаправлен: 'contract-sent',
  ДоговорЗаключен: 'contract-concluded',
  Подключен: 'connected',
  Исполнен: 'fulfilled',
  Отклонен: 'rejected',
};

/** Default "вид документа" of an outgoing document → kind of document added to the application. */
export const DEFAULT_DOCUMENT_KINDS: Readonly<Record<string, ApplicationDocumentKind>> = {
  'Технические условия': 'technical-conditions',
  'Проект договора': 'contract-draft',
  Договор: 'contract-signed',
  'Акт о подключении': 'connection-act',
  'Уведомление об отказе': 'rejection-notice',
  'Запрос документов': 'other',
};

/** One entry of a document's state history (`states`). */
export interface StateEntry {
  index: number;
  stateId: string;
  at?: string;
  author: Author;
  comment: string;
}

/** The state history of a document, oldest first. */
export function statesOf(doc: DmNode, timeZone: string): StateEntry[] {
  return ((doc.states as DmNode[] | undefined) ?? []).map((s, index) => ({
    index,
    stateId: text1(((s.state as DmNode | undefined)?.objectID as DmNode | undefined)?.id),
    at: fromDmLocal(text1(s.date), timeZone),
    author: authorOf(s.author as DmNode | undefined),
    comment: text1(s.comment),
  }));
}

/** A DMUser reference as the author the applicant sees; 1C itself when there is none. */
export function authorOf(user: DmNode | undefined): Author {
  const name = text1(user?.name);
  const ref = text1((user?.objectID as DmNode | undefined)?.id);
  return name ? { kind: 'employee', name, ...(ref ? { ref } : {}) } : { kind: 'system', name: '1С:Документооборот' };
}

/** Ids of the outgoing documents related to an application, in the order 1C lists them. */
export function relatedIdsOf(doc: DmNode): string[] {
  return ((doc.relatedDocuments as DmNode[] | undefined) ?? []).map((r) => text1((r.objectID as DmNode | undefined)?.id)).filter(Boolean);
}

/** What the poll cursor remembers of an application document: registration, state history, related documents. */
export function applicationKeysOf(doc: DmNode, timeZone: string): ResultKeys {
  const keys: ResultKeys = {};
  const registeredAt = fromDmLocal(text1(doc.regDate), timeZone);
  const regNumber = text1(doc.regNumber);
  if (registeredAt && regNumber) keys.registered = `${regNumber}\n${registeredAt}`;
  const states = statesOf(doc, timeZone);
  if (states.length) keys.status = `${states.length}\n${states[states.length - 1].stateId}\n${states[states.length - 1].at ?? ''}`;
  const related = relatedIdsOf(doc);
  if (related.length) keys.documents = related.join('\n');
  return keys;
}

/** Where a polled application document belongs: its case and the document id. */
export interface ApplicationLink {
  tenant: string;
  caseRef: string;
  documentId: string;
  system: string;
}

/** The state id of 1C's registration entry in the history. */
const REGISTERED_STATE = 'Зарегистрирован';

/** `application.registered` once 1C gave the document a number and date. */
export function registeredResult(doc: DmNode, link: ApplicationLink, timeZone: string): ResultEvent | undefined {
  const registeredAt = fromDmLocal(text1(doc.regDate), timeZone);
  const registrationNumber = text1(doc.regNumber);
  if (!registeredAt || !registrationNumber) return undefined;
  // The employee behind the history's registration entry (1C adds one when a new document is registered).
  const registrar = statesOf(doc, timeZone).find((s) => s.stateId === REGISTERED_STATE && s.author.kind === 'employee')?.author;
  return {
    type: 'application.registered',
    tenant: link.tenant,
    caseRef: link.caseRef,
    occurredAt: registeredAt,
    key: `${link.documentId}/registered/${registrationNumber}`,
    data: { caseRef: link.caseRef, system: link.system, externalId: link.documentId, registrationNumber, registeredAt, ...(registrar ? { author: registrar } : {}) },
  };
}

/**
 * `application.status-changed` for every entry of the state history that maps to a status, each
 * with the 1C user who set it and when; the previous mapped status rides along. Each result is
 * keyed by its place in the history, so the hub applies it once however often a poll sees it.
 */
export function statusResults(doc: DmNode, link: ApplicationLink, states: Readonly<Record<string, ApplicationStatus | 'none'>>, timeZone: string): ResultEvent[] {
  const out: ResultEvent[] = [];
  let previous: ApplicationStatus | undefined;
  for (const entry of statesOf(doc, timeZone)) {
    const status = states[entry.stateId];
    if (!status || status === 'none' || !entry.at) continue;
    out.push({
      type: 'application.status-changed',
      tenant: link.tenant,
      caseRef: link.caseRef,
      occurredAt: entry.at,
      key: `${link.documentId}/state/${entry.index}/${entry.stateId}/${entry.at}`,
      data: {
        caseRef: link.caseRef,
        status,
        ...(previous ? { previousStatus: previous } : {}),
        changedAt: entry.at,
        author: entry.author,
        ...(entry.comment ? { comment: entry.comment.slice(0, 4000) } : {}),
        system: link.system,
        externalId: link.documentId,
      },
    });
    previous = status;
  }
  return out;
}
