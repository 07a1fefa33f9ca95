import type { NextFunction, Request, Response } from 'express';

/**
 * Headers of every console response: scripts and styles only from the hub itself (htmx is served
 * by the hub), no framing (clickjacking of the redrive buttons), no sniffing, no referrer to other
 * sites. Pages are never cached: they show personal data and change with every action.
 */
export function consoleHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
}
