import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';

/** A signed-in person, as the session table keeps them. */
export interface SessionRow {
  idHash: string;
  subject: string;
  name: string;
  grants: string[];
  csrf: string;
  expiresAt: Date;
  lastSeenAt: Date;
}

/** An API token as listed (never its value: only the hash is stored). */
export interface TokenRow {
  id: string;
  name: string;
  grants: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

/** A sign-in in progress. */
export interface LoginRow {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
}

/** Owner of `admin_login`, `admin_session` and `admin_token`; every method runs in the caller's transaction. */
@Injectable()
export class AdminSessionRepository {
  async saveLogin(tx: PoolClient, stateHash: string, login: LoginRow, ttlSeconds: number): Promise<void> {
    await tx.query(`DELETE FROM admin_login WHERE expires_at < now()`);
    await tx.query(`INSERT INTO admin_login (state_hash, code_verifier, nonce, return_to, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`, [
      stateHash,
      login.codeVerifier,
      login.nonce,
      login.returnTo,
      ttlSeconds,
    ]);
  }

  /** The sign-in of a state, removed as it is read: a state is good for one callback. */
  async takeLogin(tx: PoolClient, stateHash: string): Promise<LoginRow | undefined> {
    const r = await tx.query<{ code_verifier: string; nonce: string; return_to: string }>(
      `DELETE FROM admin_login WHERE state_hash = $1 AND expires_at > now() RETURNING code_verifier, nonce, return_to`,
      [stateHash],
    );
    const x = r.rows[0];
    return x ? { codeVerifier: x.code_verifier, nonce: x.nonce, returnTo: x.return_to } : undefined;
  }

  async createSession(tx: PoolClient, s: { idHash: string; subject: string; name: string; grants: string[]; csrf: string; minutes: number }): Promise<void> {
    await tx.query(`DELETE FROM admin_session WHERE expires_at < now() - interval '30 days'`);
    await tx.query(`INSERT INTO admin_session (id_hash, subject, name, grants, csrf, expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))`, [
      s.idHash,
      s.subject,
      s.name,
      s.grants,
      s.csrf,
      s.minutes,
    ]);
  }

  /** A live session (not ended, not expired, seen within the idle limit); its last-seen time moves on. */
  async touchSession(tx: PoolClient, idHash: string, idleMinutes: number): Promise<SessionRow | undefined> {
    const r = await tx.query<{ id_hash: string; subject: string; name: string; grants: string[]; csrf: string; expires_at: Date; last_seen_at: Date }>(
      `UPDATE admin_session SET last_seen_at = now()
        WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $2)
        RETURNING id_hash, subject, name, grants, csrf, expires_at, last_seen_at`,
      [idHash, idleMinutes],
    );
    const x = r.rows[0];
    return x ? { idHash: x.id_hash, subject: x.subject, name: x.name, grants: x.grants, csrf: x.csrf, expiresAt: x.expires_at, lastSeenAt: x.last_seen_at } : undefined;
  }

  async endSession(tx: PoolClient, idHash: string): Promise<boolean> {
    const r = await tx.query(`UPDATE admin_session SET ended_at = now() WHERE id_hash = $1 AND ended_at IS NULL`, [idHash]);
    return (r.rowCount ?? 0) > 0;
  }

  async createToken(tx: PoolClient, t: { id: string; name: string; tokenHash: string; grants: string[]; createdBy: string; expiresAt: Date }): Promise<void> {
    await tx.query(`INSERT INTO admin_token (id, name, token_hash, grants, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [t.id, t.name, t.tokenHash, t.grants, t.createdBy, t.expiresAt]);
  }

  /** A usable token by its hash (not revoked, not expired); its last use is recorded. */
  async useToken(tx: PoolClient, tokenHash: string): Promise<TokenRow | undefined> {
    const r = await tx.query<TokenDbRow>(
      `UPDATE admin_token SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
        RETURNING id, name, grants, created_by, created_at, expires_at, revoked_at, last_used_at`,
      [tokenHash],
    );
    return r.rows[0] ? tokenOf(r.rows[0]) : undefined;
  }

  async listTokens(tx: PoolClient): Promise<TokenRow[]> {
    const r = await tx.query<TokenDbRow>(`SELECT id, name, grants, created_by, created_at, expires_at, revoked_at, last_used_at FROM admin_token ORDER BY created_at DESC`);
    return r.rows.map(tokenOf);
  }

  /** Revokes a token; false when there is no such live token. */
  async revokeToken(tx: PoolClient, id: string): Promise<TokenRow | undefined> {
    const r = await tx.query<TokenDbRow>(
      `UPDATE admin_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id, name, grants, created_by, created_at, expires_at, revoked_at, last_used_at`,
      [id],
    );
    return r.rows[0] ? tokenOf(r.rows[0]) : undefined;
  }
}

type TokenDbRow = { id: string; name: string; grants: string[]; created_by: string; created_at: Date; expires_at: Date; revoked_at: Date | null; last_used_at: Date | null };

function tokenOf(x: TokenDbRow): TokenRow {
  return {
    id: x.id,
    name: x.name,
    grants: x.grants,
    createdBy: x.created_by,
    createdAt: x.created_at,
    expiresAt: x.expires_at,
    ...(x.revoked_at ? { revokedAt: x.revoked_at } : {}),
    ...(x.last_used_at ? { lastUsedAt: x.last_used_at } : {}),
  };
}
