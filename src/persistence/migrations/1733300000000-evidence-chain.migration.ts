import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident journal (README, "Tamper-evident journal and evidence packs").
 *
 * - `journal.tx` / `audit_log.tx`: the id of the transaction that wrote the row. Added nullable
 *   without a default first and then given one, so PostgreSQL rewrites no existing row (old rows
 *   keep NULL and are chained by time once, the "backfill"). The ingress statement does not name
 *   the column: the default fills it, so the hot path keeps its one statement.
 * - `chain_entry`: one hash chain per tenant over every journal and audit row, written by the
 *   chainer (a leader job) in the order transactions became visible; `chain_head` the tip of each
 *   chain; `chain_cursor` the snapshot up to which rows are chained.
 * - `chain_checkpoint` (+ `_head`): the heads time-stamped by an RFC 3161 authority.
 * - Triggers refuse UPDATE, DELETE (row level) and TRUNCATE (statement level) on journal,
 *   audit_log, chain_entry and the checkpoint tables. The one exception is erasing a journal
 *   body through `hub_erase_journal_body`, which writes its own audit line first.
 */
export class EvidenceChain1733300000000 implements MigrationInterface {
  name = 'EvidenceChain1733300000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = (await q.query(`SELECT quote_ident(current_schema()) AS schema`)) as { schema: string }[];
    for (const t of ['journal', 'audit_log']) {
      await q.query(`ALTER TABLE ${t} ADD COLUMN tx xid8`);
      await q.query(`ALTER TABLE ${t} ALTER COLUMN tx SET DEFAULT pg_current_xact_id()`);
      // The chainer reads a range of transaction ids per round. A btree: PostgreSQL 15 has no
      // BRIN operator class for xid8, and the key only grows, so every insert lands on the
      // rightmost leaf (the same pattern as the UUIDv7 primary key). Its cost on the ingress is
      // measured in README, "Tamper-evident journal and evidence packs".
      await q.query(`CREATE INDEX ${t}_tx_idx ON ${t} (tx)`);
    }

    await q.query(`
      CREATE TABLE chain_entry (
        tenant          text NOT NULL,
        seq             bigint NOT NULL CHECK (seq > 0),
        kind            text NOT NULL CHECK (kind IN ('journal', 'audit')),
        row_id          text NOT NULL,
        row_digest      bytea NOT NULL,
        payload_digest  bytea,
        prev_hash       bytea NOT NULL,
        entry_hash      bytea NOT NULL,
        hash_v          smallint NOT NULL,
        chained_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, seq),
        UNIQUE (kind, row_id)
      )`);
    await q.query(`
      CREATE TABLE chain_head (
        tenant           text PRIMARY KEY,
        seq              bigint NOT NULL,
        entry_hash       bytea NOT NULL,
        checkpointed_seq bigint NOT NULL DEFAULT 0
      )`);
    // One row: the snapshot whose visible rows are all chained. Starting from this migration's
    // own snapshot is exact: no row had a tx before this transaction added the column.
    await q.query(`
      CREATE TABLE chain_cursor (
        id          smallint PRIMARY KEY CHECK (id = 1),
        snapshot    pg_snapshot NOT NULL,
        backfilled  boolean NOT NULL DEFAULT false,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO chain_cursor (id, snapshot) VALUES (1, pg_current_snapshot())`);
    await q.query(`
      CREATE TABLE chain_checkpoint (
        id          bigserial PRIMARY KEY,
        created_at  timestamptz NOT NULL DEFAULT now(),
        hash_v      smallint NOT NULL,
        digest      bytea NOT NULL,
        leaves      bytea[] NOT NULL,
        tsa_url     text NOT NULL,
        tsr         bytea NOT NULL,
        gen_time    timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE chain_checkpoint_head (
        checkpoint_id bigint NOT NULL REFERENCES chain_checkpoint (id),
        tenant        text NOT NULL,
        seq           bigint NOT NULL,
        head_hash     bytea NOT NULL,
        PRIMARY KEY (checkpoint_id, tenant)
      )`);
    await q.query(`CREATE INDEX chain_checkpoint_head_seq_idx ON chain_checkpoint_head (tenant, seq)`);

    // Append-only. A row trigger cannot see TRUNCATE, hence the statement trigger. A superuser can
    // still switch triggers off (session_replication_role): that is what the chain, the
    // time-stamps and the witness copies outside the database are for.
    await q.query(`
      CREATE FUNCTION hub_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'journal' THEN
          -- The one permitted change: hub_erase_journal_body() setting one body to NULL.
          IF current_setting('cabinet_hub.erase', true) = OLD.id::text AND NEW.body IS NULL
             AND (to_jsonb(NEW) - 'body') = (to_jsonb(OLD) - 'body') THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'cabinet-hub: % on % refused: the table is append-only (tamper-evident journal)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'HC002';
      END $$`);
    for (const t of ['journal', 'audit_log', 'chain_entry', 'chain_checkpoint', 'chain_checkpoint_head']) {
      await q.query(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION hub_append_only()`);
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only()`);
    }

    // Erasure of a body (data protection): only once the row is chained (its payload digest is
    // then kept in chain_entry, so the chain still verifies), with a reason, and recorded as an
    // audit line that is itself chained. SECURITY DEFINER: in the two-role setup the runtime role
    // has no UPDATE on journal and can erase only through this function.
    await q.query(`
      CREATE FUNCTION hub_erase_journal_body(p_id uuid, p_reason text, p_actor text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${schema}, pg_temp AS $$
      DECLARE d bytea;
      BEGIN
        IF p_reason IS NULL OR length(btrim(p_reason)) < 3 THEN
          RAISE EXCEPTION 'cabinet-hub: an erasure needs a reason' USING ERRCODE = 'HC003';
        END IF;
        SELECT payload_digest INTO d FROM chain_entry WHERE kind = 'journal' AND row_id = p_id::text;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'cabinet-hub: journal entry % is not chained yet (or does not exist); try again after the next chain round', p_id USING ERRCODE = 'HC004';
        END IF;
        INSERT INTO audit_log (entity, entity_id, attribute, old_value, new_value, actor, journal_id)
        VALUES ('journal', p_id, 'body', encode(d, 'hex'), 'erased: ' || p_reason, p_actor, p_id);
        PERFORM set_config('cabinet_hub.erase', p_id::text, true);
        UPDATE journal SET body = NULL WHERE id = p_id;
        PERFORM set_config('cabinet_hub.erase', '', true);
      END $$`);
    // Functions are executable by PUBLIC by default; the erasure only by the owner and the roles it grants.
    await q.query(`REVOKE EXECUTE ON FUNCTION hub_erase_journal_body(uuid, text, text) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS hub_erase_journal_body(uuid, text, text)`);
    for (const t of ['journal', 'audit_log']) {
      await q.query(`DROP TRIGGER IF EXISTS ${t}_append_only ON ${t}`);
      await q.query(`DROP TRIGGER IF EXISTS ${t}_no_truncate ON ${t}`);
      await q.query(`ALTER TABLE ${t} DROP COLUMN IF EXISTS tx`);
    }
    for (const t of ['chain_checkpoint_head', 'chain_checkpoint', 'chain_cursor', 'chain_head', 'chain_entry']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`DROP FUNCTION IF EXISTS hub_append_only()`);
  }
}
