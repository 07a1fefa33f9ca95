import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: each notification and its channel attempts (one per channel at most, which is
 * what keeps a message from going out twice on a channel), messenger chats linked to citizens,
 * one-time link tokens, provider callbacks already processed, and the citizen behind a case so
 * later case events can be told to them.
 */
export class Notifications1732500000000 implements MigrationInterface {
  name = 'Notifications1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN citizen_ref text, ADD COLUMN recipient jsonb`);
    await q.query(`CREATE INDEX cases_citizen_idx ON cases (tenant, citizen_ref) WHERE citizen_ref IS NOT NULL`);

    await q.query(`
      CREATE TABLE notification (
        id             text PRIMARY KEY,
        tenant         text NOT NULL,
        case_ref       text,
        template       text NOT NULL,
        locale         text NOT NULL,
        priority       text NOT NULL,
        mandatory      boolean NOT NULL,
        variables      jsonb NOT NULL,
        plan           jsonb NOT NULL,
        outcome        text NOT NULL CHECK (outcome IN ('in-progress', 'delivered', 'failed', 'suppressed')),
        cause_id       text,
        correlation_id text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE notification_dispatch (
        id                  uuid PRIMARY KEY,
        notification_id     text NOT NULL REFERENCES notification (id),
        seq                 integer NOT NULL,
        channel             text NOT NULL,
        adapter             text NOT NULL,
        status              text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed')),
        provider_message_id text,
        failure             jsonb,
        send_by             timestamptz NOT NULL,
        confirm_by          timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (notification_id, channel)
      )`);
    await q.query(`CREATE INDEX dispatch_provider_idx ON notification_dispatch (adapter, provider_message_id) WHERE provider_message_id IS NOT NULL`);
    await q.query(`CREATE INDEX dispatch_queued_idx ON notification_dispatch (send_by) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX dispatch_sent_idx ON notification_dispatch (adapter, confirm_by) WHERE status = 'sent'`);

    await q.query(`
      CREATE TABLE messenger_link (
        tenant      text NOT NULL,
        citizen_ref text NOT NULL,
        channel     text NOT NULL,
        address     text NOT NULL,
        adapter     text NOT NULL,
        locale      text,
        active      boolean NOT NULL,
        changed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, channel, address)
      )`);
    await q.query(`CREATE INDEX messenger_link_citizen_idx ON messenger_link (tenant, citizen_ref)`);
    await q.query(`CREATE INDEX messenger_link_address_idx ON messenger_link (channel, address)`);

    // Only a hash of the token is kept: the table must not be a list of working link tokens.
    await q.query(`
      CREATE TABLE link_token (
        token_hash  text PRIMARY KEY,
        tenant      text NOT NULL,
        citizen_ref text NOT NULL,
        locale      text,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE webhook_receipt (
        adapter     text NOT NULL,
        dedup_key   text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (adapter, dedup_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_receipt', 'link_token', 'messenger_link', 'notification_dispatch', 'notification']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS recipient, DROP COLUMN IF EXISTS citizen_ref`);
  }
}
