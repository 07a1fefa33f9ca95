import { randomUUID } from 'node:crypto';
import { exampleEvent, type CloudEvent } from '../../contracts';

/**
 * A valid `appeal.submitted` for the demo tenant, fresh every time: a new event id and a new
 * case reference (the hub treats a second submission of one case reference as the same case).
 * The citizen prefers Viber and has a phone for SMS, so the demo shows a message on each.
 *
 * Run as a script it prints the event as JSON, for the HTTP ingress:
 *   node dist/test/demo/appeal.demo.js > appeal.json
 */
export function demoAppeal(tenant = 'demo'): CloudEvent {
  const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant, source: 'urn:cabinet-hub:demo-portal', time: new Date().toISOString(), subject: undefined });
  const data = ev.data as Record<string, any>;
  data.caseRef = `EP-DEMO-${Date.now().toString(36).toUpperCase()}`;
  data.submittedAt = ev.time;
  // The sample's photo is a link to a host the demo tenant does not allow (its allow-list is a local file host): the hub would refuse it.
  data.files = ((data.files ?? []) as { url?: string }[]).filter((f) => !f.url);
  if (!data.files.length) delete data.files;
  data.applicant.contacts = { phone: '+380501234567', viberUserId: 'citizen-1=', email: 'citizen@demo.example', locale: 'uk', notificationChannels: ['viber', 'sms'] };
  return ev;
}

if (require.main === module) process.stdout.write(`${JSON.stringify(demoAppeal(process.argv[2] || 'demo'), null, 2)}\n`);
