import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationGuid } from '../../adapters/edms-1c-docflow/application.mapper';
import { DocflowAdapter } from '../../adapters/edms-1c-docflow/docflow.adapter';
import { CloudEvent, exampleEvent } from '../../contracts';
import { start1cDocflowMock } from '../../mocks/1c-docflow';
import { dropSchema } from '../helpers/infra.helper';
import { OpensslSigner, sha256Hex } from '../helpers/signed-file.fixture';
import { CapturingLogger } from '../kit/adapter-contract.kit';
import { MemoryFiles } from '../kit/memory-files.kit';
import { hubEnv, open, rssOf } from './bench.kit';
import type { BroadcastDeps } from './broadcast.bench';
import type { SummaryRow } from './summary.bench';

const CT = 'application/cloudevents+json';
const CONCURRENCY = 8;

/** One application with its signed PDF (by URL from the portal's file host) as the portal publishes it. */
interface Prepared {
  event: CloudEvent;
  id: string;
  path: string;
  pdf: Buffer;
}

function prepare(n: number, fileBytes: number, signer: OpensslSigner, host: string, tenant: string): Prepared[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: n }, (_, i) => {
    // Every file is different: the content-addressed store must not get an easy ride.
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(fileBytes - 9)]);
    const sig = signer.sign(pdf);
    const ev = exampleEvent('application.submitted', { id: `${run}-${i}`, tenant, subject: undefined }) as CloudEvent & { data: any };
    ev.data.caseRef = `AB-${run}-${i}`;
    const path = `/f/${run}-${i}.pdf`;
    ev.data.files = [
      {
        id: 'z-1',
        name: 'Заявка.pdf',
        mediaType: 'application/pdf',
        size: pdf.length,
        sha256: sha256Hex(pdf),
        url: `${host}${path}`,
        signatures: [
          { id: 'z-1-s', name: 'Заявка.pdf.p7s', mediaType: 'application/pkcs7-signature', size: sig.length, sha256: sha256Hex(sig), contentBase64: sig.toString('base64'), format: 'cades' },
        ],
      },
    ];
    return { event: ev, id: applicationGuid(tenant, ev.data.caseRef), path, pdf };
  });
}

/**
 * Utility-connection applications with signed files through the whole path: N applications on
 * cabinet.in, each with one PDF of S bytes by URL and its detached CMS signature → the hub fetches
 * the PDF from the portal's (allowed) file host into its store, checks the signature against it,
 * files the application in the 1C mock and streams both files into it. Timed from the first
 * publish until the mock holds every document with both files. Run twice, with 256 KiB and with
 * 2 MiB files: the hub's peak RSS must stay flat as the files grow (they stream; nothing holds a
 * whole file). Baseline in the same run: the same adapter alone, in this process, filing the same
 * applications from memory with the same concurrency (the hub's cost is fetching, checking,
 * journaling and queueing on top).
 */
