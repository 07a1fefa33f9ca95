/**
 * The case view and case history of the example application TP-2024-0457 (the application.*
 * examples of event.examples.ts as the hub journals them), for the OpenAPI document and for
 * portal developers. Deterministic like the event examples; src/cases/case-view.mapper.test.ts
 * checks that the hub's mapper makes exactly these from those events.
 */
import type { CaseHistory, CaseView } from '../model/case-view.schema';
import type { CaseDeadlineView } from '../model/deadline.schema';

const VIEW: CaseView = {
  tenant: 'novgorod-energo',
  caseRef: 'TP-2024-0457',
  kind: 'application',
  status: 'contract-sent',
  statusSince: '2024-03-21T12:14:50.000Z',
  registrations: [
    {
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
      registrationNumber: '457/ТП',
      registeredAt: '2024-03-04T11:02:30+03:00',
    },
  ],
  milestones: {
    submittedAt: '2024-03-04T10:31:05+03:00',
    registered: {
      at: '2024-03-04T11:02:30+03:00',
      registrationNumber: '457/ТП',
      system: 'edms.1c-docflow',
    },
    statuses: [
      {
        status: 'submitted',
        at: '2024-03-04T10:31:05+03:00',
        eventId: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
      },
      {
        status: 'registered',
        at: '2024-03-04T11:02:30+03:00',
        eventId: '7e2d9c4b-6a13-4f58-b0e7-2a9d4c6e8b35',
      },
      {
        status: 'contract-sent',
        at: '2024-03-21T15:14:50+03:00',
        eventId: 'b41f7a2c-9d3e-4c6b-8a15-0e7f2d9c4b68',
      },
    ],
  },
  lastChange: {
    type: 'application.document-added',
    eventId: 'd8c5e3a1-4b7f-4e29-a6d0-9f1b3c5e7a24',
    occurredAt: '2024-03-21T15:14:48+03:00',
    journaledAt: '2024-03-21T12:15:10.220931Z',
  },
  version: 4,
  openedAt: '2024-03-04T07:31:12.481Z',
};

