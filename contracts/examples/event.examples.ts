/**
 * One valid, realistic event per type. Docs (AsyncAPI examples), tests and benchmarks all use
 * these, so they must stay deterministic: fixed ids and times, hashes computed from fixed bytes.
 * Names, numbers and addresses are invented.
 */
import { createHash } from 'crypto';
import type { CloudEvent } from '../model/envelope.schema';
import { DATA_CONTENT_TYPE, dataschemaFor, type EventType } from '../model/event-type.constants';

const KYIV_PORTAL = 'https://cabinet.kyiv.example';
const NOVGOROD_PORTAL = 'https://lk.novgorod-energo.example/tp';
const HUB_SOURCE = 'urn:cabinet-hub';

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

// Stand-ins for real bytes: only the hash/size relation matters for inline content.
const SIGNATURE_BYTES = Buffer.concat([
  // DER header of a PKCS#7 SignedData, so the sample at least starts like the real thing.
  Buffer.from([0x30, 0x82, 0x05, 0xa1, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]),
  Buffer.from(' detached CAdES signature, example'),
]);
const SIGNATURE_BASE64 = SIGNATURE_BYTES.toString('base64');
const SIGNATURE_SHA256 = sha256(SIGNATURE_BYTES);
const PHOTO_SHA256 = sha256('example photo of a container site');
const ANSWER_SHA256 = sha256('example answer letter');
const ANSWER_SIGNATURE_SHA256 = sha256('example answer letter signature');
const APPLICATION_PDF_SHA256 = sha256('example connection application form');
const SITE_PLAN_SHA256 = sha256('example site plan');
const TC_PDF_SHA256 = sha256('example technical conditions');
const TC_SIGNATURE_SHA256 = sha256('example technical conditions signature');

const APPEAL_REF = 'EP-2024-000123';
const APPLICATION_REF = 'TP-2024-0457';

