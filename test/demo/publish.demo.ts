import amqp from 'amqplib';
import type { CloudEvent } from '../../contracts';
import { demoAppeal } from './appeal.demo';

/**
 * Publishes one demo appeal as a portal would, with a plain AMQP client: to `cabinet.in`, routing
 * key = event type, persistent, `user_id` = its broker user, with a publisher confirm. Prints the event id and case reference.
 *   node dist/test/demo/publish.demo.js [tenant]        (RABBITMQ_URL, default the local broker)
 */
export async function publishDemoEvent(ev: CloudEvent, url = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672'): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    // user_id names the publisher: the hub checks its rights, RabbitMQ checks it is the connection's user.
    const userId = decodeURIComponent(new URL(url).username) || 'guest';
    ch.publish('cabinet.in', ev.type, Buffer.from(JSON.stringify(ev)), { persistent: true, contentType: 'application/cloudevents+json', messageId: ev.id, userId });
    await ch.waitForConfirms();
    process.stdout.write(`published ${ev.type} id=${ev.id} caseRef=${(ev.data as { caseRef: string }).caseRef}\n`);
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  publishDemoEvent(demoAppeal(process.argv[2] || 'demo')).catch((e) => {
    process.stderr.write(`publish failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
