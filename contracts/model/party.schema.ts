/**
 * People and organisations that appear in events: the applicant, the author of a change,
 * the addressee of an appeal.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Line, PATTERN_HINT_KEYWORD, StringEnum } from './primitives.schema';

/** Kinds of applicant (ФЛ / ЮЛ / ФОП-ИП). */
export const APPLICANT_TYPES = ['individual', 'legal-entity', 'sole-proprietor'] as const;
/** Locales people read notifications in. */
export const LOCALES = ['uk', 'ru', 'en'] as const;
/** Identity providers the cabinet may have verified the applicant with. */
export const IDENTITY_PROVIDERS = ['id.gov.ua', 'bankid', 'qes', 'esia', 'cabinet'] as const;
/** Assurance levels, eIDAS-style, so that Ukrainian and Russian providers map onto one scale. */
export const ASSURANCE_LEVELS = ['low', 'substantial', 'high'] as const;
/** Kinds of addressee of an appeal. */
export const ADDRESSEE_KINDS = ['executive-body', 'deputy', 'municipal-enterprise', 'official'] as const;
/** Who authored a change. */
export const AUTHOR_KINDS = ['employee', 'system', 'applicant'] as const;
/** Back-office roles named in the seeds. */
export const EMPLOYEE_ROLES = ['administrator', 'appeals-specialist', 'executor', 'manager', 'deputy'] as const;

/** Name of a person or organisation; `full` is what is displayed and always present. */
export const PartyName = Type.Object(
  {
    full: Line(300, { description: 'Full name of the person, or the organisation name.' }),
    family: Type.Optional(Line(100, { description: 'Family name (прізвище / фамилия).' })),
    given: Type.Optional(Line(100, { description: "Given name (ім'я / имя)." })),
    patronymic: Type.Optional(Line(100, { description: 'Patronymic (по батькові / отчество).' })),
  },
  { additionalProperties: false, description: 'Display name plus optional parts for individuals.' },
);

/** E.164 with the leading plus; the cabinet normalises numbers before sending. */
function Phone() {
  return Type.String({
    pattern: '^\\+[1-9][0-9]{6,14}$',
    [PATTERN_HINT_KEYWORD]: 'a phone number in E.164 form: "+", country code and number, 7 to 15 digits',
    description: 'Phone number in E.164 form, e.g. `+380441234567`.',
  });
}

/** Contact properties shared by both contact variants; only the phone requirement differs. */
function contactProperties<P extends TSchema>(phone: P) {
  return {
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'Confirmed e-mail address.' })),
    phone,
    locale: Type.Optional(StringEnum(LOCALES, { description: 'Preferred language of notifications.' })),
    telegramChatId: Type.Optional(
      Type.String({
        // A string, not a number: Telegram chat ids exceed what some JSON parsers keep exactly.
        pattern: '^-?[0-9]{1,20}$',
        [PATTERN_HINT_KEYWORD]: 'a Telegram chat id: an optional minus sign and up to 20 digits',
        description: 'Telegram chat id linked in the cabinet, as a string.',
      }),
    ),
    viberUserId: Type.Optional(Line(64, { description: 'Viber user id linked in the cabinet.' })),
    notificationChannels: Type.Optional(
      Type.Array(StringEnum(['viber', 'telegram', 'sms', 'email'] as const), {
        uniqueItems: true,
        maxItems: 4,
        description: 'Channels the applicant wants case notifications on, first choice first; the tenant order when absent.',
      }),
    ),
    notificationsMuted: Type.Optional(Type.Boolean({ description: 'The applicant turned case notifications off; mandatory notices are still sent.' })),
  };
}

/** Contacts of an appeal applicant: every channel optional. */
export const Contacts = Type.Object(contactProperties(Type.Optional(Phone())), {
  additionalProperties: false,
  description: 'How to reach the applicant.',
});

/** Contacts of a utility-connection applicant: the phone is mandatory there (seed 002). */
export const ContactsWithPhone = Type.Object(contactProperties(Phone()), {
  additionalProperties: false,
  description: 'How to reach the applicant; the phone is required for connection applications.',
});

/** The identity the cabinet verified; the hub trusts it and never authenticates people itself. */
export const VerifiedIdentity = Type.Object(
  {
    provider: StringEnum(IDENTITY_PROVIDERS, {
      description: '`cabinet` means only the cabinet account (login and confirmed e-mail).',
    }),
    subjectRef: Line(256, {
      description: 'Opaque reference to the person at the provider or in the cabinet; never a tax number in clear.',
    }),
    level: Type.Optional(StringEnum(ASSURANCE_LEVELS, { description: 'Assurance level of the identification.' })),
  },
  { additionalProperties: false, description: 'Identity verified by the cabinet.' },
);

