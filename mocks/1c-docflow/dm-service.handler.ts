import type { ErrorResponder, MockHandler, MockRequest, MockResponse } from '../_kit';
import { authenticateBasic, WWW_AUTHENTICATE } from './dm-auth.guard';
import type { DmQuirks, DmUserAccount } from './dm-mock.options';
import type { DmCaller, DmOperations } from './dm-operations.service';
import { DM_SOAP_ACTION, renderWsdl } from './dm-service.wsdl';
import { DM_NS, DmFault, DmXmlWriter, executeResponse, parseXmlBytes, SOAP11_NS, SOAP12_NS, soapFault, type FaultCode, type XmlElement } from './dm-xml.codec';

const XML_CT = 'text/xml; charset=utf-8';

/** What the handler needs. */
export interface DmHandlerContext {
  paths: readonly string[];
  users: readonly DmUserAccount[];
  /** Stable GUIDs of the users (DMGetCurrentUserRequest). */
  userIds: ReadonlyMap<string, string>;
  wsdlRequiresAuth: boolean;
  maxXmlDepth: number;
  quirks: () => DmQuirks;
  operations: DmOperations;
}

/**
 * The HTTP face of DMService: endpoint paths, `?wsdl`, Basic auth, the SOAP 1.1 envelope and
 * headers, then dispatch to the operations. Every failure takes the shape the real service
 * gives it: 401 with a Basic challenge, a SOAP Fault with HTTP 500, or a DMError with HTTP 200.
 */
export function createDmServiceHandler(ctx: DmHandlerContext): MockHandler {
  return (req) => {
    if (!ctx.paths.includes(req.path)) {
      return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body><h1>404 Not Found</h1></body></html>' };
    }
    const wantsWsdl = req.method === 'GET' && (req.query.has('wsdl') || req.query.has('WSDL'));
    const user = authenticateBasic(req.headers.authorization, ctx.users);
    if (!user && (!wantsWsdl || ctx.wsdlRequiresAuth)) {
      return { status: 401, headers: { 'www-authenticate': WWW_AUTHENTICATE, 'content-type': 'text/html; charset=utf-8' }, body: '' };
    }
    if (wantsWsdl) {
      const host = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(req.headers.host ?? '') ? req.headers.host : '127.0.0.1';
      return { status: 200, headers: { 'content-type': XML_CT }, body: renderWsdl(`http://${host}${req.path}`) };
    }
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: '' };
    return soap(req, user as DmUserAccount, ctx);
  };
}

function soap(req: MockRequest, user: DmUserAccount, ctx: DmHandlerContext): MockResponse {
  const quirks = ctx.quirks();
  const w = new DmXmlWriter(quirks.responsePrefix);
  try {
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('text/xml')) {
      throw new DmFault('soap:Client', `Неверный тип содержимого запроса "${contentType.slice(0, 80)}": ожидается text/xml (SOAP 1.1)`);
    }
    if (quirks.soapActionCheck) {
      const action = (req.headers.soapaction ?? '').trim().replace(/^"(.*)"$/, '$1');
      if (action !== DM_SOAP_ACTION) {
        throw new DmFault('soap:Client', `Не найдена операция веб-сервиса для SOAPAction "${action.slice(0, 200)}"`);
      }
    }
    const request = unwrapExecute(parseXmlBytes(req.body, { maxDepth: ctx.maxXmlDepth }));
    const caller: DmCaller = { login: user.login, name: user.name ?? user.login, id: ctx.userIds.get(user.login) ?? '' };
    const outcome = ctx.operations.execute(request, caller, w);
    const xml =
      outcome.kind === 'response' ? executeResponse(w, outcome.type, outcome.inner) : executeResponse(w, 'DMError', w.leaf('subject', outcome.subject) + w.leaf('description', outcome.description));
    // File contents go in as bytes here, so a large file never becomes one huge string.
    return { status: 200, headers: { 'content-type': XML_CT }, body: w.render(xml) };
  } catch (err) {
    if (err instanceof DmFault) return faultResponse(err.code, err.message, err.httpStatus);
    return faultResponse('soap:Server', `Внутренняя ошибка сервера: ${(err as Error)?.message ?? String(err)}`, 500);
  }
}

/** Envelope → Body → execute → request, each checked for its namespace. */
function unwrapExecute(root: XmlElement): XmlElement {
  if (root.local !== 'Envelope' || (root.ns !== SOAP11_NS && root.ns !== SOAP12_NS)) {
    throw new DmFault('soap:Client', 'Ошибка разбора SOAP-сообщения: корневой элемент должен быть soap:Envelope');
  }
  if (root.ns === SOAP12_NS) {
    throw new DmFault('soap:VersionMismatch', 'Версия SOAP 1.2 не поддерживается этой точкой подключения: используйте SOAP 1.1');
  }
  const body = root.children.find((c) => c.ns === SOAP11_NS && c.local === 'Body');
  if (!body) throw new DmFault('soap:Client', 'Ошибка разбора SOAP-сообщения: отсутствует элемент soap:Body');
  const execute = body.children[0];
  if (!execute || body.children.length !== 1 || execute.ns !== DM_NS || execute.local !== 'execute') {
    const name = execute ? `{${execute.ns ?? ''}}${execute.local}` : 'пусто';
    throw new DmFault('soap:Client', `Не найдена операция веб-сервиса: ${name.slice(0, 200)} (ожидается {${DM_NS}}execute)`);
  }
  const request = execute.children.find((c) => c.local === 'request');
  if (!request || execute.children.length !== 1 || request.ns !== DM_NS) {
    throw new DmFault('soap:Client', `Ошибка преобразования данных XDTO: не заполнено свойство request операции {${DM_NS}}execute`);
  }
  return request;
}

function faultResponse(code: FaultCode, text: string, status: number): MockResponse {
  return { status, headers: { 'content-type': XML_CT }, body: soapFault(code, text) };
}

/**
 * How kit-level errors look on this mock: an injected `http-error` / `rate-limit`, or a body
 * over the cap, answers with a SOAP Fault and the chosen status.
 */
export const dmErrorResponder: ErrorResponder = ({ status, message, cause }) => {
  const text =
    message ??
    (cause === 'too-large'
      ? 'Превышен допустимый размер запроса'
      : status === 429
        ? 'Превышено допустимое количество одновременных запросов'
        : status === 503
          ? 'Сервис временно недоступен'
          : status >= 500
            ? 'Ошибка при выполнении операции: внутренняя ошибка сервера 1С:Предприятия'
            : `Ошибка обработки запроса (HTTP ${status})`);
  return faultResponse(status >= 500 ? 'soap:Server' : 'soap:Client', text, status);
};

/**
 * The request type for recording and fault matching: `wsdl`, or the local name of the xsi:type
 * of `<request>`, found with a cheap scan of the start of the body (no parse).
 */
export function classifyDmRequest(req: MockRequest): string | null {
  if (req.method === 'GET' && (req.query.has('wsdl') || req.query.has('WSDL'))) return 'wsdl';
  const head = req.body.subarray(0, 65536).toString('utf8');
  const m = /<(?:[\w.-]+:)?request\b[^>]*?\btype\s*=\s*["'](?:[\w.-]+:)?([\w.-]+)["']/.exec(head);
  return m ? m[1] : null;
}
