import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters kept in PostgreSQL, so an operator can browse, redrive, edit and discard them
 * (RabbitMQ cannot browse a queue without changing it).
 * - `dead_letter`: one failed message moved out of a `*.dlq` queue by the keeper, with its reason,
 *   route, headers, properties and exact body. `keep_key` makes the move idempotent: a DLQ message
 *   redelivered after a crash (or taken by a competing hub instance) is stored once. Rows are never
 *   deleted: a discarded, redriven or replayed letter stays as evidence with its body.
 * - `dead_letter_plan`: a redrive plan (the letters chosen, in deadline order) and, once started,
 *   the rate-limited background job that works through it; its state lives here so the job
 *   survives a restart and can be cancelled from any instance.
 * - `dead_letter_edit`: an edited body proposed for replay, its diff, and the second person's
 *   decision when the edit changes citizen data.
 */
export class DeadLetters1733500000000 implements MigrationInterface {
  name = 'DeadLetters1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dead_letter (
      id                   uuid PRIMARY KEY,
      keep_key             text NOT NULL UNIQUE,
      queue                text NOT NULL,
      tenant               text NOT NULL,
      message_id           text,
      event_id             text,
      type                 text,
      case_ref             text,
      case_id              uuid,
      original_exchange    text,
      original_routing_key text,
      reason               text NOT NULL,
      error_class          text NOT NULL,
      attempts             integer NOT NULL DEFAULT 1,
      failed_at            timestamptz NOT NULL,
      headers              jsonb NOT NULL,
      properties           jsonb NOT NULL,
      body                 bytea NOT NULL,
      status               text NOT NULL DEFAULT 'kept' CHECK (status IN ('kept', 'redriving', 'redriven', 'discarded', 'replayed')),
      plan_id              uuid,
      redrive_count        integer NOT NULL DEFAULT 0,
      kept_at              timestamptz NOT NULL DEFAULT now(),
      updated_at           timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX dead_letter_list_idx ON dead_letter (tenant, queue, status, failed_at DESC)`);
    await q.query(`CREATE INDEX dead_letter_case_idx ON dead_letter (tenant, case_id) WHERE case_id IS NOT NULL`);
    await q.query(`CREATE TABLE dead_letter_plan (
      id              uuid PRIMARY KEY,
      tenant          text NOT NULL,
      queue           text,
      filters         jsonb NOT NULL,
      letter_ids      uuid[] NOT NULL,
      total           integer NOT NULL,
      breach_24h      integer NOT NULL,
      status          text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'running', 'cancelled', 'done')),
      rate_per_second integer,
      position        integer NOT NULL DEFAULT 0,
      redriven        integer NOT NULL DEFAULT 0,
      skipped         integer NOT NULL DEFAULT 0,
      created_by      text NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      started_by      text,
      start_reason    text,
      started_at      timestamptz,
      cancelled_by    text,
      cancel_reason   text,
      cancelled_at    timestamptz,
      finished_at     timestamptz,
      last_error      text
    )`);
    await q.query(`CREATE INDEX dead_letter_plan_running_idx ON dead_letter_plan (started_at) WHERE status = 'running'`);
    await q.query(`CREATE TABLE dead_letter_edit (
      id              uuid PRIMARY KEY,
      dead_letter_id  uuid NOT NULL REFERENCES dead_letter (id),
      tenant          text NOT NULL,
      body            bytea NOT NULL,
      diff            jsonb NOT NULL,
      citizen_data    boolean NOT NULL,
      status          text NOT NULL CHECK (status IN ('pending', 'rejected', 'replayed')),
      proposed_by     text NOT NULL,
      reason          text NOT NULL,
      proposed_at     timestamptz NOT NULL DEFAULT now(),
      decided_by      text,
      decision_reason text,
      decided_at      timestamptz,
      new_message_id  text
    )`);
    // One open proposal per letter: a second one waits until the first is decided.
    await q.query(`CREATE UNIQUE INDEX dead_letter_edit_pending_idx ON dead_letter_edit (dead_letter_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX dead_letter_edit_tenant_idx ON dead_letter_edit (tenant, status, proposed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['dead_letter_edit', 'dead_letter_plan', 'dead_letter']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
