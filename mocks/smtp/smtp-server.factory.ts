import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startsWithEnhancedCode } from './smtp-reply.codec';
import type { SessionHandlers } from './smtp-session.handler';

/** How the SMTP listener is configured. */
export interface SmtpListenerConfig {
  hostname: string;
  banner: string;
  secure: boolean;
  sizeLimit: number;
  allowInsecureAuth: boolean;
  socketTimeoutMs: number;
}

/** A listening SMTP server. */
export interface RunningSmtpServer {
  port: number;
  /** Open SMTP connections. */
  connections(): number;
  /** Answers `421 4.3.2` to every open session, drops them and stops listening. */
  close(): Promise<void>;
}

type Connection = SMTPServer['connections'] extends Set<infer C> ? C : never;

/**
 * smtp-server adds its own enhanced status code to every reply, chosen from the basic code alone
 * (554 is always 5.6.0). A reply text that already starts with one (`5.7.1 Message rejected`) is
 * the mock's choice and must go out as written, so the connections are given a `send` that then
 * asks for no added code. Every connection passes through this set's `add`.
 */
class EnhancedCodeGuard extends Set<Connection> {
  override add(connection: Connection): this {
    const send = connection.send.bind(connection);
    connection.send = (code, data, context) => send(code, data, startsWithEnhancedCode(data) ? false : context);
    return super.add(connection);
  }
}

/**
 * Starts a real SMTP server (smtp-server) with the mock's callbacks: EHLO advertises PIPELINING,
 * 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES, AUTH PLAIN LOGIN, STARTTLS (built-in test certificate)
 * and SIZE.
 */
export async function startSmtpServer(config: SmtpListenerConfig, handlers: SessionHandlers, where: { host: string; port: number }): Promise<RunningSmtpServer> {
  const server = new SMTPServer({
    ...handlers,
    name: config.hostname,
    banner: config.banner,
    secure: config.secure,
    size: config.sizeLimit,
    rejectOversized: true,
    authMethods: ['PLAIN', 'LOGIN'],
    // The mock enforces AUTH itself at MAIL FROM, so that the refusal is recorded.
    authOptional: true,
    allowInsecureAuth: config.allowInsecureAuth,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    // No per-message logging (a 100 000-message run), and no warning about the test certificate:
    // the README says clients must not verify it.
    logger: false,
    socketTimeout: config.socketTimeoutMs,
    closeTimeout: 1000,
  });
  server.connections = new EnhancedCodeGuard();
  // Client resets, TLS failures and the like arrive here; without a listener they would crash the process.
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    port,
    connections: () => server.connections.size,
    close: () => (closing ??= closeServer(server)),
  };
}

async function closeServer(server: SMTPServer): Promise<void> {
  const open = [...server.connections];
  // send(421) also closes the session.
  for (const c of open) c.send(421, '4.3.2 Service shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 200)))]);
  clearTimeout(timer);
  // Clients that keep their side open would hold the listener for seconds; a socket in the middle
  // of a STARTTLS handshake is left to smtp-server, as destroying it from below can crash Node.
  for (const c of open) if (!c._upgrading && !c._socket.destroyed) c._socket.destroy();
  await closed;
}
