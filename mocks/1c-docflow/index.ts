/**
 * A stateful mock of 1С:Документооборот's DMService SOAP web service, with a clerk admin API.
 * The wire contract it implements is in `mocks/1c-docflow/README.md`.
 */
import { randomUUID } from 'node:crypto';
import { createMockServer, type AdminRoute, type MockAdminApi, type MockServer } from '../_kit';
import { DmClerk } from './dm-clerk.admin';
import { DEFAULT_QUIRKS, DEFAULT_USERS, validateQuirks, type DmQuirks, type DocflowMockOptions } from './dm-mock.options';
import { DmOperations } from './dm-operations.service';
import { classifyDmRequest, createDmServiceHandler, dmErrorResponder } from './dm-service.handler';
import { DmStore } from './dm-store.repository';

export { MockAdminError } from '../_kit';
export { DmClerk } from './dm-clerk.admin';
export type {
  AdminAdditionalProperty,
  AdminDocument,
  AdminFile,
  AdminSignature,
  AdminStateEntry,
  ClerkAnswerInput,
  ClerkFileInput,
  ClerkSendInput,
  ClerkSendKind,
  ClerkSignatureInput,
} from './dm-clerk.admin';
export { CLERK_SEND_KINDS, DEFAULT_CLERK, TERM_PROPERTIES } from './dm-clerk.admin';
export { DEFAULT_QUIRKS, DEFAULT_USERS } from './dm-mock.options';
export type { DmQuirks, DmUserAccount, DocflowMockOptions } from './dm-mock.options';
export { DOCUMENT_STATES, EMPTY_DATE, parseSignatureDescription, signatureDescription } from './dm-store.repository';
export { DM_SOAP_ACTION } from './dm-service.wsdl';
export { DM_NS } from './dm-xml.codec';

/**
 * Default cap on a request body, SOAP and admin alike: a 20 MB file travels as about 27 MB of
 * base64, with its detached signatures beside it.
 */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The default path of the web service in a publication named `DocMng`. */
export const DEFAULT_ENDPOINT_PATH = '/DocMng/ws/DMService';
/** Other paths answering by default (both URL forms occur in real code). */
export const DEFAULT_ALIAS_PATHS: readonly string[] = ['/DocMng/ws/dm.1cws', '/ws/DMService', '/ws/dm.1cws'];

/** Reads and changes the quirk switches while the mock runs. */
export interface DmQuirksApi {
  /** Current switches. */
  get(): DmQuirks;
  /**
   * Changes some switches; returns all of them.
   * @throws MockAdminError(400) on invalid values
   */
  set(patch: Partial<DmQuirks>): DmQuirks;
}

/** A created (not yet listening) 1C mock, for callers that manage the server themselves. */
export interface DocflowMock {
  server: MockServer;
  admin: MockAdminApi;
  clerk: DmClerk;
  quirks: DmQuirksApi;
  /** Path of the main endpoint. */
  endpointPath: string;
}

/** A running 1C mock. */
export interface RunningDocflowMock {
  /** The endpoint URL (`baseUrl` + endpoint path); `url + '?wsdl'` serves the WSDL. */
  url: string;
  /** `http://host:port`. */
  baseUrl: string;
  port: number;
  /** Recording, faults, reset (also at `/__admin/*`). */
  admin: MockAdminApi;
  /** The clerk's actions (also at `/__admin/documents/*`). */
  clerk: DmClerk;
  /** Quirk switches (also at `/__admin/quirks`). */
  quirks: DmQuirksApi;
  close(): Promise<void>;
}

/**
 * Builds the mock without starting it.
 * @throws MockAdminError(400) when a quirk given in the options is invalid
 */
export function create1cDocflowMock(options: DocflowMockOptions = {}): DocflowMock {
  const clock = options.clock ?? Date.now;
  const initialQuirks: DmQuirks = { ...DEFAULT_QUIRKS, ...validateQuirks(pickQuirks(options)) };
  let quirks: DmQuirks = { ...initialQuirks };
  const users = options.users ?? [...DEFAULT_USERS];
  const userIds = new Map(users.map((u) => [u.login, randomUUID()]));
  const endpointPath = options.endpointPath ?? DEFAULT_ENDPOINT_PATH;

  const store = new DmStore({
    clock,
    visibilityDelayMs: () => quirks.visibilityDelayMs,
    utcOffsetMinutes: options.serverUtcOffsetMinutes ?? 180,
    numbering: {
      incomingPrefix: options.numbering?.incomingPrefix ?? 'ВХ',
      internalPrefix: options.numbering?.internalPrefix ?? 'ВН',
      outgoingPrefix: options.numbering?.outgoingPrefix ?? 'ИСХ',
      width: options.numbering?.width ?? 6,
      start: options.numbering?.start ?? 1,
    },
  });
  const clerk = new DmClerk(store);
  const quirksApi: DmQuirksApi = {
    get: () => ({ ...quirks }),
    set: (patch) => {
      quirks = { ...quirks, ...validateQuirks(patch) };
      return { ...quirks };
    },
  };
  const quirkRoutes: AdminRoute[] = [
    { method: 'GET', path: '/__admin/quirks', handle: () => ({ body: quirksApi.get() }) },
    { method: 'POST', path: '/__admin/quirks', handle: (ctx) => ({ body: quirksApi.set(ctx.json() as Partial<DmQuirks>) }) },
  ];

  const server = createMockServer({
    name: '1c-docflow',
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    clock,
    classify: classifyDmRequest,
    errorResponse: dmErrorResponder,
    adminRoutes: [...clerk.routes(), ...quirkRoutes],
    onReset: () => {
      store.reset();
      quirks = { ...initialQuirks };
    },
    handler: createDmServiceHandler({
      paths: [endpointPath, ...(options.aliasPaths ?? DEFAULT_ALIAS_PATHS)],
      users,
      userIds,
      wsdlRequiresAuth: options.wsdlRequiresAuth ?? true,
      maxXmlDepth: options.maxXmlDepth ?? 64,
      quirks: () => quirks,
      operations: new DmOperations(store, () => quirks, options.versionNumber ?? '3.0.14.5.CORP'),
    }),
  });
  return { server, admin: server.admin, clerk, quirks: quirksApi, endpointPath };
}

/**
 * Starts the 1C DMService mock (on 127.0.0.1 and a free port unless told otherwise).
 *
 * ```ts
 * const dm = await start1cDocflowMock({ visibilityDelayMs: 0 });
 * // point the adapter at dm.url, with Basic auth "Портал Интеграция" / "portal-secret"
 * dm.clerk.register(id); dm.admin.fault({ fault: 'http-error', status: 503, count: 2 });
 * await dm.close();
 * ```
 */
export async function start1cDocflowMock(options: DocflowMockOptions = {}): Promise<RunningDocflowMock> {
  const mock = create1cDocflowMock(options);
  const running = await mock.server.start({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return {
    url: running.url + mock.endpointPath,
    baseUrl: running.url,
    port: running.port,
    admin: mock.admin,
    clerk: mock.clerk,
    quirks: mock.quirks,
    close: running.close,
  };
}

function pickQuirks(o: DocflowMockOptions): Partial<DmQuirks> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(DEFAULT_QUIRKS) as (keyof DmQuirks)[]) if (o[k] !== undefined) out[k] = o[k];
  return out as Partial<DmQuirks>;
}
