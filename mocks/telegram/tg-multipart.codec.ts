/** One part of a `multipart/form-data` body. */
export interface MultipartPart {
  /** The `name` of the form field. */
  name: string;
  /** The `filename`, when the part is a file. */
  fileName: string | null;
  contentType: string | null;
  data: Buffer;
}

/** A body that is not valid `multipart/form-data`. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary of a `multipart/form-data` content type, or null when there is none. */
export function multipartBoundary(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/**
 * Splits a multipart body into parts. Tolerant where real clients differ: grammY writes
 * `content-disposition:form-data;name="x";filename=a b.pdf` (no spaces, unquoted file name),
 * curl writes the RFC 7578 form with quotes.
 * @throws MultipartError when the body does not follow the boundary structure
 */
export function parseMultipart(body: Buffer, boundary: string, maxParts = 1000): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos === -1) throw new MultipartError('boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // "--": the closing delimiter
    pos = skipLineBreak(body, pos);
    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd === -1 || headerEnd - pos > MAX_HEADER_BYTES) throw new MultipartError('part headers not terminated');
    const headers = parseHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    const start = headerEnd + HEADER_END.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), start);
    if (next === -1) throw new MultipartError('part not terminated by the boundary');
    if (parts.length >= maxParts) throw new MultipartError(`more than ${maxParts} parts`);
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name === null) throw new MultipartError('part without a name');
    parts.push({
      name,
      fileName: dispositionFileName(disposition),
      contentType: headers.get('content-type') ?? null,
      data: body.subarray(start, next),
    });
    pos = next + CRLF.length;
  }
}

function skipLineBreak(body: Buffer, pos: number): number {
  if (body[pos] === 0x0d && body[pos + 1] === 0x0a) return pos + 2;
  if (body[pos] === 0x0a) return pos + 1;
  throw new MultipartError('boundary not followed by a line break');
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | null {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const m = re.exec(disposition);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
}

function dispositionFileName(disposition: string): string | null {
  const extended = /(?:^|;)\s*filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch {
      // fall back to the plain parameter
    }
  }
  const quoted = /(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(disposition);
  if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
  // grammY's unquoted form is the last parameter and may contain spaces: take the rest.
  const bare = /(?:^|;)\s*filename\s*=\s*(.*)$/i.exec(disposition);
  return bare ? bare[1].trim() : null;
}
