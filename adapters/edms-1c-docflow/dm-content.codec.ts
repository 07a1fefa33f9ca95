import { PassThrough, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import sax from 'sax';

/**
 * File content inside DMService XML without holding the file in memory: `binaryData` is base64
 * text in the SOAP body both ways, so a 20 MB contract is a 27 MB element. Requests are written
 * as a stream (XML head, base64 of the file chunk by chunk, XML tail, with an exact
 * Content-Length); answers are read with a streaming SAX parser that decodes `binaryData` as it
 * arrives and collects only the small rest of the answer.
 */

/** Where the content goes in a request body built with the ordinary XML builder. */
export const CONTENT_PLACEHOLDER = 'CABINET-HUB-BINARY-CONTENT-7f3c';

/** Length of the padded base64 of `size` bytes. */
export function base64Length(size: number): number {
  return 4 * Math.ceil(size / 3);
}

/** Base64 of a byte stream, re-chunked on 3-byte boundaries so that the pieces concatenate to one valid base64 text. */
export async function* base64Chunks(content: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const chunk of content) {
    const bytes = carry.length ? Buffer.concat([carry, Buffer.from(chunk)]) : Buffer.from(chunk);
    const whole = bytes.length - (bytes.length % 3);
    if (whole) yield Buffer.from(bytes.subarray(0, whole).toString('base64'), 'latin1');
    carry = Buffer.from(bytes.subarray(whole));
  }
  if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
}

/**
 * A request body with the content streamed in at {@link CONTENT_PLACEHOLDER}, and its exact length
 * in bytes (1C publications behind IIS or Apache may refuse chunked request bodies).
 * @throws Error when the XML does not hold the placeholder exactly once
 */
export function streamedBody(xml: string, content: Readable, size: number): { body: Readable; length: number } {
  const parts = xml.split(CONTENT_PLACEHOLDER);
  if (parts.length !== 2) throw new Error('request XML must hold the content placeholder exactly once');
  const head = Buffer.from(parts[0], 'utf8');
  const tail = Buffer.from(parts[1], 'utf8');
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    yield* base64Chunks(content);
    yield tail;
  }
  return { body: Readable.from(all(), { objectMode: false }), length: head.length + base64Length(size) + tail.length };
}

/** Decodes base64 text arriving in pieces of any length (whitespace and line breaks allowed, as 1C wraps at 76). */
export class Base64Decoder {
  private pending = '';

  /** Bytes decodable so far. */
  push(text: string): Buffer {
    const clean = this.pending + text.replace(/[\s]/g, '');
    const whole = clean.length - (clean.length % 4);
    this.pending = clean.slice(whole);
    return whole ? Buffer.from(clean.slice(0, whole), 'base64') : Buffer.alloc(0);
  }

  /** The rest; throws when the text did not end on a base64 boundary. */
  end(): Buffer {
    if (this.pending.length) throw new Error('base64 content ends mid-quantum');
    return Buffer.alloc(0);
  }
}

/** What {@link extractContent} found besides the content: a DMError, or nothing to extract. */
export interface ExtractedAnswer {
  /** `xsi:type` of `return`, without its prefix. */
  returnType?: string;
  /** Text of `subject` / `description` / `message` of a DMError answer. */
  error?: { subject: string; description: string };
  /** Whether a `binaryData` element was found (and streamed to the sink). */
  found: boolean;
}

/**
 * Reads a DMService answer (a byte stream) and streams the decoded content of its first
 * `binaryData` element to `sink` as it arrives; the sink's promise decides the result. Refuses
 * DOCTYPEs and entities other than the five predefined ones, like the non-streaming reader.
 */
export async function extractContent<T>(answer: AsyncIterable<Uint8Array>, sink: (content: Readable) => Promise<T>): Promise<{ answer: ExtractedAnswer; result?: T }> {
  // strictEntities: only the five XML entities are expanded; any other `&name;` is an error.
  // position: sax hands long text out in 64 KiB pieces only while it tracks its position.
  const parser = sax.parser(true, { xmlns: true, trim: false, position: true, strictEntities: true } as sax.SAXOptions);
  const utf8 = new StringDecoder('utf8');
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  // The sink sees a failure through its own reads; without one listening, an error must not crash the process.
  out.on('error', () => undefined);
  const decoder = new Base64Decoder();
  const info: ExtractedAnswer = { found: false };
  let inContent = false;
  let done = false;
  let field: string | undefined;
  let text = '';
  let failure: Error | undefined;
  let sinkPromise: Promise<T> | undefined;
  let sinkStopped = false;

  parser.ondoctype = () => {
    failure = new Error('1C answered with a DOCTYPE; refused');
  };
  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    if (t.local === 'return') {
      const type = t.attributes['xsi:type'] ?? Object.values(t.attributes).find((a) => a.local === 'type' && a.uri === 'http://www.w3.org/2001/XMLSchema-instance');
      const value = typeof type === 'string' ? type : type?.value;
      if (value) info.returnType = value.replace(/^.*:/, '');
    }
    if (t.local === 'binaryData' && !done && !info.found) {
      info.found = true;
      inContent = true;
      sinkPromise = sink(out);
      // The sink starts reading now; an error in it must not go unhandled while we parse on.
      sinkPromise.catch(() => undefined);
    }
    if (info.returnType === 'DMError' && ['subject', 'description', 'message', 'errorDescription'].includes(t.local)) {
      field = t.local;
      text = '';
    }
  };
  parser.ontext = (chunk) => {
    if (inContent) {
      const bytes = decoder.push(chunk);
      if (bytes.length) out.write(bytes);
    } else if (field) text += chunk.slice(0, 2000 - text.length);
  };
  parser.onclosetag = (name) => {
    const local = name.replace(/^.*:/, '');
    if (inContent && local === 'binaryData') {
      inContent = false;
      done = true;
      try {
        decoder.end();
        out.end();
      } catch (e) {
        out.destroy(e as Error);
      }
    }
    if (field && local === field) {
      info.error = { subject: info.error?.subject ?? '', description: info.error?.description ?? '' };
      if (field === 'subject') info.error.subject = text.trim();
      else if (!info.error.description) info.error.description = text.trim();
      field = undefined;
    }
  };
  parser.onerror = (e) => {
    failure = new Error(`1C answered with XML that cannot be parsed (${e.message.split('\n')[0]})`);
  };

  try {
    for await (const chunk of answer) {
      // Back-pressure: wait while the sink has not taken what was decoded (or until it gave up).
      if (out.writableNeedDrain) {
        const settled = sinkPromise?.then(
          () => 'settled',
          () => 'settled',
        );
        if ((await Promise.race([new Promise<string>((resolve) => out.once('drain', () => resolve('drain'))), ...(settled ? [settled] : [])])) === 'settled') {
          sinkStopped = true;
          break;
        }
      }
      parser.write(utf8.write(Buffer.from(chunk)));
      if (failure) break;
    }
    if (!failure) parser.write(utf8.end()).close();
  } catch (e) {
    failure = failure ?? (e as Error);
  }
  if (sinkStopped && sinkPromise) {
    out.destroy();
    await sinkPromise; // its rejection is the reason
    throw new Error('the content sink stopped before the content ended');
  }
  if (failure || (inContent && !done)) {
    out.destroy(failure ?? new Error('1C answer ended inside binaryData'));
    if (sinkPromise) await sinkPromise.catch(() => undefined);
    throw failure ?? new Error('1C answer ended inside binaryData');
  }
  return { answer: info, ...(sinkPromise ? { result: await sinkPromise } : {}) };
}