const builders: Readonly<Record<EventType, () => CloudEvent>> = {
  'appeal.submitted': () => ({
    specversion: '1.0',
    id: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    source: KYIV_PORTAL,
    type: 'appeal.submitted',
    time: '2024-05-14T09:12:33Z',
    subject: APPEAL_REF,
    // No datacontenttype/dataschema: both are optional on input, and a portal example should show that.
    tenant: 'kyiv',
    data: {
      caseRef: APPEAL_REF,
      kind: 'complaint',
      topic: { code: 'ZHKG-04', title: 'Вивезення сміття' },
      text: 'Тиждень не вивозять сміття з майданчика біля будинку. Прошу вжити заходів.',
      addressee: { kind: 'municipal-enterprise', id: 'kp-blagoustrii', name: 'КП «Київблагоустрій»' },
      location: { address: 'вул. Липова, 10', point: { lat: 50.4481, lon: 30.5222 } },
      collective: false,
      public: true,
      channel: 'cabinet',
      applicant: {
        type: 'individual',
        name: { full: 'Коваленко Олена Петрівна' },
        contacts: { email: 'o.kovalenko@example.com', phone: '+380671234567', locale: 'uk' },
        identity: { provider: 'id.gov.ua', subjectRef: 'u-7f3c9a12', level: 'substantial' },
      },
      files: [
        {
          id: 'f-1',
          name: 'photo-1.jpg',
          mediaType: 'image/jpeg',
          size: 482113,
          sha256: PHOTO_SHA256,
          url: 'https://cabinet.kyiv.example/files/f-1',
        },
      ],
      submittedAt: '2024-05-14T09:12:30Z',
    },
  }),

  'appeal.registered': () => ({
    specversion: '1.0',
    id: '5d0c2f6e-8a41-4b0e-b7c3-1f9e6a2d8c01',
    source: HUB_SOURCE,
    type: 'appeal.registered',
    time: '2024-05-14T11:40:02Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('appeal.registered'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    causationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: {
      caseRef: APPEAL_REF,
      system: 'edms.dok-prof',
      externalId: 'DP-88412',
      registrationNumber: 'К-1234/05-24',
      registeredAt: '2024-05-14T11:39:55+03:00',
      dueAt: '2024-06-13T18:00:00+03:00',
    },
  }),

  'appeal.status-changed': () => ({
    specversion: '1.0',
    id: '9a7e3b10-2c4d-4f8e-a6b5-3d2c1e0f9a87',
    source: HUB_SOURCE,
    type: 'appeal.status-changed',
    time: '2024-05-15T08:05:41Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('appeal.status-changed'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: {
      caseRef: APPEAL_REF,
      status: 'in-progress',
      previousStatus: 'accepted',
      changedAt: '2024-05-15T11:05:30+03:00',
      author: {
        kind: 'employee',
        name: 'Шевчук Андрій Миколайович',
        role: 'executor',
        position: 'головний спеціаліст відділу благоустрою',
      },
      comment: 'Передано на виконання до КП «Київблагоустрій».',
      system: 'edms.dok-prof',
      externalId: 'DP-88412',
    },
  }),

  'appeal.answered': () => ({
    specversion: '1.0',
    id: 'c3e1a9d4-7b62-4e05-8f1a-6d9b2c4e7a13',
    source: HUB_SOURCE,
    type: 'appeal.answered',
    time: '2024-05-20T13:22:10Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('appeal.answered'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: {
      caseRef: APPEAL_REF,
      text: 'Шановна Олено Петрівно! Сміття з майданчика вивезено 17.05.2024, графік вивезення відновлено.',
      files: [
        {
          id: 'a-1',
          name: 'vidpovid-K-1234.pdf',
          mediaType: 'application/pdf',
          size: 91342,
          sha256: ANSWER_SHA256,
          url: 'https://docs.kyiv.example/out/a-1',
          signatures: [
            {
              id: 'a-1-sig',
              name: 'vidpovid-K-1234.pdf.p7s',
              mediaType: 'application/pkcs7-signature',
              size: 6120,
              sha256: ANSWER_SIGNATURE_SHA256,
              url: 'https://docs.kyiv.example/out/a-1.p7s',
              format: 'cades',
              signer: { name: 'Петренко Ігор Васильович', signedAt: '2024-05-20T16:20:00+03:00' },
            },
          ],
        },
      ],
      registrationNumber: 'В-5521/05-24',
      answeredAt: '2024-05-20T16:21:00+03:00',
      author: { kind: 'employee', name: 'Петренко Ігор Васильович', role: 'manager', position: 'директор департаменту' },
      system: 'edms.dok-prof',
      externalId: 'DP-88412',
    },
  }),

  'appeal.deadline-changed': () => ({
    specversion: '1.0',
    id: '5d2c8e71-3a4b-4f6c-9d1e-7b8a6c5d4e32',
    source: HUB_SOURCE,
    type: 'appeal.deadline-changed',
    time: '2024-05-30T07:15:02Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('appeal.deadline-changed'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: {
      caseRef: APPEAL_REF,
      action: 'extended',
      changedAt: '2024-05-30T10:14:50+03:00',
      until: '2024-06-28',
      reason: 'Потрібне додаткове обстеження місця встановлення контейнерів (ст. 20 Закону «Про звернення громадян»).',
      author: { kind: 'employee', name: 'Коваленко Олена Петрівна', role: 'manager', position: 'заступник міського голови' },
      system: 'edms.dok-prof',
      externalId: 'DP-88412',
    },
  }),

  'appeal.repeat-linked': () => ({
    specversion: '1.0',
    id: '6a2f9c41-8d3e-4b7a-b5c1-3e9d7f2a4c86',
    source: HUB_SOURCE,
    type: 'appeal.repeat-linked',
    time: '2024-05-14T09:14:40Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('appeal.repeat-linked'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: { caseRef: APPEAL_REF, earlier: [{ caseRef: 'EP-2024-000087', matchedOn: ['topic', 'nearby'] }], windowDays: 90, linkedAt: '2024-05-14T09:14:40Z' },
  }),

  'application.submitted': () => ({
    specversion: '1.0',
    id: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
    source: NOVGOROD_PORTAL,
    type: 'application.submitted',
    time: '2024-03-04T07:31:12Z',
    subject: APPLICATION_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('application.submitted'),
    tenant: 'novgorod-energo',
    data: {
      caseRef: APPLICATION_REF,
      applicationType: 'technical-conditions',
      supplyType: 'electricity',
      applicant: {
        type: 'legal-entity',
        name: { full: 'ООО «Северный луч»' },
        contacts: { email: 'office@sev-luch.example', phone: '+78162555010', locale: 'ru' },
        organisationCode: '5321000000',
        identity: { provider: 'esia', subjectRef: 'esia:org:1029384756', level: 'high' },
      },
      objectAddress: 'Великий Новгород, ул. Заводская, 12, склад № 3',
      files: [
        {
          id: 'z-1',
          name: 'Заявка на ТУ.pdf',
          mediaType: 'application/pdf',
          size: 204811,
          sha256: APPLICATION_PDF_SHA256,
          url: 'https://lk.novgorod-energo.example/files/z-1',
          signatures: [
            {
              id: 'z-1-sig',
              name: 'Заявка на ТУ.pdf.sig',
              mediaType: 'application/pkcs7-signature',
              size: SIGNATURE_BYTES.length,
              sha256: SIGNATURE_SHA256,
              contentBase64: SIGNATURE_BASE64,
              format: 'cades',
              signer: {
                name: 'Смирнов Алексей Викторович',
                organisationCode: '5321000000',
                certificateSerial: '01d7a3c5e9f2b4a6',
                certificateIssuer: 'УЦ «Пример»',
                signedAt: '2024-03-04T10:30:58+03:00',
              },
            },
          ],
        },
        {
          id: 'z-2',
          name: 'Ситуационный план.pdf',
          mediaType: 'application/pdf',
          size: 1532001,
          sha256: SITE_PLAN_SHA256,
          url: 'https://lk.novgorod-energo.example/files/z-2',
        },
      ],
      submittedAt: '2024-03-04T10:31:05+03:00',
    },
  }),

  'application.registered': () => ({
    specversion: '1.0',
    id: '7e2d9c4b-6a13-4f58-b0e7-2a9d4c6e8b35',
    source: HUB_SOURCE,
    type: 'application.registered',
    time: '2024-03-04T08:02:44Z',
    subject: APPLICATION_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('application.registered'),
    tenant: 'novgorod-energo',
    correlationid: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
    causationid: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
    data: {
      caseRef: APPLICATION_REF,
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
      registrationNumber: '457/ТП',
      registeredAt: '2024-03-04T11:02:30+03:00',
    },
  }),

  'application.status-changed': () => ({
    specversion: '1.0',
    id: 'b41f7a2c-9d3e-4c6b-8a15-0e7f2d9c4b68',
    source: HUB_SOURCE,
    type: 'application.status-changed',
    time: '2024-03-21T12:15:09Z',
    subject: APPLICATION_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('application.status-changed'),
    tenant: 'novgorod-energo',
    correlationid: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
    data: {
      caseRef: APPLICATION_REF,
      status: 'contract-sent',
      previousStatus: 'under-review',
      changedAt: '2024-03-21T15:14:50+03:00',
      author: { kind: 'employee', name: 'Иванова Мария Сергеевна', role: 'executor', position: 'инженер отдела ТП' },
      comment: 'Договор и технические условия подписаны сетевой организацией и направлены заявителю.',
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
    },
  }),

  'application.document-added': () => ({
    specversion: '1.0',
    id: 'd8c5e3a1-4b7f-4e29-a6d0-9f1b3c5e7a24',
    source: HUB_SOURCE,
    type: 'application.document-added',
    time: '2024-03-21T12:15:10Z',
    subject: APPLICATION_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('application.document-added'),
    tenant: 'novgorod-energo',
    correlationid: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
    data: {
      caseRef: APPLICATION_REF,
      document: {
        id: 'tu-457',
        name: 'ТУ 457-ТП.pdf',
        mediaType: 'application/pdf',
        size: 318220,
        sha256: TC_PDF_SHA256,
        url: 'https://docflow.novgorod-energo.example/files/tu-457',
        signatures: [
          {
            id: 'tu-457-sig',
            name: 'ТУ 457-ТП.pdf.sig',
            mediaType: 'application/pkcs7-signature',
            size: 3402,
            sha256: TC_SIGNATURE_SHA256,
            url: 'https://docflow.novgorod-energo.example/files/tu-457.sig',
            format: 'cades',
            signer: { name: 'Кузнецов Павел Андреевич', organisationCode: '5321000011' },
          },
        ],
      },
      kind: 'technical-conditions',
      title: 'Технические условия на присоединение № 457-ТП',
      author: { kind: 'employee', name: 'Иванова Мария Сергеевна', role: 'executor' },
      addedAt: '2024-03-21T15:14:48+03:00',
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
    },
  }),

  'message.rejected': () => ({
    specversion: '1.0',
    id: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f',
    source: HUB_SOURCE,
    type: 'message.rejected',
    time: '2024-05-14T09:12:34Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('message.rejected'),
    tenant: 'kyiv',
    causationid: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    data: {
      originalId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      originalSource: KYIV_PORTAL,
      originalType: 'appeal.submitted',
      receivedVia: 'amqp',
      journalId: '6f1c0e7a-3b2d-4a59-9c84-e1d7b2a5c390',
      errors: [
        { pointer: '/data/applicant/contacts/email', reason: 'must be an e-mail address' },
        { pointer: '/data/txet', reason: 'unknown property "txet" is not allowed' },
        { pointer: '/data/text', reason: 'required property "text" is missing' },
      ],
      rejectedAt: '2024-05-14T09:12:34Z',
    },
  }),

  'notification.requested': () => ({
    specversion: '1.0',
    id: '5b0c7e2a-9f41-4c8e-a7d3-2e6f1b9c4d80',
    source: KYIV_PORTAL,
    type: 'notification.requested',
    time: '2024-06-03T07:30:00Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('notification.requested'),
    tenant: 'kyiv',
    data: {
      recipient: {
        citizenRef: 'cabinet:7f3a9c12',
        contacts: { phone: '+380501234567', email: 'o.kovalenko@example.com', viberUserId: '01234567890A=' },
        locale: 'uk',
        channels: ['viber', 'sms', 'email'],
      },
      template: 'water-outage',
      variables: { district: 'Оболонський', from: '2024-06-04 09:00', until: '2024-06-04 18:00' },
      priority: 'bulk',
      mandatory: false,
    },
  }),

  'notification.status-changed': () => ({
    specversion: '1.0',
    id: '8d2e4f6a-1b3c-4d5e-8f7a-9b0c1d2e3f40',
    source: HUB_SOURCE,
    type: 'notification.status-changed',
    time: '2024-06-03T07:30:04Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('notification.status-changed'),
    tenant: 'kyiv',
    causationid: '5b0c7e2a-9f41-4c8e-a7d3-2e6f1b9c4d80',
    data: {
      notificationId: '5b0c7e2a-9f41-4c8e-a7d3-2e6f1b9c4d80',
      template: 'water-outage',
      channel: 'viber',
      status: 'delivered',
      outcome: 'delivered',
      providerMessageId: '5098034272017990000',
      changedAt: '2024-06-03T07:30:03Z',
    },
  }),

  'notification.dispatch': () => ({
    specversion: '1.0',
    id: 'c4e7a1b2-3d5f-4a6b-9c8d-0e1f2a3b4c5d',
    source: HUB_SOURCE,
    type: 'notification.dispatch',
    time: '2024-06-03T07:30:01Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('notification.dispatch'),
    tenant: 'kyiv',
    causationid: '5b0c7e2a-9f41-4c8e-a7d3-2e6f1b9c4d80',
    data: {
      notificationId: '5b0c7e2a-9f41-4c8e-a7d3-2e6f1b9c4d80',
      dispatchId: 'c4e7a1b2-3d5f-4a6b-9c8d-0e1f2a3b4c5d',
      channel: 'sms',
      address: '+380501234567',
      locale: 'uk',
      text: 'Оболонський р-н: 04.06 з 09:00 до 18:00 не буде води. Київводоканал',
      priority: 'bulk',
    },
  }),

  'contact.link-requested': () => ({
    specversion: '1.0',
    id: '2a4c6e8f-0b1d-4f3a-9c5e-7d9f1b3d5f7a',
    source: KYIV_PORTAL,
    type: 'contact.link-requested',
    time: '2024-06-01T10:00:00Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('contact.link-requested'),
    tenant: 'kyiv',
    data: {
      citizenRef: 'cabinet:7f3a9c12',
      token: 'lnk_q8ZpX2vN4tR7sK1m',
      expiresAt: '2024-06-01T10:15:00Z',
      locale: 'uk',
    },
  }),

  'contact.linked': () => ({
    specversion: '1.0',
    id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
    source: HUB_SOURCE,
    type: 'contact.linked',
    time: '2024-06-01T10:02:11Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('contact.linked'),
    tenant: 'kyiv',
    causationid: '2a4c6e8f-0b1d-4f3a-9c5e-7d9f1b3d5f7a',
    data: {
      citizenRef: 'cabinet:7f3a9c12',
      channel: 'telegram',
      address: '123456789',
      active: true,
      changedAt: '2024-06-01T10:02:11Z',
    },
  }),
  'deadline.warning': () => ({
    specversion: '1.0',
    id: '7e4a1c92-6b3d-4e8f-a2c5-9d1b3e5f7a24',
    source: HUB_SOURCE,
    type: 'deadline.warning',
    time: '2024-06-25T21:00:05Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('deadline.warning'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: {
      caseRef: APPEAL_REF,
      caseKind: 'appeal',
      profile: 'ua.appeals.art20',
      dueAt: '2024-06-28T23:59:59.999+03:00',
      dueDate: '2024-06-28',
      threshold: 't-minus-3',
      warnedAt: '2024-06-25T21:00:05Z',
    },
  }),
  'deadline.overdue': () => ({
    specversion: '1.0',
    id: '2b9d4f16-8c7e-4a3b-b1d2-6e5f4a3c2b19',
    source: HUB_SOURCE,
    type: 'deadline.overdue',
    time: '2024-06-28T21:00:04Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('deadline.overdue'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: { caseRef: APPEAL_REF, caseKind: 'appeal', profile: 'ua.appeals.art20', dueAt: '2024-06-28T23:59:59.999+03:00', dueDate: '2024-06-28', detectedAt: '2024-06-28T21:00:04Z' },
  }),
  'deadline.extended': () => ({
    specversion: '1.0',
    id: '9c3e5a27-1d4b-4f6e-8a9c-2b7d5e3f1a48',
    source: HUB_SOURCE,
    type: 'deadline.extended',
    time: '2024-05-30T07:15:09Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('deadline.extended'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: {
      caseRef: APPEAL_REF,
      caseKind: 'appeal',
      profile: 'ua.appeals.art20',
      dueAt: '2024-06-28T23:59:59.999+03:00',
      dueDate: '2024-06-28',
      previousDueDate: '2024-06-14',
      reason: 'Потрібне додаткове обстеження місця встановлення контейнерів (ст. 20 Закону «Про звернення громадян»).',
      extensions: 1,
      extendedAt: '2024-05-30T10:14:50+03:00',
    },
  }),
  'deadline.not-taken': () => ({
    specversion: '1.0',
    id: '4f1b7d39-2e6c-4a8b-9c3d-5a7e1f9b3d62',
    source: HUB_SOURCE,
    type: 'deadline.not-taken',
    time: '2024-05-15T09:12:36Z',
    subject: APPEAL_REF,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor('deadline.not-taken'),
    tenant: 'kyiv',
    correlationid: '0b8f4e2a-5c1d-4e7a-9f3b-2d6c8a1e4f70',
    data: { caseRef: APPEAL_REF, caseKind: 'appeal', profile: 'municipal.seed004', takeBy: '2024-05-15T09:12:30Z', detectedAt: '2024-05-15T09:12:36Z' },
  }),
};

/**
 * A valid, realistic event of the given type (Ukrainian appeals, a Russian utility application).
 * Every call returns a new object, so callers may mutate it.
 * @param type event type
 * @param overrides attributes to replace at the top level; a key set to `undefined` is removed,
 *   which is how tests produce a missing attribute
 */
export function exampleEvent(type: EventType, overrides: Partial<CloudEvent> = {}): CloudEvent {
  const event: CloudEvent = { ...builders[type](), ...overrides };
  for (const key of Object.keys(overrides)) {
    if (overrides[key] === undefined) delete event[key];
  }
  return event;
}
