import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `file_tenant`: which tenant's intake fetched which content. The file store is content-addressed
 * and shared, so without this a tenant naming a sha256 another tenant had sent would be given
 * that content without fetching it; with it, only a tenant's own earlier fetch saves a fetch.
 */
export class FileTenant1733000000000 implements MigrationInterface {
  name = 'FileTenant1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS file_tenant (
      tenant text NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, sha256)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS file_tenant');
  }
}
