/**
 * Test helpers: a bare SMTP client that shows the reply lines exactly as the server wrote them,
 * nodemailer transports against a running mock, and an admin HTTP caller.
 */
import net from 'node:net';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { RunningSmtpMock } from './index';

/** A reply as read off the wire: every line, and the code of the last one. */
export interface WireReply {
  code: number;
  lines: string[];
}

/** A plain-text SMTP session driven line by line. */
export interface RawSmtpSession {
  greeting: WireReply;
  /** Sends one command line (CRLF added) and reads the whole reply. */
  command(line: string): Promise<WireReply>;
  /** Reads the next reply without sending anything (e.g. a 421 the server sent on its own). */
  read(): Promise<WireReply>;
  /** Writes bytes as they are and reads one reply (for DATA content ending in CRLF.CRLF). */
  send(data: string | Buffer): Promise<WireReply>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  close(): void;
}

/** Opens a raw SMTP session and reads the greeting. */
export async function rawSession(port: number, host = '127.0.0.1'): Promise<RawSmtpSession> {
  const socket = net.connect(port, host);
  socket.setEncoding('latin1');
  let buffer = '';
  let waiter: (() => void) | null = null;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    waiter?.();
  });
  socket.on('close', () => waiter?.());
  socket.on('error', () => undefined);

  const readReply = async (): Promise<WireReply> => {
    const lines: string[] = [];
    for (;;) {
      const eol = buffer.indexOf('\r\n');
      if (eol === -1) {
        if (socket.destroyed || socket.readableEnded) throw new Error(`connection closed; read so far: ${JSON.stringify(lines)}`);
        await new Promise<void>((resolve) => (waiter = resolve));
        waiter = null;
        continue;
      }
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      lines.push(line);
      if (line.length < 4 || line[3] !== '-') return { code: Number(line.slice(0, 3)), lines };
    }
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const greeting = await readReply();
  return {
    greeting,
    command: (line) => {
      socket.write(`${line}\r\n`, 'latin1');
      return readReply();
    },
    read: readReply,
    send: (data) => {
      socket.write(data);
      return readReply();
    },
    closed,
    close: () => socket.destroy(),
  };
}

/** SMTP options that make nodemailer talk to the mock (STARTTLS with the unverifiable test certificate). */
export function transportOptions(smtp: RunningSmtpMock, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: false,
    auth: { user: smtp.users[0].user, pass: smtp.users[0].pass },
    tls: { rejectUnauthorized: false },
    ...extra,
  };
}

/** A nodemailer transport against the mock. */
export function transport(smtp: RunningSmtpMock, extra: Record<string, unknown> = {}): Transporter {
  return nodemailer.createTransport(transportOptions(smtp, extra) as Parameters<typeof nodemailer.createTransport>[0]);
}

/** Sends and returns the error nodemailer rejects with (fails the test when it succeeds). */
export async function sendError(t: Transporter, mail: SendMailOptions): Promise<Error & Record<string, unknown>> {
  try {
    const info = await t.sendMail(mail);
    throw new Error(`expected a refusal, got ${JSON.stringify(info.response)}`);
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
}

/** Calls the admin API; the body is JSON-encoded unless it is a string. */
export async function adminCall(smtp: RunningSmtpMock, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${smtp.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A plain message from the default sender. */
export function mail(extra: SendMailOptions = {}): SendMailOptions {
  return { from: 'Кабінет громадянина <hub@cabinet.example.org>', to: 'ivan@example.org', subject: 'Test', text: 'Hello', ...extra };
}
