import { MockAdminError } from '../_kit';

/** An infobase user the mock accepts with HTTP Basic. */
export interface DmUserAccount {
  login: string;
  password: string;
  /** Presentation in DMGetCurrentUserRequest answers; default: the login. */
  name?: string;
}

/** Behaviours of the real service that tests switch on and off, at start or at run time. */
export interface DmQuirks {
  /** A change becomes visible to reads this long after it happens (default 1000). */
  visibilityDelayMs: number;
  /** DMGetObjectListRequest ignores `conditions` and `limit` and returns every object of the type (default false). */
  ignoreFilters: boolean;
  /** Lists are cut at this many objects with `tooManyObjects=true` (default 100). */
  maxListSize: number;
  /** What a second DMCreateRequest / DMAddFileRequest with the same GUID does (default 'return-existing'). */
  duplicateCreate: 'return-existing' | 'error';
  /** Refuse requests whose SOAPAction is not `http://www.1c.ru/dm#DMService:execute` (default true). */
  soapActionCheck: boolean;
  /** Prefix of the DM namespace in answers: 1C's `m`, or `tns` as in some fixtures (default 'm'). */
  responsePrefix: 'm' | 'tns';
}

/** Options of the 1C:Документооборот DMService mock. */
export interface DocflowMockOptions extends Partial<DmQuirks> {
  /** Accepted users; default `[{ login: 'Портал Интеграция', password: 'portal-secret' }]`. */
  users?: DmUserAccount[];
  /** Path of the web service (default `/DocMng/ws/DMService`). */
  endpointPath?: string;
  /** Other paths answering the same service (default `/DocMng/ws/dm.1cws`, `/ws/DMService`, `/ws/dm.1cws`). */
  aliasPaths?: string[];
  /** Answer of DMGetVersionRequest (default `3.0.14.5.CORP`). */
  versionNumber?: string;
  /** The 1C server's offset from UTC in minutes, for local dates (`regDate`, file dates); default 180 (Moscow). */
  serverUtcOffsetMinutes?: number;
  /** `?wsdl` requires Basic auth, as a 1C publication does (default true). */
  wsdlRequiresAuth?: boolean;
  /** Largest request body, SOAP and admin alike (default 64 MiB: a 20 MB file travels as ~27 MB of base64). */
  maxBodyBytes?: number;
  /** Deepest XML nesting accepted (default 64). */
  maxXmlDepth?: number;
  /** Registration numbers `<prefix>-<year>-<zero-padded sequence>` (prefixes `ВХ`, `ВН`, `ИСХ` by default). */
  numbering?: { incomingPrefix?: string; internalPrefix?: string; outgoingPrefix?: string; width?: number; start?: number };
  /** Milliseconds since the epoch; injectable to control dates and the visibility delay in tests. */
  clock?: () => number;
  /** Port to listen on (0 = any free port, the default). */
  port?: number;
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
}

/** Defaults of {@link DmQuirks}. */
export const DEFAULT_QUIRKS: Readonly<DmQuirks> = {
  visibilityDelayMs: 1000,
  ignoreFilters: false,
  maxListSize: 100,
  duplicateCreate: 'return-existing',
  soapActionCheck: true,
  responsePrefix: 'm',
};

/** Default user of the standalone mock and of tests that do not care. */
export const DEFAULT_USERS: readonly DmUserAccount[] = [{ login: 'Портал Интеграция', password: 'portal-secret' }];

/**
 * Checks a partial set of quirks (from `POST /__admin/quirks` or options).
 * @throws MockAdminError(400) listing every problem
 */
export function validateQuirks(input: unknown): Partial<DmQuirks> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new MockAdminError(400, 'quirks must be a JSON object');
  const o = input as Record<string, unknown>;
  const problems: string[] = [];
  const known = Object.keys(DEFAULT_QUIRKS);
  for (const key of Object.keys(o)) if (!known.includes(key)) problems.push(`${key} is not a quirk (${Object.keys(DEFAULT_QUIRKS).join(', ')})`);
  const int = (k: string, min: number, max: number) => {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= min && (o[k] as number) <= max)) {
      problems.push(`${k} must be an integer from ${min} to ${max}`);
    }
  };
  int('visibilityDelayMs', 0, 600_000);
  int('maxListSize', 1, 1_000_000);
  for (const k of ['ignoreFilters', 'soapActionCheck']) if (o[k] !== undefined && typeof o[k] !== 'boolean') problems.push(`${k} must be a boolean`);
  if (o.duplicateCreate !== undefined && o.duplicateCreate !== 'return-existing' && o.duplicateCreate !== 'error') {
    problems.push('duplicateCreate must be "return-existing" or "error"');
  }
  if (o.responsePrefix !== undefined && o.responsePrefix !== 'm' && o.responsePrefix !== 'tns') problems.push('responsePrefix must be "m" or "tns"');
  if (problems.length > 0) throw new MockAdminError(400, `invalid quirks: ${problems.join('; ')}`, { problems });
  return o as Partial<DmQuirks>;
}
