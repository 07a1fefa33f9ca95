import express from 'express';
import sjson from 'secure-json-parse';

/**
 * Reads an admin request's body: JSON (parsed without prototype keys) or an HTML form (into an
 * object without a prototype; a repeated field becomes an array). Anything else, an oversized
 * body or invalid UTF-8 gets a 400/413 with a reason and never reaches a controller.
 */
export function adminBody(limit: number): express.RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    raw(req, res, (err?: unknown) => {
      const fail = (status: number, reason: string) => void res.status(status).json({ errors: [{ pointer: '', reason }] });
      if (err) return (err as { type?: string }).type === 'entity.too.large' ? fail(413, `body larger than ${limit} bytes`) : fail(400, 'the request body could not be read');
      const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        return fail(400, 'the body is not valid UTF-8');
      }
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      if (!text.length) {
        req.body = Object.create(null);
        return next();
      }
      if (type === 'application/json') {
        try {
          const v: unknown = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(400, 'the body must be a JSON object');
          req.body = v;
        } catch {
          return fail(400, 'the body is not valid JSON (or has __proto__/constructor keys)');
        }
        return next();
      }
      if (type === 'application/x-www-form-urlencoded') {
        const out: Record<string, unknown> = Object.create(null);
        for (const [k, v] of new URLSearchParams(text)) {
          const prev = out[k];
          out[k] = prev === undefined ? v : Array.isArray(prev) ? [...(prev as string[]), v] : [prev, v];
        }
        req.body = out;
        return next();
      }
      fail(415, 'send application/json or an HTML form (application/x-www-form-urlencoded)');
    });
  };
}
