import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's first schema. Tables are unqualified: the data source sets search_path to the
 * configured schema, so one database can hold several hubs (and every test its own schema).
 */
export class Initial1732320000000 implements MigrationInterface {
  name = 'Initial1732320000000';

  async up(q: QueryRunner): Promise<void> {
    // Everything that entered or left the hub, valid or not. body keeps the bytes as received
    // (cut at the body limit) as evidence; dedupe_key is set only for accepted inbound events and
    // is what makes "the same (source, id) twice" a no-op.
    await q.query(`
      CREATE TABLE journal (
        id              uuid PRIMARY KEY,
        received_at     timestamptz NOT NULL DEFAULT now(),
        direction       text NOT NULL CHECK (direction IN ('in', 'out')),
        via             text NOT NULL,
        status          text NOT NULL CHECK (status IN ('accepted', 'rejected', 'emitted')),
        tenant          text,
        source          text,
        event_id        text,
        type            text,
        subject         text,
        correlation_id  text,
        dedupe_key      text UNIQUE,
        routes          text[] NOT NULL DEFAULT '{}',
        errors          jsonb,
        body            bytea,
        body_size       integer NOT NULL,
        body_truncated  boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE INDEX journal_received_brin ON journal USING brin (received_at)`);
    await q.query(`CREATE INDEX journal_subject_idx ON journal (tenant, subject) WHERE subject IS NOT NULL`);

    // Transactional outbox of the events the hub emits (message.rejected now; registrations,
    // statuses and answers with the adapters): written in the same transaction as the change that
    // causes them, deleted once the broker confirmed the publish. Routed copies of inbound events
    // need no row: their unacked source message in hub.ingress plays that part.
    await q.query(`
      CREATE TABLE outbox (
        id          bigserial PRIMARY KEY,
        journal_id  uuid NOT NULL,
        exchange    text NOT NULL,
        routing_key text NOT NULL,
        properties  jsonb NOT NULL,
        payload     bytea NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);

    // Consumer-side idempotency: (consumer, message id) is processed at most once.
    await q.query(`
      CREATE TABLE inbox (
        consumer     text NOT NULL,
        message_id   text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);

    // One row per attempt to hand a message to an external system, with redacted summaries.
    await q.query(`
      CREATE TABLE delivery_attempt (
        id               bigserial PRIMARY KEY,
        journal_id       uuid,
        message_id       text NOT NULL,
        consumer         text NOT NULL,
        attempt          integer NOT NULL,
        started_at       timestamptz NOT NULL,
        duration_ms      integer NOT NULL,
        outcome          text NOT NULL CHECK (outcome IN ('ok', 'transient', 'permanent', 'duplicate')),
        error            text,
        request_summary  jsonb,
        response_summary jsonb
      )`);
    await q.query(`CREATE INDEX delivery_attempt_message_idx ON delivery_attempt (message_id)`);

    // A case is one appeal or application as the hub knows it: its ids in every back office,
    // its current status and a version that orders updates.
    await q.query(`
      CREATE TABLE cases (
        id           uuid PRIMARY KEY,
        tenant       text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('appeal', 'application')),
        case_ref     text NOT NULL,
        status       text NOT NULL,
        status_at    timestamptz NOT NULL,
        version      integer NOT NULL DEFAULT 1,
        external_ids jsonb NOT NULL DEFAULT '{}',
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant, kind, case_ref)
      )`);

    // Who changed what, from what, to what, when (seed 001's audit requirement).
    await q.query(`
      CREATE TABLE audit_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        entity      text NOT NULL,
        entity_id   uuid NOT NULL,
        attribute   text NOT NULL,
        old_value   text,
        new_value   text,
        actor       text NOT NULL,
        journal_id  uuid
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_log', 'cases', 'delivery_attempt', 'inbox', 'outbox', 'journal']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