/** Registration code schemes of organisations and sole proprietors in Ukraine and Russia. */
export const REGISTRATION_CODE_SCHEMES = ['edrpou', 'rnokpp', 'inn', 'kpp', 'ogrn', 'ogrnip'] as const;

/** One registration code of a legal entity or sole proprietor. */
export const RegistrationCode = Type.Object(
  {
    scheme: StringEnum(REGISTRATION_CODE_SCHEMES, {
      description: 'ЄДРПОУ, РНОКПП (Ukraine); ИНН, КПП, ОГРН, ОГРНИП (Russia).',
    }),
    value: Type.String({
      pattern: '^[0-9]{8,15}$',
      [PATTERN_HINT_KEYWORD]: '8 to 15 digits',
      description: 'The code as digits (leading zeros kept).',
    }),
  },
  { additionalProperties: false, description: 'A registration code of the applicant.' },
);

/** Builds the applicant shape around one of the two contact variants. */
function applicantSchema<C extends TSchema>(contacts: C, description: string) {
  return Type.Object(
    {
      type: StringEnum(APPLICANT_TYPES),
      name: PartyName,
      contacts,
      organisationCode: Type.Optional(
        Type.String({
          // A string so that leading zeros of EDRPOU codes survive.
          pattern: '^[0-9]{8,15}$',
          [PATTERN_HINT_KEYWORD]: '8 to 15 digits (EDRPOU, RNOKPP, INN, OGRN or OGRNIP)',
          description: 'Organisation or taxpayer code (EDRPOU, INN, OGRN, ...) as digits.',
        }),
      ),
      registrationCodes: Type.Optional(
        Type.Array(RegistrationCode, {
          maxItems: 6,
          description: 'All registration codes of a legal entity or sole proprietor (e.g. ИНН, КПП and ОГРН), beside the main `organisationCode`.',
        }),
      ),
      identity: VerifiedIdentity,
    },
    { additionalProperties: false, description },
  );
}

/** The person or organisation behind an appeal. */
export const Applicant = applicantSchema(Contacts, 'The applicant as known to the cabinet.');

/** The person or organisation behind a utility-connection application (phone required). */
export const ConnectionApplicant = applicantSchema(ContactsWithPhone, 'The applicant as known to the cabinet; the phone is required.');

/** Author of a status change, answer or document, shown to the applicant in the case history. */
export const Author = Type.Object(
  {
    kind: StringEnum(AUTHOR_KINDS),
    name: Line(300, { description: 'Display name: employee name, system name or applicant name.' }),
    role: Type.Optional(StringEnum(EMPLOYEE_ROLES, { description: 'Back-office role of an employee.' })),
    position: Type.Optional(Line(300, { description: 'Job title as written in the back office.' })),
    ref: Type.Optional(Line(128, { description: 'Identifier of the author in the producing system.' })),
  },
  { additionalProperties: false, description: 'Who made the change.' },
);

/** The body or person an appeal is addressed to. */
export const Addressee = Type.Object(
  {
    kind: StringEnum(ADDRESSEE_KINDS),
    id: Line(128, { description: "Addressee id in the tenant's catalogue." }),
    name: Line(300, { description: 'Display name of the addressee.' }),
  },
  { additionalProperties: false, description: 'Who the appeal is addressed to.' },
);

/** Name of a person or organisation. */
export type PartyName = Static<typeof PartyName>;
/** Contacts of an appeal applicant. */
export type Contacts = Static<typeof Contacts>;
/** Contacts of a connection applicant. */
export type ContactsWithPhone = Static<typeof ContactsWithPhone>;
/** Verified identity reference. */
export type VerifiedIdentity = Static<typeof VerifiedIdentity>;
/** Applicant of an appeal. */
export type Applicant = Static<typeof Applicant>;
/** Applicant of a utility-connection application. */
export type ConnectionApplicant = Static<typeof ConnectionApplicant>;
/** Author of a change. */
export type Author = Static<typeof Author>;
/** Addressee of an appeal. */
export type Addressee = Static<typeof Addressee>;
/** A registration code of the applicant. */
export type RegistrationCode = Static<typeof RegistrationCode>;
/** Kind of applicant. */
export type ApplicantType = (typeof APPLICANT_TYPES)[number];
