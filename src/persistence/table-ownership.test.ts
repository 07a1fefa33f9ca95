import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every table has one repository that holds all SQL on it (conventions.md). This test reads the
 * hub's sources and fails when a statement on a table appears anywhere but in its owner.
 */
const OWNERS: Record<string, string> = {
  journal: 'src/persistence/journal.repository.ts',
  outbox: 'src/persistence/journal.repository.ts',
  cases: 'src/cases/case.repository.ts',
  audit_log: 'src/cases/case.repository.ts',
  inbox: 'src/adapter-host/attempt.repository.ts',
  delivery_attempt: 'src/adapter-host/attempt.repository.ts',
  adapter_cursor: 'src/adapter-host/adapter-cursor.repository.ts',
  notification: 'src/notifications/notification.repository.ts',
  notification_dispatch: 'src/notifications/notification.repository.ts',
  messenger_link: 'src/notifications/notification.repository.ts',
  link_token: 'src/notifications/notification.repository.ts',
  webhook_receipt: 'src/notifications/notification.repository.ts',
  file_blob: 'src/files/file-blob.repository.ts',
  file_chunk: 'src/files/file-blob.repository.ts',
  file_link_key: 'src/files/file-link-key.repository.ts',
  file_tenant: 'src/files/file-tenant.repository.ts',
  calendar: 'src/deadlines/calendar.repository.ts',
  calendar_day: 'src/deadlines/calendar.repository.ts',
  calendar_regime: 'src/deadlines/calendar.repository.ts',
  calendar_change: 'src/deadlines/calendar.repository.ts',
  case_deadline: 'src/deadlines/deadline.repository.ts',
  kpi_exclusion: 'src/deadlines/deadline.repository.ts',
  chain_entry: 'src/evidence/chain.repository.ts',
  chain_head: 'src/evidence/chain.repository.ts',
  chain_cursor: 'src/evidence/chain.repository.ts',
  chain_checkpoint: 'src/evidence/chain.repository.ts',
  chain_checkpoint_head: 'src/evidence/chain.repository.ts',
  admin_login: 'src/admin/auth/admin-session.repository.ts',
  admin_session: 'src/admin/auth/admin-session.repository.ts',
  admin_token: 'src/admin/auth/admin-session.repository.ts',
  dead_letter: 'src/admin/dead-letters/dead-letter.repository.ts',
  dead_letter_plan: 'src/admin/dead-letters/dead-letter.repository.ts',
  dead_letter_edit: 'src/admin/dead-letters/dead-letter.repository.ts',
  adapter_override: 'src/adapter-host/adapter-override.repository.ts',
};

/**
 * Written exceptions. The ingress batch statement opens cases (with their first audit line) in
 * the same statement as the journal write: one round trip per batch is what lets the journal keep
 * pace with the broker (shared/baselines.md), and a second statement would double it.
 */
const EXCEPTIONS: { table: string; file: string; readOnly?: boolean }[] = [
  { table: 'cases', file: 'src/persistence/journal.repository.ts' },
  { table: 'audit_log', file: 'src/persistence/journal.repository.ts' },
  /*
   * The chain is computed from exactly the stored rows, in the chainer's one snapshot, and
   * `journal verify` and the evidence export recompute it the same way; evidence sits below cases
   * in the layers, so it cannot ask CaseRepository. It only reads these tables (checked below).
   */
  { table: 'journal', file: 'src/evidence/chain.repository.ts', readOnly: true },
  { table: 'audit_log', file: 'src/evidence/chain.repository.ts', readOnly: true },
  { table: 'cases', file: 'src/evidence/chain.repository.ts', readOnly: true },
];

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'migrations' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function statementsOn(text: string, table: string): number {
  const re = new RegExp(`\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|FROM|JOIN)\\s+${table}\\b`, 'g');
  return (text.match(re) ?? []).length;
}

describe('table ownership', () => {
  const files = sources(join(root, 'src')).map((p) => ({ path: relative(root, p), text: readFileSync(p, 'utf8') }));

  it('finds the hub sources', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it.each(Object.entries(OWNERS))('%s is written and read only in %s', (table, owner) => {
    const offenders = files
      .filter((f) => f.path !== owner && !EXCEPTIONS.some((e) => e.table === table && e.file === f.path))
      .filter((f) => statementsOn(f.text, table) > 0)
      .map((f) => f.path);
    expect(offenders).toEqual([]);
    expect(statementsOn(files.find((f) => f.path === owner)?.text ?? '', table)).toBeGreaterThan(0);
  });

  it.each(EXCEPTIONS.filter((e) => e.readOnly))('$file only reads $table', ({ table, file }) => {
    const text = files.find((f) => f.path === file)?.text ?? '';
    expect(text.match(new RegExp(`\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE)\\s+${table}\\b`, 'g')) ?? []).toEqual([]);
    expect(statementsOn(text, table)).toBeGreaterThan(0);
  });

  it('knows every table the migrations create', () => {
    const created = sources(join(root, 'src', 'persistence'))
      .concat(readdirSync(join(root, 'src', 'persistence', 'migrations')).map((n) => join(root, 'src', 'persistence', 'migrations', n)))
      .flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]));
    expect(created.length).toBeGreaterThan(0);
    expect([...new Set(created)].filter((t) => !OWNERS[t])).toEqual([]);
  });
});
