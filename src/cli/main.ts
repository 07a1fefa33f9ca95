#!/usr/bin/env node
import 'reflect-metadata';
import { ADAPTERS } from '../../adapters';
import { checkAdapterInstances } from '../adapter-host/adapter.registry';
import { startHub } from '../app/hub.bootstrap';
import { ConfigError, type ConfigIssue } from '../config/config.errors';
import { loadEnvConfig } from '../config/env.config';
import { DEMO_CONFIG_PATH, loadHubConfig } from '../config/hub-config.loader';
import type { HubConfig } from '../config/hub-config.schema';
import sjson from 'secure-json-parse';
import type { NotificationChannel } from '../../contracts';
import type { Locale } from '../templates/status.labels';
import { TemplateCatalog } from '../templates/template.catalog';
import { previewTemplate } from '../templates/template.preview';
import { TransactionRunner } from '../persistence/transaction.runner';
import { CalendarChangeError, CalendarService } from '../deadlines/calendar.service';
import { CalendarRepository } from '../deadlines/calendar.repository';
import { addDays } from '../deadlines/local-date.codec';
import { userInfo } from 'node:os';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { verifyJournal } from '../evidence/journal-verify.service';
import { exportEvidencePack } from '../evidence/evidence-pack.service';
import { verifyEvidencePack } from '../evidence/evidence-verify.service';
import { createFileStore } from '../files/file-store.factory';
import { JournalRepository } from '../persistence/journal.repository';
import { AdminAuthService } from '../admin/auth/admin-auth.service';
import { AdminSessionRepository } from '../admin/auth/admin-session.repository';
import { AdminAudit, reasonOf } from '../admin/audit/admin-audit.service';
import { tokenRequestOf } from '../admin/auth/token.controller';
import { parseGrants } from '../admin/auth/admin.roles';
import { CaseRepository } from '../cases/case.repository';

const USAGE = `Usage:
  cabinet-hub start                      run the hub (configuration from CABINET_HUB_CONFIG, else the bundled demo)
  cabinet-hub config validate <file>     check a configuration file; lists every problem with its path
  cabinet-hub migrate                    apply pending database migrations and exit
  cabinet-hub templates preview <id> [--locale uk|ru|en] [--channel sms|email|telegram|viber] [--vars '{"name":"value"}']
                                         render a notification template of the configuration as citizens get it
  cabinet-hub calendar show <tenant> [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                                         the tenant's business calendar: each day and why, its version and its audit
  cabinet-hub calendar day <tenant> <YYYY-MM-DD> off|working|short|clear --reason "…" [--note "…"] [--source "…"]
                                         declare a day off (a city holiday), a working day or a shortened one; audited
  cabinet-hub calendar regime <tenant> UA_MARTIAL_LAW --from YYYY-MM-DD [--to YYYY-MM-DD] --reason "…" [--source "…"]
                                         set the martial-law regime's period (--to ends it); audited
  cabinet-hub journal verify [--tenant T]  walk the hash chains in the database; names the first broken link (exit 1)
  cabinet-hub journal erase <journalId> --reason <text> [--actor <who>]
                                         erase one journal body (data protection); the chain keeps its digest
  cabinet-hub evidence export <tenant> <caseRef> [--out <file.zip>]
                                         write the evidence pack of a case
  cabinet-hub evidence verify <file.zip> [--trust <tsa-ca.pem>]
                                         check an evidence pack offline (no database); names the first broken link
  cabinet-hub token create --name <name> --grant <tenant>:<role> [--grant …] [--days 90] --reason "…"
                                         create an API token for the admin API (shown once; roles viewer, operator, admin, auditor, pii-reader; * for every tenant)
  cabinet-hub token list                 the API tokens (never their values)
  cabinet-hub token revoke <id> --reason "…"
                                         revoke an API token; audited`;

