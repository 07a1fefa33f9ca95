import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin API and console.
 * - `admin_login`: a sign-in in progress (OIDC state, nonce and PKCE verifier), kept ten minutes.
 * - `admin_session`: a signed-in person; the cookie holds a random id, the table its SHA-256 only,
 *   with the grants read from the provider at sign-in and the CSRF token of the session.
 * - `admin_token`: API tokens for automation, stored as SHA-256 only, each with its grants and
 *   an expiry; revoked tokens stay (the audit names them).
 * - `audit_log.tenant`: whose chain an admin action's audit line joins. Case lines find their
 *   tenant through the case; an admin action (a redrive, a breaker opened by hand) names it.
 *   The hashed document is unchanged (hash_v 1): the tenant only picks the chain.
 */
export class Admin1733400000000 implements MigrationInterface {
  name = 'Admin1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE admin_login (
      state_hash    text PRIMARY KEY,
      code_verifier text NOT NULL,
      nonce         text NOT NULL,
      return_to     text NOT NULL,
      expires_at    timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE admin_session (
      id_hash      text PRIMARY KEY,
      subject      text NOT NULL,
      name         text NOT NULL,
      grants       text[] NOT NULL,
      csrf         text NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at   timestamptz NOT NULL,
      ended_at     timestamptz
    )`);
    await q.query(`CREATE INDEX admin_session_expires_idx ON admin_session (expires_at)`);
    await q.query(`CREATE TABLE admin_token (
      id           uuid PRIMARY KEY,
      name         text NOT NULL,
      token_hash   text NOT NULL UNIQUE,
      grants       text[] NOT NULL,
      created_by   text NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      expires_at   timestamptz NOT NULL,
      revoked_at   timestamptz,
      last_used_at timestamptz
    )`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN tenant text`);
    await q.query(`CREATE INDEX audit_log_admin_idx ON audit_log (tenant, at) WHERE entity = 'admin'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS audit_log_admin_idx');
    await q.query('ALTER TABLE audit_log DROP COLUMN IF EXISTS tenant');
    for (const t of ['admin_token', 'admin_session', 'admin_login']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
