import { Static, Type } from '@sinclair/typebox';
import { SECRET_KEYWORD } from '../../contracts';

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
  },
  { additionalProperties: false },
);

/** Settings of an `edms.1c-docflow` instance. */
export type DocflowConfig = Static<typeof DocflowConfigSchema>;
