import { Static, Type } from '@sinclair/typebox';
import { SECRET_KEYWORD } from '../../contracts';

/** A DNS name in ASCII (punycode for IDN), as Message-IDs and EHLO need it. */
const ASCII_HOSTNAME = '^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';

/**
 * One mailbox, optionally with a display name: `noreply@kyiv.example` or
 * `"Київ Цифровий" <noreply@kyiv.example>`. Exactly one `@` in the address, so a list of
 * senders cannot slip in.
 */
const FROM_PATTERN = '^(?:[^<>\\r\\n]*<[^<>\\s@]+@[^<>\\s@]+>|[^<>\\s@",;]+@[^<>\\s@",;]+)$';

/** Settings of an `email.smtp` instance. */
export const SmtpConfigSchema = Type.Object(
  {
    /** The SMTP server (relay or submission service): a host name or an IP address. */
    host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9._:\\[\\]-]+$' }),
    /** Default 465 with `secure`, else 587 (submission with STARTTLS). */
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    /** Implicit TLS from the first byte (port 465). Default false: plain connect, STARTTLS when offered. */
    secure: Type.Optional(Type.Boolean()),
    /** Refuse to send unless the server upgrades with STARTTLS. Default false. */
    requireTls: Type.Optional(Type.Boolean()),
    /** Verify the server's certificate. Default true; only test servers with self-signed certificates need false. */
    tlsRejectUnauthorized: Type.Optional(Type.Boolean()),
    /** AUTH user; leave out (with `password`) for relays that take mail without AUTH. */
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /** AUTH password; give it as `{ env: NAME }`. */
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, [SECRET_KEYWORD]: true })),
    /** The sender: an address, optionally with a display name, e.g. `"Київ Цифровий" <noreply@kyiv.example>`. */
    from: Type.String({ minLength: 3, maxLength: 500, pattern: FROM_PATTERN }),
    /** Right-hand side of the Message-ID `<dispatchId@domain>`. Default: the domain of `from` (punycode for IDN). */
    messageIdDomain: Type.Optional(Type.String({ pattern: ASCII_HOSTNAME })),
    /** The name given in EHLO. Default: this machine's host name; strict servers want a fully qualified one. */
    heloName: Type.Optional(Type.String({ pattern: ASCII_HOSTNAME })),
    /** Keep connections open and reuse them. Default true. */
    pool: Type.Optional(Type.Boolean()),
    /** Open connections at most, with `pool`. Default 5. */
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    /** Time to connect and to get the greeting, each. Default 10 000 ms. */
    connectionTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 300_000 })),
  },
  {
    additionalProperties: false,
    // user and password come together: an AUTH without one of them is a configuration mistake.
    // `if/then` (not `dependencies`) so the error names the missing field.
    allOf: [
      { if: { required: ['user'] }, then: { required: ['password'] } },
      { if: { required: ['password'] }, then: { required: ['user'] } },
    ],
  },
);

/** Settings of an `email.smtp` instance. */
export type SmtpConfig = Static<typeof SmtpConfigSchema>;

/** Defaults of the optional settings. */
export const SMTP_DEFAULTS = {
  secure: false,
  requireTls: false,
  tlsRejectUnauthorized: true,
  pool: true,
  maxConnections: 5,
  connectionTimeoutMs: 10_000,
} as const;

/** The port used when none is configured: 465 for implicit TLS, else 587. */
export function portOf(config: Pick<SmtpConfig, 'port' | 'secure'>): number {
  return config.port ?? (config.secure ? 465 : 587);
}
