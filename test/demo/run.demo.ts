import 'reflect-metadata';
import { createServer } from 'node:net';
import { startAllMocks, type StartedMock } from '../../mocks/main';
import { startHub, type RunningHub } from '../../src/app/hub.bootstrap';
import { loadEnvConfig, type EnvConfig } from '../../src/config/env.config';
import { DEFAULT_DEMO_PORTS, DEMO_CONSOLE_USERS, demoHubConfig, demoSecrets, MOCK_PORT_VARIABLES, type DemoPorts } from './demo.config';
import { OidcTestProvider } from '../helpers/oidc-provider.helper';

/**
 * `npm run demo`: the hub with every mock in this one process and the demo configuration
 * (`src/config/examples/demo-notify.yaml`: 1C plus the notification channels), then a page of
 * copy-paste lines: publish an appeal, act as the 1C clerk, see the citizen's messages. It needs
 * only the local RabbitMQ and PostgreSQL, and uses what `npm start` uses (vhost `/`, schema
 * `cabinet_hub`) unless RABBITMQ_URL / DATABASE_URL / DATABASE_SCHEMA say otherwise. The hub in
 * `src/` never imports the mocks: this file lives under test/ and is not in the production image.
 *
 * Ports: HTTP_PORT (8080) and the mocks' MOCK_*_PORT variables (mocks/main.ts); 0 picks a free one.
 */

/** A running demo. */
export interface RunningDemo {
  hub: RunningHub;
  mocks: StartedMock[];
  ports: DemoPorts;
  /** The page printed at start. */
  banner: string;
  close(): Promise<void>;
}

/** The bearer token of the demo tenant on the HTTP ingress (from demo-notify.env). */
export const demoIngressToken = (): string => demoSecrets().DEMO_INGRESS_TOKEN;

/** Starts the mocks and the hub; `say` receives the lines the demo prints while it runs. */
export async function startDemo(env: NodeJS.ProcessEnv = process.env, say: (line: string) => void = () => undefined): Promise<RunningDemo> {
  const ports = await choosePorts(env);
  const mockEnv: NodeJS.ProcessEnv = { ...env };
  for (const [key, variable] of Object.entries(MOCK_PORT_VARIABLES)) mockEnv[variable] = String(ports[key as keyof typeof MOCK_PORT_VARIABLES]);
  // The hub logs JSON lines; at "warn" they stay out of the way of the page below (LOG_LEVEL=info shows them).
  const hubEnv: EnvConfig = loadEnvConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL || 'warn', HTTP_PORT: String(ports.hub), HUB_INSTANCE_ID: env.HUB_INSTANCE_ID || 'demo' });
  const config = demoHubConfig(ports);
  const mocks = await startAllMocks(mockEnv);
  let hub: RunningHub;
  let oidc: OidcTestProvider | undefined;
  try {
    oidc = await OidcTestProvider.start({
      port: ports.oidc,
      clientId: 'cabinet-hub-demo',
      clientSecret: demoSecrets().DEMO_OIDC_SECRET,
      redirectUris: [`http://127.0.0.1:${ports.hub}/console/auth/callback`],
      users: DEMO_CONSOLE_USERS,
    });
    hub = await startHub({ env: hubEnv, config });
  } catch (e) {
    await oidc?.stop();
    await Promise.all(mocks.map((m) => m.close()));
    throw e;
  }
  const stopWatching = watchDocflow(`http://127.0.0.1:${ports.docflow}`, say);
  return {
    hub,
    mocks,
    ports,
    banner: banner(ports, hubEnv, env),
    close: async () => {
      stopWatching();
      await hub.close();
      await oidc?.stop();
      await Promise.all(mocks.map((m) => m.close()));
    },
  };
}

