/** Test helpers: calling the mock the way a TurboSMS client does. */

/** The default token of the mock. */
export const TOKEN = 'turbosms-demo-token';

/** A parsed TurboSMS answer. */
export interface TurboAnswer<R = unknown> {
  http: number;
  headers: Headers;
  text: string;
  body: { response_code: number; response_status: string; response_result: R };
}

/**
 * POSTs to an API path. `body` is sent as JSON unless it is a string (sent as is); `token: null`
 * sends no Authorization header.
 */
export async function call<R = unknown>(
  baseUrl: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; headers?: Record<string, string>; method?: string } = {},
): Promise<TurboAnswer<R>> {
  const token = options.token === undefined ? TOKEN : options.token;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(baseUrl + path, {
    method: options.method ?? 'POST',
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: TurboAnswer<R>['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { response_code: -1, response_status: 'UNPARSEABLE', response_result: null as R };
  }
  return { http: res.status, headers: res.headers, text, body: parsed };
}

/** One recipient entry of a send answer. */
export interface SendEntry {
  phone: string | null;
  response_code: number;
  message_id: string | null;
  response_status: string;
}

/** A send answer. */
export const send = (baseUrl: string, body: unknown, options?: Parameters<typeof call>[3]) => call<SendEntry[] | null>(baseUrl, '/message/send.json', body, options);

/** A status answer entry (either shape). */
export type StatusEntryT = Record<string, unknown> & { message_id: string; response_code: number; response_status: string };

/** A status poll. */
export const status = (baseUrl: string, ids: unknown[], options?: Parameters<typeof call>[3]) => call<StatusEntryT[] | null>(baseUrl, '/message/status.json', { messages: ids }, options);

/** A plain SMS send body. */
export function smsBody(recipients: unknown[], text = 'Ваше звернення зареєстровано', sender = 'CityInfo'): Record<string, unknown> {
  return { recipients, sms: { sender, text } };
}

/** n distinct valid Ukrainian numbers starting from an offset. */
export function phones(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `38050${String(1_000_000 + from + i).slice(-7)}`);
}

/** Resolves after ms. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
