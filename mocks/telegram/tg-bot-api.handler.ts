import type { MockHandler, MockRequest } from '../_kit';
import type { TgBotContext } from './tg-bot.context';
import { errorResponse, okResponse, TgApiError } from './tg-envelope.codec';
import type { TgMethodEntry } from './tg-methods.registry';
import { readTgParams } from './tg-params.reader';

/** What the HTTP face of the Bot API needs. */
export interface TgApiHandlerDeps {
  botByToken(token: string): TgBotContext | undefined;
  methods: ReadonlyMap<string, TgMethodEntry>;
}

/** `/bot<token>/<method>` split, or null for any other path. */
export function parseBotPath(path: string): { token: string; method: string } | null {
  const m = /^\/bot([^/]*)\/(.*)$/.exec(path);
  if (!m) return null;
  try {
    return { token: decodeURIComponent(m[1]), method: decodeURIComponent(m[2]) };
  } catch {
    return null;
  }
}

/**
 * Routes `GET|POST /bot<token>/<method>`: unknown token 401 `Unauthorized` (checked first, as
 * Telegram does), unknown method 404 `Not Found`, then the method. Every answer, whatever its
 * status, is the JSON envelope; an unexpected exception is a 500 in the same envelope, never the
 * kit's plain-text 500.
 */
export function createTgApiHandler(deps: TgApiHandlerDeps): MockHandler {
  return async (req) => {
    try {
      const route = parseBotPath(req.path);
      if (route === null || (req.method !== 'GET' && req.method !== 'POST')) throw new TgApiError(404, 'Not Found');
      const bot = deps.botByToken(route.token);
      if (bot === undefined) throw new TgApiError(401, 'Unauthorized');
      const entry = deps.methods.get(route.method.toLowerCase());
      if (entry === undefined) throw new TgApiError(404, 'Not Found');
      const outcome = await entry.run(bot, readTgParams(req));
      return okResponse(outcome.result, outcome.description);
    } catch (err) {
      if (err instanceof TgApiError) return errorResponse(err);
      return errorResponse(new TgApiError(500, 'Internal Server Error'));
    }
  };
}

/**
 * The request type for recording and fault matching: the canonical method name
 * (`sendMessage` for `/bot…/sendmessage` too), the path's method segment when unknown, null
 * for other paths.
 */
export function classifyTgRequest(req: MockRequest, methods: ReadonlyMap<string, TgMethodEntry>): string | null {
  const route = parseBotPath(req.path);
  if (route === null) return null;
  return methods.get(route.method.toLowerCase())?.name ?? (route.method || null);
}