/** The page of what to look at and what to type. */
function banner(p: DemoPorts, hubEnv: EnvConfig, env: NodeJS.ProcessEnv): string {
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const dm = `${local(p.docflow)}/__admin/documents`;
  // Copy-paste lines must reach the same broker the demo uses; the URL itself may hold a password.
  const amqp = env.RABBITMQ_URL ? 'RABBITMQ_URL="$RABBITMQ_URL" ' : '';
  const token = demoIngressToken();
  return `
cabinet-hub demo is running: tenant "demo", configuration src/config/examples/demo-notify.yaml
  broker ${redact(hubEnv.rabbitmqUrl)}, database ${redact(hubEnv.databaseUrl)} schema ${hubEnv.databaseSchema}
  hub HTTP ${local(p.hub)}  (POST /v1/events, GET /health, GET /metrics)     Ctrl+C stops everything

Mocks (their admin APIs):
  1С:Документооборот   ${dm}
  Viber                ${local(p.viber)}/__admin/users
  Twilio (SMS)         ${local(p.twilio)}/__admin/messages
  Telegram             ${local(p.telegram)}/__admin/sent
  SMTP (e-mail)        ${local(p.smtpAdmin)}/__admin/messages
  TurboSMS             ${local(p.turbosms)}/__admin   (its adapter is disabled in this configuration)

1. In another terminal, watch what the portal receives on cabinet.out:
     ${amqp}npm run watch -- demo

2. Publish a demo appeal (citizen prefers Viber, then SMS), over AMQP:
     ${amqp}node dist/test/demo/publish.demo.js
   or over HTTP with the demo tenant's token:
     node dist/test/demo/appeal.demo.js > appeal.json
     curl -s -X POST ${local(p.hub)}/v1/events -H 'content-type: application/cloudevents+json' \\
          -H 'authorization: Bearer ${token}' --data @appeal.json

3. Act as the 1C clerk (this window prints the lines again with the id when a document arrives):
     curl -s ${dm} | jq '.documents[] | {id, title, stateName, regNumber}'
     curl -s -X POST ${dm}/<id>/register
     curl -s -X POST ${dm}/<id>/set-term -H 'content-type: application/json' -d '{"until":"${dayFromNow(30)}"}'
     curl -s -X POST ${dm}/<id>/extend-term -H 'content-type: application/json' -d '{"until":"${dayFromNow(45)}","reason":"Резолюція голови: продовжити, потрібна перевірка на місці"}'
     curl -s -X POST ${dm}/<id>/pause-term -H 'content-type: application/json' -d '{"reason":"Запитано додаткові відомості у заявника"}'
     curl -s -X POST ${dm}/<id>/resume-term
     curl -s -X POST ${dm}/<id>/answer -H 'content-type: application/json' -d '{"text":"Сміття вивезено."}'
   The statutory term, each day explained (an extension moves it and the citizen is told):
     curl -s ${local(p.hub)}/v1/cases/demo/<caseRef>/deadline -H 'authorization: Bearer ${token}' | jq '{dueDate, extensions, notes}'
   The managers' KPIs this month: curl -s '${local(p.hub)}/v1/kpi/demo?from=${monthStart()}&to=${dayFromNow(0)}' -H 'authorization: Bearer ${token}' | jq

4. The citizen's messages:
     curl -s ${local(p.viber)}/__admin/users/citizen-1=/messages | jq '.messages[].text'
     curl -s '${local(p.twilio)}/__admin/messages?to=%2B380501234567' | jq -c '.messages[] | {body, status}'
   Make Viber fail for this citizen before the answer, and the answer arrives by SMS instead:
     curl -s -X PATCH ${local(p.viber)}/__admin/users/citizen-1= -H 'content-type: application/json' -d '{"behaviour":"fails"}'

5. A utility-connection application with a signed file the hub fetches and checks (README,
   "A utility-connection application against the mock"); this window prints the utility's lines:
     mkdir -p files && head -c 700000 /dev/urandom > files/app.pdf
     openssl req -x509 -newkey rsa:2048 -nodes -utf8 -subj '/CN=Смирнов А.В./O=ТОВ Північний промінь' -keyout k.pem -out c.pem -days 2
     openssl cms -sign -binary -in files/app.pdf -signer c.pem -inkey k.pem -outform DER -out app.pdf.p7s
     (cd files && python3 -m http.server 8090 --bind 127.0.0.1 &)
     ${amqp}node dist/test/demo/application.demo.js --publish --file files/app.pdf --signature app.pdf.p7s --url http://127.0.0.1:8090/app.pdf
   Its history for the portal: curl -s ${local(p.hub)}/v1/cases/demo/<caseRef>/history -H 'authorization: Bearer ${token}' | jq

6. The admin console: ${local(p.hub)}/console  (the demo's own OpenID Connect provider at ${local(p.oidc)};
   sign in as ${Object.entries(DEMO_CONSOLE_USERS)
     .map(([u, g]) => `${u} (${g.join(', ')})`)
     .join(', ')}; any password)
   The admin API with a token: npm run cabinet-hub -- token create --name me --grant demo:viewer --reason "trying the API"
`;
}

