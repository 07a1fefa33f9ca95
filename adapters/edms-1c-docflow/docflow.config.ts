import { Static, Type } from '@sinclair/typebox';
import { APPLICATION_DOCUMENT_KINDS, APPLICATION_STATUSES, SECRET_KEYWORD } from '../../contracts';

/** Literal union of string constants (TypeBox `Union` of `Literal`s). */
function oneOf<T extends readonly string[]>(values: T) {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

/** Settings of how applications are filed as 1C documents and how 1C's states and documents map back. */
function ApplicationsConfigSchema() {
  return Type.Object(
    {
      /**
       * The 1C document type an application becomes: an incoming document (default; the applicant is
       * the correspondent, as for any letter from outside) or an internal document (installations
       * that keep applications as internal documents of the connection department).
       */
      documentKind: Type.Optional(Type.Union([Type.Literal('DMIncomingDocument'), Type.Literal('DMInternalDocument')])),
      /** "Вид документа" of application documents, by name (1C finds or creates it); default `Заявка на технологическое присоединение`. */
      documentType: Type.Optional(Type.String({ minLength: 1, maxLength: 150 })),
      /** The document type's id in 1C, when the installation wants an exact reference. */
      documentTypeId: Type.Optional(Type.String({ minLength: 1 })),
      /** Language of the title, summary and additional property names clerks read: `ru` (default) or `uk`. */
      language: Type.Optional(Type.Union([Type.Literal('ru'), Type.Literal('uk')])),
      /** `externalObject.type` of application documents; default `cabinet-hub.application`. */
      externalType: Type.Optional(Type.String({ minLength: 1 })),
      /** 1C state id → application status (`none`: not reported), merged over the defaults. */
      states: Type.Optional(Type.Record(Type.String({ minLength: 1 }), oneOf([...APPLICATION_STATUSES, 'none'] as const))),
      /** Name of an outgoing document's "вид документа" → kind of the document added to the application, merged over the defaults. */
      documentKinds: Type.Optional(Type.Record(Type.String({ minLength: 1 }), oneOf(APPLICATION_DOCUMENT_KINDS))),
    },
    { additionalProperties: false },
  );
}

/** Settings of an `edms.1c-docflow` instance. */
export const DocflowConfigSchema = Type.Object(
  {
    /** The DMService endpoint, e.g. `https://docflow.example/DocMng/ws/DMService` (or `.../ws/dm.1cws`). */
    endpoint: Type.String({ format: 'uri', pattern: '^https?://' }),
    /** 1C infobase user; Cyrillic logins are common. */
    login: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1, [SECRET_KEYWORD]: true }),
    /** How the Basic credentials are encoded: some 1C publications decode the header as CP1251. */
    authEncoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('cp1251')])),
    /** Infobase id (`dataBaseID`) if the publication serves several. */
    dataBaseId: Type.Optional(Type.String()),
    /** How this portal appears as the correspondent (sender) of incoming documents. */
    correspondentName: Type.Optional(Type.String({ minLength: 1 })),
    /** `externalObject.type` stamped on every document, so polls find only the hub's documents. */
    externalType: Type.Optional(Type.String({ minLength: 1 })),
    /** Time zone of the 1C server (IANA name): regDate and other non-Universal dates are its local time. */
    timeZone: Type.Optional(Type.String({ minLength: 1 })),
    /** Documents per poll; 1C marks longer lists with tooManyObjects. */
    pollLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** How utility-connection applications are filed and read back (defaults in README, "Applications"). */
    applications: Type.Optional(ApplicationsConfigSchema()),
  },
  { additionalProperties: false },
);

/** Settings of an `edms.1c-docflow` instance. */
export type DocflowConfig = Static<typeof DocflowConfigSchema>;