export async function applications(url: string, schema: string, n: number, deps: BroadcastDeps): Promise<SummaryRow[]> {
  if (!n) return [];
  const signer = new OpensslSigner();
  const files = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const results: { size: number; hub: { perSecond: number; mbPerSecond: number; rssPeak?: number }; baseline: { perSecond: number } }[] = [];
  try {
    for (const size of [256 * 1024, 2 * 1024 * 1024]) {
      const mock = await start1cDocflowMock({ users: [{ login: 'bench', password: 'bench-secret' }], visibilityDelayMs: 0, recorder: { maxEntries: 50, maxBodyBytes: 512 } } as never);
      try {
        // Baseline: the adapter alone, fed from memory.
        const memory = new MemoryFiles();
        const adapter = new DocflowAdapter(
          { endpoint: mock.url, login: 'bench', password: 'bench-secret', timeZone: 'Etc/GMT-3' },
          { instanceId: 'bench', logger: new CapturingLogger(), now: () => new Date(), files: memory },
        );
        const base = prepare(n, size, signer, host, 'bench');
        for (const p of base) memory.add(p.pdf);
        const b0 = Date.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < base.length) await adapter.handle(base[next++].event, AbortSignal.timeout(120_000));
          }),
        );
        const baseline = { perSecond: n / ((Date.now() - b0) / 1000) };

        // The hub, as users run it.
        const items = prepare(n, size, signer, host, 'bench');
        for (const p of items) files.set(p.path, p.pdf);
        const dbSchema = `${schema}_ap${size}`;
        const configFile = join(tmpdir(), `${schema}-applications.yaml`);
        writeFileSync(
          configFile,
          `hub: { source: urn:cabinet-hub:bench, amqp: { allowAnonymousPublishers: true } }\ntenants:\n  bench: { name: Bench, files: { allowedHosts: ["${host}"] } }\nadapters:\n  edms-1c:\n    type: edms.1c-docflow\n    config: { endpoint: "${mock.url}", login: bench, password: { env: BENCH_1C_PASSWORD }, timeZone: Etc/GMT-3 }\n    runner: { concurrency: ${CONCURRENCY}, pollIntervalMs: 3600000, timeoutMs: 120000 }\nroutes:\n  - { tenants: [bench], types: [application.submitted], to: [edms-1c] }\n`,
        );
        const port = await deps.freePort();
        const hub = deps.spawnNode('src/main.js', hubEnv({ url, schema: dbSchema, configFile, port, extra: { BENCH_1C_PASSWORD: 'bench-secret' } }));
        hub.stdout?.resume();
        try {
          await deps.waitForHealth(port);
          await new Promise((r) => setTimeout(r, 1000));
          const { conn, pub } = await open(url);
          const t0 = Date.now();
          for (const p of items) pub.publish('cabinet.in', 'application.submitted', Buffer.from(JSON.stringify(p.event)), { persistent: true, contentType: CT, messageId: p.event.id });
          await pub.waitForConfirms();
          await conn.close();
          const ids = new Set(items.map((p) => p.id));
          const until = Date.now() + 10 * 60_000;
          const done = () => mock.clerk.documents().filter((d) => ids.has(d.id) && d.files.length === 1 && d.files[0].signatures?.length === 1).length;
          while (done() < n && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
          const seconds = (Date.now() - t0) / 1000;
          const complete = done();
          results.push({ size, hub: { perSecond: complete / seconds, mbPerSecond: (complete * size) / 1024 / 1024 / seconds, rssPeak: hub.pid ? rssOf(hub.pid)?.peak : undefined }, baseline });
          if (complete < n) throw new Error(`applications bench: only ${complete} of ${n} applications reached 1C with their files`);
        } finally {
          await deps.stop(hub);
          await dropSchema(dbSchema);
        }
      } finally {
        await mock.close();
      }
    }
  } finally {
    signer.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  const lines = [`applications (cabinet.in -> fetch by URL -> signature checked -> 1C document with PDF and signature), N=${n} per size, concurrency ${CONCURRENCY}:`];
  for (const r of results)
    lines.push(
      `  ${`${r.size / 1024} KiB files`.padEnd(16)} hub ${f(r.hub.perSecond)} applications/s (${f(r.hub.mbPerSecond)} MiB/s), adapter alone ${f(r.baseline.perSecond)}/s, ratio ${f(r.hub.perSecond / r.baseline.perSecond, 2)}; hub RSS peak ${f(r.hub.rssPeak, 0)} MB`,
    );
  const [small, large] = results;
  const growth = large.hub.rssPeak !== undefined && small.hub.rssPeak !== undefined ? large.hub.rssPeak / small.hub.rssPeak : undefined;
  lines.push(`hub RSS peak with 2 MiB files / with 256 KiB files: ${f(growth, 2)} (target <= 1.25: memory does not grow with file size)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return [
    { figure: 'applications 2 MiB: hub/adapter-alone throughput', target: 'reported', result: f(large.hub.perSecond / large.baseline.perSecond, 2), pass: true },
    { figure: 'applications: RSS peak 2 MiB / 256 KiB files', target: '<= 1.25', result: f(growth, 2), pass: growth !== undefined && growth <= 1.25 },
  ];
}