/** Runs one CLI command and returns the process exit code. */
export async function runCli(args: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const [cmd, sub, file] = args;
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i > 0 ? args[i + 1] : undefined;
  };
  try {
    if (cmd === 'config' && sub === 'validate') {
      const path = file ?? DEMO_CONFIG_PATH;
      const cfg = loadHubConfig(path, process.env, { checkAdapters: adapterIssues });
      out(`${path}: OK (${Object.keys(cfg.tenants).length} tenant(s), ${Object.keys(cfg.adapters).length} adapter instance(s), ${cfg.routes.length} route(s))\n`);
      return 0;
    }
    if (cmd === 'templates' && sub === 'preview' && file) {
      // Rendering a template talks to no external system: no secret is needed for it.
      const cfg = loadHubConfig(process.env.CABINET_HUB_CONFIG || DEMO_CONFIG_PATH, process.env, { requireSecrets: false });
      let vars: Record<string, string | number | boolean> = {};
      try {
        vars = opt('vars') ? sjson.parse(opt('vars') as string, undefined, { protoAction: 'error', constructorAction: 'error' }) : {};
      } catch {
        err('--vars must be a JSON object\n');
        return 2;
      }
      const p = previewTemplate(new TemplateCatalog(cfg.notifications.templates), file, (opt('locale') ?? 'uk') as Locale, vars, opt('channel') as NotificationChannel | undefined);
      if (!p.ok) {
        err(`${p.error}\n`);
        return 1;
      }
      for (const c of p.channels) {
        out(`--- ${c.channel} (${c.locale})${c.sms ? `: ${c.sms.segments} segment(s), ${c.sms.encoding}, ${c.sms.characters} characters` : ''}\n`);
        if (c.subject) out(`Subject: ${c.subject}\n`);
        out(`${c.text}\n`);
        if (c.html) out(`[html] ${c.html}\n`);
      }
      return 0;
    }
    if (cmd === 'calendar' && sub && file) return await calendarCommand(sub, file, args, out, err);
    if (cmd === 'token' && (sub === 'create' || sub === 'list' || sub === 'revoke')) return await tokenCommand(sub, args, out, err);
    if (cmd === 'evidence' && sub === 'verify' && file) {
      // Offline by design: reads no environment, opens no connection.
      const trust = opt('trust');
      const trusted = trust ? pemCertificates(await readFile(trust, 'utf8')) : undefined;
      const r = await verifyEvidencePack(file, { trusted });
      for (const n of r.notes) out(`  ${n}\n`);
      if (r.ok) out(`${file}: OK\n`);
      else err(`${file}: BROKEN: ${r.broken}\n`);
      return r.ok ? 0 : 1;
    }
    if ((cmd === 'journal' && (sub === 'verify' || sub === 'erase')) || (cmd === 'evidence' && sub === 'export')) {
      const env = loadEnvConfig();
      const ds = createDataSource(env, 2);
      await ds.initialize();
      try {
        if (cmd === 'journal' && sub === 'verify') {
          const r = await verifyJournal(poolOf(ds), { tenant: opt('tenant') });
          for (const c of r.chains) out(`chain ${c.tenant}: ${c.entries} entries, ${c.checkpoints} checkpoint(s)\n`);
          for (const b of r.broken) err(`BROKEN: chain ${b.tenant}${b.seq !== undefined ? ` seq ${b.seq}` : ''}${b.kind ? ` ${b.kind} ${b.rowId}` : ''}: ${b.problem}\n`);
          if (r.ok) out('journal: OK\n');
          return r.ok ? 0 : 1;
        }
        if (cmd === 'journal' && sub === 'erase') {
          const reason = opt('reason');
          if (!file || !reason) {
            err('journal erase needs a journal id and --reason\n');
            return 2;
          }
          await new JournalRepository(ds).eraseBody(file, reason, opt('actor') ?? `cli:${process.env.USER ?? 'operator'}`);
          out(`journal ${file}: body erased\n`);
          return 0;
        }
        const caseRef = args[3];
        if (!file || !caseRef) {
          err(`${USAGE}\n`);
          return 2;
        }
        const cfg = loadHubConfig(process.env.CABINET_HUB_CONFIG || DEMO_CONFIG_PATH, process.env, { requireSecrets: false });
        const target = opt('out') ?? `evidence-${file}-${caseRef.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`;
        const summary = await exportEvidencePack(poolOf(ds), createFileStore(cfg.hub.files.store, poolOf(ds)), file, caseRef, () => createWriteStream(target, { flags: 'wx' }));
        if (!summary || 'forbidden' in summary) {
          err(`tenant ${file} has no case ${caseRef}\n`);
          return 1;
        }
        out(
          `${target}: ${summary.entries} entries (${summary.unchained} not chained yet), ${summary.files} file(s), chain seq ${summary.segment.fromSeq}..${summary.segment.toSeq}, ${summary.checkpoint ? `checkpoint ${summary.checkpoint}` : 'no covering checkpoint yet'}\n`,
        );
        return 0;
      } finally {
        await ds.destroy().catch(() => undefined);
      }
    }
    if (cmd === 'migrate') {
      const applied = await migrate(loadEnvConfig());
      out(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    }
    if (cmd === 'start' || cmd === undefined) {
      const hub = await startHub({ env: loadEnvConfig() });
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await hub.close();
      return 0;
    }
    err(`${USAGE}\n`);
    return 2;
  } catch (e) {
    err(`${e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/**
 * Every instance against its adapter's config schema: the enabled ones as at startup, and the
 * disabled ones of installed types too, so a file is right before the day an instance is
 * enabled. A disabled instance's unset secrets are not required (they resolve to '').
 */
function adapterIssues(adapters: HubConfig['adapters']): ConfigIssue[] {
  const installed = new Set(ADAPTERS.map((d) => d.type));
  const disabled = Object.fromEntries(
    Object.entries(adapters)
      .filter(([, a]) => !a.enabled && installed.has(a.type))
      .map(([id, a]) => [id, { ...a, enabled: true }]),
  );
  const later = checkAdapterInstances({ adapters: disabled }, ADAPTERS)
    .filter((i) => valueAt({ adapters }, i.path) !== '')
    .map((i) => ({ ...i, message: `${i.message} (the instance is disabled)` }));
  return [...checkAdapterInstances({ adapters }, ADAPTERS), ...later];
}

/** The DER certificates of a PEM file (a TSA's CA chain). */
function pemCertificates(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** The value at a JSON pointer, undefined when absent. */
function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const key of pointer.split('/').slice(1)) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return v;
}

/**
 * `calendar show|day|regime`: read or change a tenant's business calendar through the same
 * service the hub uses (every change in one transaction with its audit line: who, why, before,
 * after). The actor is `cli:<OS user>`; the tenant's country and zone come from the configuration.
 */
async function calendarCommand(sub: string, tenant: string, args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i > 0 ? args[i + 1] : undefined;
  };
  const cfg = loadHubConfig(process.env.CABINET_HUB_CONFIG || DEMO_CONFIG_PATH, process.env, { requireSecrets: false });
  const settings = Object.hasOwn(cfg.tenants, tenant) ? cfg.tenants[tenant].deadlines : undefined;
  if (!settings) {
    err(`tenant ${tenant} ${Object.hasOwn(cfg.tenants, tenant) ? 'has no deadlines (tenants.<t>.deadlines.country is off)' : 'is not in the configuration'}\n`);
    return 1;
  }
  const env = loadEnvConfig();
  await migrate(env);
  const db = createDataSource(env, 2);
  await db.initialize();
  try {
    const service = new CalendarService(new TransactionRunner(db), new CalendarRepository());
    const actor = `cli:${userInfo().username}`;
    if (sub === 'show') {
      const cal = await service.ensureCalendar(tenant, settings.country, settings.timeZone);
      const from = opt('from') ?? new Date().toISOString().slice(0, 10);
      const to = opt('to') ?? from.replace(/-\d\d$/, '-31');
      out(`${tenant}: ${cal.country} calendar, zone ${cal.timeZone}, version ${cal.version}\n`);
      for (let d = from, n = 0; d <= to && n < 400; d = addDays(d, 1), n++) {
        const day = cal.day(d);
        out(`${d} ${day.working ? (day.short ? 'short  ' : 'working') : 'off    '} ${day.reason}${day.source ? ` [${day.source}]` : ''}\n`);
      }
      for (const c of await service.history(tenant, settings.country)) out(`v${c.version} ${c.changedAt?.toISOString() ?? ''} ${c.actor}: ${c.subject} — ${c.reason}\n`);
      return 0;
    }
    const reason = opt('reason');
    if (!reason) {
      err('a calendar change needs --reason "…" (it is audited)\n');
      return 2;
    }
    await service.ensureCalendar(tenant, settings.country, settings.timeZone);
    if (sub === 'day') {
      const [date, kind] = [args[3], args[4]];
      if (!date || !['off', 'working', 'short', 'clear'].includes(kind ?? '')) {
        err(`${USAGE}\n`);
        return 2;
      }
      const version = await service.changeDay(
        tenant,
        settings.country,
        { date, kind: kind === 'clear' ? null : (kind as 'off' | 'working' | 'short'), reason: opt('note') ?? reason, ...(opt('source') ? { source: opt('source') } : {}) },
        actor,
        reason,
      );
      out(`${tenant}: ${date} is now ${kind === 'clear' ? 'as the weekday says' : kind}; calendar version ${version}\n`);
      return 0;
    }
    if (sub === 'regime') {
      const from = opt('from');
      if (args[3] !== 'UA_MARTIAL_LAW' || !from) {
        err(`${USAGE}\n`);
        return 2;
      }
      const version = await service.setRegime(
        tenant,
        settings.country,
        { rule: 'UA_MARTIAL_LAW', from, ...(opt('to') ? { to: opt('to') } : {}), ...(opt('source') ? { source: opt('source') } : {}) },
        actor,
        reason,
      );
      out(`${tenant}: UA_MARTIAL_LAW from ${from}${opt('to') ? ` to ${opt('to')}` : ', open-ended'}; calendar version ${version}\n`);
      return 0;
    }
    err(`${USAGE}\n`);
    return 2;
  } catch (e) {
    if (e instanceof CalendarChangeError) {
      err(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await db.destroy();
  }
}

/**
 * `token create|list|revoke`: API tokens for the admin API, through the same service and audit as
 * the console (actor `cli:<OS user>`). The first admin token of an installation is made here.
 */
async function tokenCommand(sub: 'create' | 'list' | 'revoke', args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i > 0 ? args[i + 1] : undefined;
  };
  const grants = args.flatMap((a, i) => (a === '--grant' && args[i + 1] ? [args[i + 1]] : []));
  const cfg = loadHubConfig(process.env.CABINET_HUB_CONFIG || DEMO_CONFIG_PATH, process.env, { requireSecrets: false });
  const env = loadEnvConfig();
  await migrate(env);
  const db = createDataSource(env, 2);
  await db.initialize();
  try {
    const tx = new TransactionRunner(db);
    const auth = new AdminAuthService(tx, new AdminSessionRepository(), cfg);
    const audit = new AdminAudit(tx, new CaseRepository());
    const actor = { actor: `cli:${userInfo().username}` };
    if (sub === 'list') {
      for (const x of await auth.listTokens())
        out(
          `${x.id}  ${x.name}  ${x.grants.join(',')}  expires ${x.expiresAt.toISOString()}${x.revokedAt ? `  REVOKED ${x.revokedAt.toISOString()}` : ''}${x.lastUsedAt ? `  last used ${x.lastUsedAt.toISOString()}` : ''}\n`,
        );
      return 0;
    }
    if (sub === 'revoke') {
      const id = args[2];
      const r = reasonOf(opt('reason'));
      if (!id || !r.ok) {
        err(`token revoke <id> --reason "…"${r.ok ? '' : `: ${r.error}`}\n`);
        return 2;
      }
      const row = /^[0-9a-f-]{36}$/.test(id) ? await auth.revokeToken(id) : undefined;
      if (!row) {
        err(`no live token ${id}\n`);
        return 1;
      }
      await audit.record(actor, { tenant: '*', action: 'token.revoke', target: id, reason: r.reason, before: { name: row.name, grants: row.grants } });
      out(`revoked ${id} (${row.name})\n`);
      return 0;
    }
    let req;
    try {
      req = tokenRequestOf({ name: opt('name'), grants, expiresInDays: opt('days'), reason: opt('reason') });
    } catch (e) {
      err(`${(e as Error).message}\n`);
      return 2;
    }
    const unknown = req.grants.map((g) => g.split(':')[0]).filter((t) => t !== '*' && !Object.hasOwn(cfg.tenants, t));
    if (unknown.length) {
      err(`tenant(s) not in the configuration: ${[...new Set(unknown)].join(', ')}\n`);
      return 1;
    }
    const expiresAt = new Date(Date.now() + req.days * 86_400_000);
    const { id, token } = await auth.createToken(req.name, parseGrants(req.grants), actor.actor, expiresAt);
    await audit.record(actor, { tenant: '*', action: 'token.create', target: id, reason: req.reason, after: { name: req.name, grants: req.grants, expiresAt: expiresAt.toISOString() } });
    err(`token ${id} (${req.name}, ${req.grants.join(', ')}), expires ${expiresAt.toISOString()}; it is shown once:\n`);
    out(`${token}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
