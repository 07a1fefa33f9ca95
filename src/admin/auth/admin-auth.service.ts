import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { AdminSessionRepository, type TokenRow } from './admin-session.repository';
import { grantStrings, parseGrants, type Grants } from './admin.roles';

/** The session cookie's name. */
export const SESSION_COOKIE = 'hub_console';
/** API tokens start with this, so a leaked one is recognisable (secret scanners) and never confused with a publisher token. */
export const TOKEN_PREFIX = 'chb_';

/** Who is asking: a signed-in person or an API token, with their grants. */
export interface Principal {
  kind: 'session' | 'token';
  /** The provider's subject, or the token's id. */
  id: string;
  /** A display name: the person's name from the provider, or the token's name. */
  name: string;
  grants: Grants;
  /** How the audit names them: `oidc:<subject> (<name>)` or `token:<id> (<name>)`. */
  actor: string;
  /** The session's CSRF token (sessions only: a bearer token cannot be sent by a foreign page). */
  csrf?: string;
  /** The session id's hash (sessions only), for sign-out. */
  sessionHash?: string;
}

/** How log lines name a principal: the provider's subject or the token id, never a person's name (logs hold no personal data). */
export const logActor = (p: Principal): string => `${p.kind === 'session' ? 'oidc' : 'token'}:${p.id}`;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Compares two strings in constant time (equal lengths first, so nothing about the secret leaks by timing). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of one cookie in a Cookie header (no library: one name, base64url values). */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * Sessions and API tokens: creating them, recognising them on a request. Secrets are random
 * 32-byte values shown once; only their SHA-256 is stored, so a copy of the database signs no
 * one in.
 */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AdminSessionRepository,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** The principal of a request: a bearer API token, else the session cookie; undefined if neither is valid. */
  async principalOf(req: Request): Promise<Principal | undefined | 'invalid-token'> {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m || !m[1].startsWith(TOKEN_PREFIX)) return 'invalid-token';
      const token = await this.tx.run((tx) => this.repo.useToken(tx, sha256(m[1])));
      return token ? tokenPrincipal(token) : 'invalid-token';
    }
    const cookie = cookieOf(req.headers.cookie, SESSION_COOKIE);
    if (!cookie || !/^[A-Za-z0-9_-]{20,100}$/.test(cookie)) return undefined;
    const s = await this.tx.run((tx) => this.repo.touchSession(tx, sha256(cookie), this.config.console.idleMinutes));
    if (!s) return undefined;
    return { kind: 'session', id: s.subject, name: s.name, grants: parseGrants(s.grants), actor: `oidc:${s.subject} (${s.name})`, csrf: s.csrf, sessionHash: s.idHash };
  }

  /** Starts a session; returns the cookie value (shown to the browser only). */
  async startSession(subject: string, name: string, grants: Grants): Promise<{ cookie: string; principal: Principal }> {
    const cookie = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const idHash = sha256(cookie);
    await this.tx.run((tx) => this.repo.createSession(tx, { idHash, subject, name, grants: grantStrings(grants), csrf, minutes: this.config.console.sessionMinutes }));
    return { cookie, principal: { kind: 'session', id: subject, name, grants, actor: `oidc:${subject} (${name})`, csrf, sessionHash: idHash } };
  }

  async endSession(sessionHash: string): Promise<void> {
    await this.tx.run((tx) => this.repo.endSession(tx, sessionHash));
  }

  /** Creates an API token: its value is returned once and never stored. */
  async createToken(name: string, grants: Grants, createdBy: string, expiresAt: Date): Promise<{ id: string; token: string }> {
    const id = uuidv7();
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.tx.run((tx) => this.repo.createToken(tx, { id, name, tokenHash: sha256(token), grants: grantStrings(grants), createdBy, expiresAt }));
    return { id, token };
  }

  listTokens(): Promise<TokenRow[]> {
    return this.tx.run((tx) => this.repo.listTokens(tx));
  }

  revokeToken(id: string): Promise<TokenRow | undefined> {
    return this.tx.run((tx) => this.repo.revokeToken(tx, id));
  }

  /** Stores a sign-in in progress under its state's hash. */
  async saveLogin(state: string, codeVerifier: string, nonce: string, returnTo: string): Promise<void> {
    await this.tx.run((tx) => this.repo.saveLogin(tx, sha256(state), { codeVerifier, nonce, returnTo }, 600));
  }

  takeLogin(state: string): Promise<{ codeVerifier: string; nonce: string; returnTo: string } | undefined> {
    return this.tx.run((tx) => this.repo.takeLogin(tx, sha256(state)));
  }
}

function tokenPrincipal(t: TokenRow): Principal {
  return { kind: 'token', id: t.id, name: t.name, grants: parseGrants(t.grants), actor: `token:${t.id} (${t.name})` };
}
