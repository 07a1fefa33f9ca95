import amqp from 'amqplib';

/**
 * Watches what the hub sends a portal: an exclusive queue bound to `cabinet.out` with
 * `<tenant>.#`, one line per event with its type and the fields a portal acts on. It is the
 * portal's own view (what the hub publishes for that tenant), so nothing here is more than the
 * portal already knows; applicant details are not printed anyway.
 *   npm run watch -- demo           or: node dist/test/demo/watch.demo.js demo   (RABBITMQ_URL)
 */

/** One line for an event from `cabinet.out`. */
export function describeEvent(routingKey: string, body: Buffer): string {
  let ev: Record<string, any>;
  try {
    ev = JSON.parse(body.toString('utf8'));
  } catch {
    return `${routingKey}  (not JSON, ${body.length} bytes)`;
  }
  const d = (ev.data ?? {}) as Record<string, any>;
  const fields: Record<string, unknown> = { caseRef: d.caseRef ?? ev.subject };
  switch (ev.type) {
    case 'message.rejected':
      Object.assign(fields, { originalId: d.originalId, errors: (d.errors ?? []).map((e: { pointer: string; reason: string }) => `${e.pointer || '/'}: ${e.reason}`).join('; ') });
      break;
    case 'appeal.registered':
    case 'application.registered':
      Object.assign(fields, { registrationNumber: d.registrationNumber, registeredAt: d.registeredAt });
      break;
    case 'appeal.status-changed':
    case 'application.status-changed':
      Object.assign(fields, { status: d.status });
      break;
    case 'appeal.answered':
      Object.assign(fields, { answeredAt: d.answeredAt, registrationNumber: d.registrationNumber, text: typeof d.text === 'string' ? d.text.slice(0, 80) : undefined });
      break;
    case 'application.document-added': {
      // The link (a signed, expiring URL to the hub for large files) is what the portal downloads.
      const doc = (d.document ?? {}) as { name?: string; size?: number; url?: string; contentBase64?: string; signatures?: unknown[] };
      Object.assign(fields, { kind: d.kind, name: doc.name, size: doc.size, signatures: doc.signatures?.length, url: doc.url, inline: doc.contentBase64 ? 'yes' : undefined });
      break;
    }
    case 'notification.status-changed':
      Object.assign(fields, { template: d.template, channel: d.channel, status: d.status, failure: d.failure?.code });
      break;
    case 'contact.linked':
      Object.assign(fields, { channel: d.channel, active: d.active });
      break;
    case 'appeal.deadline-changed':
      Object.assign(fields, { action: d.action, until: d.until, days: d.days });
      break;
    case 'appeal.repeat-linked':
      Object.assign(fields, { earlier: (d.earlier ?? []).map((e: { caseRef: string }) => e.caseRef).join(',') });
      break;
    case 'deadline.warning':
    case 'deadline.overdue':
    case 'deadline.extended':
      Object.assign(fields, { dueDate: d.dueDate, previousDueDate: d.previousDueDate, threshold: d.threshold, share: d.share });
      break;
    case 'deadline.not-taken':
      Object.assign(fields, { takeBy: d.takeBy });
      break;
  }
  const shown = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${new Date().toISOString().slice(11, 23)}  ${ev.type ?? routingKey}  ${shown}`;
}

async function main(): Promise<void> {
  const tenant = process.argv[2] || 'demo';
  const url = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
  let current: amqp.ChannelModel | undefined;
  let stopping = false;
  const stop = () => {
    stopping = true;
    void (current?.close() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The watcher's queue lives as long as its connection: when the broker restarts it says so,
  // reconnects and watches again (what the hub published in between is not shown).
  for (let attempt = 0; !stopping; attempt++) {
    try {
      current = await watchOnce(url, tenant, attempt > 0);
      await new Promise<void>((resolve) => current!.once('close', () => resolve()));
      if (!stopping) process.stdout.write('broker connection lost: reconnecting (events published meanwhile are not shown here)\n');
    } catch (e) {
      if (attempt === 0) throw e;
    }
    if (!stopping) await new Promise((r) => setTimeout(r, 2000));
  }
}

/** One connection: an exclusive queue bound to the tenant's events, printed as they come. */
async function watchOnce(url: string, tenant: string, again: boolean): Promise<amqp.ChannelModel> {
  const conn = await amqp.connect(url);
  conn.on('error', () => undefined); // a lost connection also emits 'close', which main() waits for
  await waitForExchange(conn);
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, 'cabinet.out', `${tenant}.#`);
  await ch.consume(queue, (m) => m && process.stdout.write(`${describeEvent(m.fields.routingKey, m.content)}\n`), { noAck: true });
  process.stdout.write(`${again ? 'watching again' : 'watching'} cabinet.out "${tenant}.#" (Ctrl+C to stop)\n`);
  return conn;
}

/** The hub declares cabinet.out at startup: a watcher started first waits for it instead of failing. */
async function waitForExchange(conn: amqp.ChannelModel): Promise<void> {
  for (let said = false; ; said = true) {
    const probe = await conn.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.checkExchange('cabinet.out');
      await probe.close();
      return;
    } catch {
      // The server closed the probe channel (404): the hub has not started on this broker/vhost yet.
      if (!said) process.stdout.write('cabinet.out does not exist yet: waiting for the hub to start (npm run demo)\n');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`watch failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
