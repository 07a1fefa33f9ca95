import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { startTurboSmsMock } from '../../mocks/turbosms';
import { databaseUrl, dropSchema } from '../helpers/infra.helper';
import { hubEnv, open } from './bench.kit';
import type { SummaryRow } from './summary.bench';

/** How the broadcast phase starts a hub process and waits for it (from run.bench.ts). */
export interface BroadcastDeps {
  spawnNode(script: string, env: Record<string, string>): ChildProcess;
  waitForHealth(port: number): Promise<void>;
  freePort(): Promise<number>;
  stop(c: ChildProcess): Promise<void>;
}

const CT = 'application/cloudevents+json';

/**
 * A broadcast of N notifications (a planned water outage in a district) through the whole path:
 * N `notification.requested` on cabinet.in → ingress → planner → dispatch → TurboSMS adapter
 * (micro-batched, up to 5 000 recipients per request) → TurboSMS mock, with the adapter instance
 * rate-limited to BENCH_BROADCAST_RATE messages/s. The time the limit allows is N / rate; the hub
 * should finish within 5 % of it, with every citizen's SMS sent exactly once.
 */
export async function broadcast(url: string, schema: string, { n, rate }: { n: number; rate: number }, deps: BroadcastDeps): Promise<SummaryRow[]> {
  if (!n) return [];
  const mock = await startTurboSmsMock({ recorder: { maxEntries: 100, maxBodyBytes: 1024 }, autoProgress: { enabled: false }, balance: 10_000_000 });
  const dbSchema = `${schema}_bc`;
  const configFile = join(tmpdir(), `${schema}-broadcast.yaml`);
  writeFileSync(
    configFile,
    [
      'hub: { source: urn:cabinet-hub:bench, amqp: { allowAnonymousPublishers: true } }',
      'tenants:',
      '  bench: { name: Водоканал, locale: uk }',
      'adapters:',
      '  sms-bench:',
      '    type: sms.turbosms',
      `    config: { token: { env: BENCH_TURBOSMS_TOKEN }, baseUrl: "${mock.url}", sender: CityInfo, batch: { maxRecipients: 5000, windowMs: 50 } }`,
      `    runner: { concurrency: ${process.env.BENCH_BROADCAST_CONCURRENCY ?? 64}, ratePerSecond: ${rate}, timeoutMs: 30000, pollIntervalMs: 3600000 }`,
      'notifications:',
      '  channels: { sms: sms-bench }',
      '  order: [sms]',
      '  confirmWithinMs: { sms: 0 }',
      '  prefetch: 32',
      '  templates:',
      '    water-outage:',
      '      sms:',
      "        uk: '{{district}}: {{from}}-{{until}} не буде холодної води. {{tenantName}}'",
      "        en: '{{district}}: no cold water {{from}}-{{until}}. {{tenantName}}'",
      '',
    ].join('\n'),
  );
  const port = await deps.freePort();
  const hub = deps.spawnNode('src/main.js', hubEnv({ url, schema: dbSchema, configFile, port, extra: { BENCH_TURBOSMS_TOKEN: 'turbosms-demo-token' } }));
  try {
    await deps.waitForHealth(port);
    const { conn, pub } = await open(url);
    const run = randomUUID().slice(0, 8);
    const template = JSON.stringify({
      specversion: '1.0',
      id: '__ID__',
      source: 'https://portal.vodokanal.example',
      type: 'notification.requested',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      tenant: 'bench',
      data: {
        recipient: { contacts: { phone: '__PHONE__' }, channels: ['sms'] },
        template: 'water-outage',
        variables: { district: 'Оболонський р-н', from: '04.06 09:00', until: '18:00' },
        priority: 'bulk',
      },
    });
    const t0 = Date.now();
    for (let i = 0; i < n; i++) {
      const body = template.replace('__ID__', `${run}-${i}`).replace('__PHONE__', `+38050${String(1_000_000 + i).padStart(7, '0')}`);
      if (!pub.publish('cabinet.in', 'notification.requested', Buffer.from(body), { persistent: true, contentType: CT, messageId: `${run}-${i}` })) await new Promise((r) => pub.once('drain', r));
    }
    await pub.waitForConfirms();
    const published = Date.now();
    await conn.close();
    const until = Date.now() + Math.max(10 * 60_000, (3 * n * 1000) / rate);
    while (mock.account.stats().messages < n && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const t1 = Date.now();
    const stats = mock.account.stats();
    const phones = new Set(mock.messages.list({ limit: n + 10 }).map((m) => m.phone));
    // Every notification reached its outcome in the hub's own books too.
    const db = new Client({ connectionString: databaseUrl(), options: `-c search_path=${dbSchema}` });
    await db.connect();
    let delivered = 0;
    const settleUntil = Date.now() + 120_000;
    while (Date.now() < settleUntil) {
      delivered = Number((await db.query(`SELECT count(*) FROM notification WHERE outcome = 'delivered'`)).rows[0].count);
      if (delivered >= n) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const dispatches = Number((await db.query(`SELECT count(*) FROM notification_dispatch`)).rows[0].count);
    await db.end();
    const elapsed = (t1 - t0) / 1000;
    const allowed = n / rate;
    process.stdout.write(
      `broadcast (water-outage SMS to N=${n} citizens: cabinet.in -> planner -> TurboSMS adapter -> mock), adapter limited to ${rate} msg/s:\n` +
        `  published in ${((published - t0) / 1000).toFixed(1)} s; last SMS at the gateway after ${elapsed.toFixed(1)} s; the rate limit allows ${allowed.toFixed(1)} s: ` +
        `${((elapsed / allowed - 1) * 100).toFixed(1)} % over (target <= 5 %)\n` +
        `  gateway: ${stats.messages} messages to ${phones.size} distinct phones (${stats.messages === n && phones.size === n ? 'each once' : 'MISMATCH'}), ${stats.sendRequests} send requests (${(stats.messages / Math.max(1, stats.sendRequests)).toFixed(0)} recipients per request), ${stats.duplicates} duplicate requests\n` +
        `  hub: ${delivered} notifications delivered, ${dispatches} dispatches (${dispatches === n ? 'one per notification' : 'MISMATCH'})\n`,
    );
    if (process.env.BENCH_METRICS) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      process.stdout.write(
        text
          .split('\n')
          .filter((l) => /^hub_notify_step_seconds_(sum|count)|^hub_process_cpu|^hub_nodejs_eventloop_lag_(p99|mean|max)/.test(l))
          .join('\n') + '\n',
      );
    }
    process.stdout.write(
      `BENCH_BROADCAST_JSON ${JSON.stringify({ n, rate, elapsed, allowed, overPercent: (elapsed / allowed - 1) * 100, messages: stats.messages, phones: phones.size, sendRequests: stats.sendRequests, delivered, dispatches })}\n`,
    );
    const over = (elapsed / allowed - 1) * 100;
    return [
      { figure: `broadcast of ${n} SMS: time over N / rate`, target: '<= 5 %', result: `${over.toFixed(1)} %`, pass: over <= 5 },
      {
        figure: 'broadcast: SMS per phone, dispatches',
        target: 'each once',
        result: `${stats.messages} SMS, ${phones.size} phones, ${dispatches} dispatches`,
        pass: stats.messages === n && phones.size === n && dispatches === n,
      },
    ];
  } finally {
    await deps.stop(hub);
    await mock.close();
    await dropSchema(dbSchema);
  }
}
