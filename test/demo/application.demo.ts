import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { exampleEvent, type CloudEvent } from '../../contracts';
import { publishDemoEvent } from './publish.demo';

/**
 * A valid `application.submitted` for the demo tenant, fresh every time (a new event id and case
 * reference), with your file and its detached signature: sizes and sha256 computed here, the
 * file by URL when `url` is given (the hub fetches it, from the tenant's allowed hosts only), else
 * inline; the signature always inline. The applicant is a legal entity with ЄДРПОУ, on Viber then SMS.
 *
 *   node dist/test/demo/application.demo.js --file files/app.pdf --signature app.pdf.p7s \
 *        --url http://127.0.0.1:8090/app.pdf [--publish] [--tenant demo]
 *
 * Without `--publish` it prints the event as JSON (for `POST /v1/events`); with it, it publishes
 * to `cabinet.in` over AMQP like `publish.demo.js` (RABBITMQ_URL, default the local broker).
 */
export interface DemoApplicationFiles {
  file: { name: string; content: Buffer; url?: string };
  signature?: { name: string; content: Buffer };
}

export function demoApplication(files: DemoApplicationFiles, tenant = 'demo'): CloudEvent {
  const ev = exampleEvent('application.submitted', { id: randomUUID(), tenant, source: 'urn:cabinet-hub:demo-portal', time: new Date().toISOString(), subject: undefined });
  const data = ev.data as Record<string, any>;
  data.caseRef = `APP-DEMO-${Date.now().toString(36).toUpperCase()}`;
  data.submittedAt = ev.time;
  data.supplyType = 'cold-water';
  data.objectAddress = 'м. Демо, вул. Заводська, 12';
  data.applicant = {
    type: 'legal-entity',
    name: { full: 'ТОВ «Північний промінь»' },
    organisationCode: '32855961',
    registrationCodes: [{ scheme: 'edrpou', value: '32855961' }],
    identity: { provider: 'qes', subjectRef: 'qes:org:demo-32855961', level: 'high' },
    contacts: { phone: '+380501234567', viberUserId: 'citizen-1=', email: 'office@demo.example', locale: 'uk', notificationChannels: ['viber', 'sms'] },
  };
  const { file, signature } = files;
  data.files = [
    {
      id: 'app-1',
      name: file.name,
      mediaType: mediaTypeOf(file.name),
      size: file.content.length,
      sha256: sha256(file.content),
      ...(file.url ? { url: file.url } : { contentBase64: file.content.toString('base64') }),
      ...(signature
        ? {
            signatures: [
              {
                id: 'app-1-sig',
                name: signature.name,
                mediaType: 'application/pkcs7-signature',
                format: 'cades',
                size: signature.content.length,
                sha256: sha256(signature.content),
                contentBase64: signature.content.toString('base64'),
              },
            ],
          }
        : {}),
    },
  ];
  return ev;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function mediaTypeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'pdf' ? 'application/pdf' : ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : 'application/octet-stream';
}

/** `--name value` pairs and bare `--flag`s. */
function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true;
    else out[a.slice(2)] = argv[++i];
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = new Set(['file', 'signature', 'url', 'publish', 'tenant']);
  const unknown = Object.keys(args).filter((k) => !known.has(k));
  if (unknown.length || typeof args.file !== 'string') {
    throw new Error(
      `usage: application.demo.js --file <path> [--signature <path.p7s>] [--url <where the hub fetches the file>] [--publish] [--tenant demo]${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const sig = str('signature');
  const ev = demoApplication(
    {
      file: { name: basename(args.file), content: readFileSync(args.file), url: str('url') },
      signature: sig ? { name: basename(sig), content: readFileSync(sig) } : undefined,
    },
    str('tenant') ?? 'demo',
  );
  if (args.publish) await publishDemoEvent(ev);
  else process.stdout.write(`${JSON.stringify(ev, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