const HISTORY: CaseHistory = {
  tenant: 'novgorod-energo',
  caseRef: 'TP-2024-0457',
  kind: 'application',
  steps: [
    {
      step: 'submitted',
      type: 'application.submitted',
      eventId: '3f6b8d2e-1a9c-4d7b-9e05-7c2a4b6d8e19',
      journalId: '018e0a1c-6f41-7a21-9c3e-5b7d2f1a8e01',
      occurredAt: '2024-03-04T10:31:05+03:00',
      journaledAt: '2024-03-04T07:31:12.481203Z',
      origin: 'portal',
      author: {
        kind: 'applicant',
        name: 'ООО «Северный луч»',
      },
      status: 'submitted',
      files: [
        {
          id: 'z-1',
          name: 'Заявка на ТУ.pdf',
          mediaType: 'application/pdf',
          size: 204811,
          sha256: 'ed1748ddedcddaa9c0bbb49eb471a8463ce28502c4f87cb5924cec59f7bacd2f',
          url: 'https://lk.novgorod-energo.example/files/z-1',
          signatures: [
            {
              id: 'z-1-sig',
              name: 'Заявка на ТУ.pdf.sig',
              mediaType: 'application/pkcs7-signature',
              size: 49,
              sha256: '96690cb7a098313dbb7fb211a9eabea527fcdf2746c8d4a2fe37d531338c9f2b',
              inline: true,
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
          sha256: 'df02c1c9ff479aa001c33025fa4b895daa0b23f85f42477b32791a4581861cf2',
          url: 'https://lk.novgorod-energo.example/files/z-2',
        },
      ],
    },
    {
      step: 'registered',
      type: 'application.registered',
      eventId: '7e2d9c4b-6a13-4f58-b0e7-2a9d4c6e8b35',
      journalId: '018e0a39-1b52-7c04-8d6e-2f9a4c1b7e02',
      occurredAt: '2024-03-04T11:02:30+03:00',
      journaledAt: '2024-03-04T08:02:44.913520Z',
      origin: 'back-office',
      author: {
        kind: 'system',
        name: 'edms.1c-docflow',
      },
      status: 'registered',
      registrationNumber: '457/ТП',
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
    },
    {
      step: 'rejected',
      type: 'message.rejected',
      eventId: '825b9551-5bc5-5900-9f46-5616efe5a256',
      journalId: '018e3190-0a6e-7b3f-a1c2-9e8d7f6a5b03',
      origin: 'hub',
      occurredAt: '2024-03-12T06:40:05.102774Z',
      journaledAt: '2024-03-12T06:40:05.102774Z',
      author: {
        kind: 'system',
        name: 'cabinet-hub',
      },
      rejection: {
        rejectedEventId: 'c2a7e5d1-9b3f-4e80-a6c4-7d1f2e9b8a35',
        rejectedType: 'application.document-added',
        errors: [
          {
            pointer: '/data/document/sha256',
            reason: 'must be 64 lowercase hexadecimal characters (a SHA-256 digest)',
          },
        ],
      },
    },
    {
      step: 'status-changed',
      type: 'application.status-changed',
      eventId: 'b41f7a2c-9d3e-4c6b-8a15-0e7f2d9c4b68',
      journalId: '018e5ff0-3c28-7d91-b4e7-1a2c3d4e5f04',
      occurredAt: '2024-03-21T15:14:50+03:00',
      journaledAt: '2024-03-21T12:15:09.640118Z',
      origin: 'back-office',
      author: {
        kind: 'employee',
        name: 'Иванова Мария Сергеевна',
        role: 'executor',
        position: 'инженер отдела ТП',
      },
      status: 'contract-sent',
      previousStatus: 'under-review',
      comment: 'Договор и технические условия подписаны сетевой организацией и направлены заявителю.',
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
    },
    {
      step: 'document-added',
      type: 'application.document-added',
      eventId: 'd8c5e3a1-4b7f-4e29-a6d0-9f1b3c5e7a24',
      journalId: '018e5ff0-5e7c-7e02-8f1a-6b5c4d3e2f05',
      occurredAt: '2024-03-21T15:14:48+03:00',
      journaledAt: '2024-03-21T12:15:10.220931Z',
      origin: 'back-office',
      author: {
        kind: 'employee',
        name: 'Иванова Мария Сергеевна',
        role: 'executor',
      },
      documentKind: 'technical-conditions',
      title: 'Технические условия на присоединение № 457-ТП',
      files: [
        {
          id: 'tu-457',
          name: 'ТУ 457-ТП.pdf',
          mediaType: 'application/pdf',
          size: 318220,
          sha256: '903da12950e1835b1d5072e1e94c7f18b1acee51339a94b1ef5c789143f5fc2f',
          url: 'https://docflow.novgorod-energo.example/files/tu-457',
          signatures: [
            {
              id: 'tu-457-sig',
              name: 'ТУ 457-ТП.pdf.sig',
              mediaType: 'application/pkcs7-signature',
              size: 3402,
              sha256: '58d7ec03187048a072d80f069a46e61c77f2455525dbfac3466a3e32640c6996',
              url: 'https://docflow.novgorod-energo.example/files/tu-457.sig',
              format: 'cades',
              signer: {
                name: 'Кузнецов Павел Андреевич',
                organisationCode: '5321000011',
              },
            },
          ],
        },
      ],
      system: 'edms.1c-docflow',
      externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002',
    },
  ],
  hasMore: false,
  nextCursor: 'aDF8MjAyNC0wMy0yMVQxMjoxNToxMC4yMjA5MzFafDAxOGU1ZmYwLTVlN2MtN2UwMi04ZjFhLTZiNWM0ZDNlMmYwNQ',
};

/** The state of the example application after its technical conditions were added. */
export function exampleCaseView(): CaseView {
  return structuredClone(VIEW);
}

/**
 * Its whole history on one page: submission, registration, a document the portal sent that the
 * hub refused, a status change and the technical conditions from the back office.
 */
export function exampleCaseHistory(): CaseHistory {
  return structuredClone(HISTORY);
}

/** The term of the example appeal (UA, received 14 May 2024, extended by the head to 28 June). */
export function exampleCaseDeadline(): CaseDeadlineView {
  const days: CaseDeadlineView['days'] = [];
  for (let t = Date.UTC(2024, 4, 15); t <= Date.UTC(2024, 5, 28); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    days.push({ date, counted: true, reason: date === '2024-06-28' ? 'calendar day; due day (a working day)' : 'calendar day' });
  }
  return {
    tenant: 'kyiv',
    caseRef: 'EP-2024-000123',
    caseKind: 'appeal',
    profile: 'ua.appeals.art20',
    variant: 'standard',
    unit: 'months',
    calendar: { country: 'UA', timeZone: 'Europe/Kyiv', version: 1 },
    startedAt: '2024-05-14T09:12:30Z',
    dueAt: '2024-06-28T23:59:59.999+03:00',
    dueDate: '2024-06-28',
    originalDueDate: '2024-06-14',
    extended: true,
    extensions: 1,
    paused: false,
    pausedDays: 0,
    overdue: false,
    milestones: [
      { name: 'taken-into-work', dueAt: '2024-05-15T23:59:59.999+03:00', metAt: '2024-05-15T11:05:30+03:00' },
      { name: 'solve-by', dueAt: '2024-06-25T23:59:59.999+03:00' },
    ],
    days,
    notes: ['Extended on 2024-05-30 to 2024-06-28 (45 days in total at most, Art. 20).', 'Martial law (Law 2136-IX): public holidays are working days.'],
    computedAt: '2024-06-01T08:00:00Z',
  };
}