/** Polls the 1C mock's clerk API and prints ready-to-paste clerk lines for each new incoming document. */
function watchDocflow(base: string, say: (line: string) => void): () => void {
  const seen = new Set<string>();
  let stopped = false;
  const tick = async () => {
    try {
      const res = await fetch(`${base}/__admin/documents?type=DMIncomingDocument`);
      const { documents } = (await res.json()) as { documents: { id: string; title: string; externalObject?: { type?: string } }[] };
      for (const d of documents) {
        if (seen.has(d.id)) continue;
        seen.add(d.id);
        say(d.externalObject?.type === 'cabinet-hub.application' ? applicationLines(base, d) : appealLines(base, d));
      }
    } catch {
      // The mock is stopping or busy: the next tick tries again.
    }
  };
  const timer = setInterval(() => void (stopped || tick()), 1000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** The clerk's steps for an appeal: register, its answer term (set, extend, pause, resume), the answer. */
function appealLines(base: string, d: { id: string; title: string }): string {
  const url = `${base}/__admin/documents/${d.id}`;
  const json = `-H 'content-type: application/json'`;
  const term = `jq -c '{term: [.additionalProperties[] | {(.name): .value}] | add, change: .states[-1].comment}'`;
  return (
    `\n1C: new incoming document "${d.title}"\n` +
    `  register: curl -s -X POST ${url}/register | jq '{regNumber, stateName}'\n` +
    `  term:     curl -s -X POST ${url}/set-term ${json} -d '{"until":"${dayFromNow(30)}"}' | ${term}\n` +
    `  extend:   curl -s -X POST ${url}/extend-term ${json} -d '{"until":"${dayFromNow(45)}","reason":"Резолюція голови: продовжити, потрібна перевірка на місці","by":"Коваленко Іван"}' | ${term}\n` +
    `  pause:    curl -s -X POST ${url}/pause-term ${json} -d '{"reason":"Запитано додаткові відомості у заявника"}' | ${term}\n` +
    `  resume:   curl -s -X POST ${url}/resume-term | ${term}\n` +
    `  answer:   curl -s -X POST ${url}/answer -H 'content-type: application/json' -d '{"text":"Сміття вивезено."}' | jq -c '{answer: .answer.regNumber, state: .incoming.stateName}'\n`
  );
}

/** `YYYY-MM-DD` of the day so many days from today (UTC): the `until` of the term lines. */
function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first day of this month, `YYYY-MM-DD`. */
function monthStart(): string {
  return `${new Date().toISOString().slice(0, 8)}01`;
}

/** The utility's steps for an application: register, a progress note, the contract with a file, connected. */
function applicationLines(base: string, d: { id: string; title: string }): string {
  const url = `${base}/__admin/documents/${d.id}`;
  const json = `-H 'content-type: application/json'`;
  return (
    `\n1C: new application "${d.title}"\n` +
    `  files:    curl -s ${url} | jq -c '.files[] | {name, size, sha256, signatures}'\n` +
    `  register: curl -s -X POST ${url}/register ${json} -d '{"by":"Петрова Анна"}' | jq -c '{regNumber, stateName}'\n` +
    `  progress: curl -s -X POST ${url}/status ${json} -d '{"state":"ТУВРаботе","comment":"Розрахунок навантаження передано до ВТВ","by":"Петрова Анна"}' | jq -c .stateName\n` +
    // The file goes through stdin: base64 of a large file is longer than one command-line argument may be.
    `  contract: { printf '{"kind":"contract-signed","by":"Іванов Петро","files":[{"name":"Договір.pdf","contentBase64":"'; base64 -w0 files/app.pdf; printf '"}]}'; } | curl -s -X POST ${url}/send ${json} --data-binary @- | jq -c '{state: .application.stateName, outgoing: .outgoing.title}'\n` +
    `  connect:  curl -s -X POST ${url}/status ${json} -d '{"state":"Подключен","by":"Сидорова Марія"}' | jq -c .stateName\n` +
    `  reject:   curl -s -X POST ${url}/reject ${json} -d '{"reason":"Не додано план земельної ділянки"}' | jq -c .stateName\n`
  );
}

/** Ports from HTTP_PORT and MOCK_*_PORT (defaults as in the examples); 0 becomes a free port. */
async function choosePorts(env: NodeJS.ProcessEnv): Promise<DemoPorts> {
  const out = { ...DEFAULT_DEMO_PORTS };
  const variables: Record<keyof DemoPorts, string> = { hub: 'HTTP_PORT', ...MOCK_PORT_VARIABLES };
  for (const [key, variable] of Object.entries(variables) as [keyof DemoPorts, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${variable} must be a port number (0-65535), got "${raw}"`);
    // The configuration names each URL before anything listens, so a free port is picked here.
    out[key] = n === 0 ? await freePort() : n;
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function main(): Promise<void> {
  const demo = await startDemo(process.env, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(demo.banner);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('demo: stopping\n');
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`demo failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') process.stderr.write('a port is taken: set HTTP_PORT or the MOCK_*_PORT variables (0 picks a free one)\n');
    process.exit(1);
  });
}
