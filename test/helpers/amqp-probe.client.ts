import amqplib, { ChannelModel, ConfirmChannel, GetMessage, ConsumeMessage, Options } from 'amqplib';

/** A received message, decoded. */
export interface Received {
  routingKey: string;
  properties: GetMessage['properties'];
  body: Buffer;
  json<T = Record<string, any>>(): T;
}

/**
 * A plain amqplib client, as a portal would use it: publishes with confirms and listens on
 * queues it binds itself. Tests never go through the hub's own messaging code to observe it.
 */
export class AmqpProbe {
  private constructor(
    private readonly conn: ChannelModel,
    private readonly ch: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<AmqpProbe> {
    const conn = await amqplib.connect(url, { noDelay: true });
    const ch = await conn.createConfirmChannel();
    return new AmqpProbe(conn, ch);
  }

  /** Publishes raw bytes and waits for the broker's confirm. */
  async publish(exchange: string, routingKey: string, body: Buffer | string, options: Options.Publish = {}): Promise<void> {
    this.ch.publish(exchange, routingKey, Buffer.isBuffer(body) ? body : Buffer.from(body), { persistent: true, ...options });
    await this.ch.waitForConfirms();
  }

  /** Publishes a CloudEvent the way the README tells portals to. */
  async publishEvent(event: { id: string; type: string }, options: Options.Publish = {}): Promise<void> {
    await this.publish('cabinet.in', event.type, JSON.stringify(event), { contentType: 'application/cloudevents+json', messageId: event.id, ...options });
  }

  /** Publishes many events pipelined, then waits for all confirms. */
  async publishMany(events: { id: string; type: string }[]): Promise<void> {
    for (const e of events) {
      const ok = this.ch.publish('cabinet.in', e.type, Buffer.from(JSON.stringify(e)), { persistent: true, contentType: 'application/cloudevents+json', messageId: e.id });
      if (!ok) await new Promise((r) => this.ch.once('drain', r));
    }
    await this.ch.waitForConfirms();
  }

  /** Binds a fresh exclusive queue to an exchange and collects what arrives. */
  async listen(exchange: string, pattern: string): Promise<Received[]> {
    const got: Received[] = [];
    const { queue } = await this.ch.assertQueue('', { exclusive: true, autoDelete: true });
    await this.ch.bindQueue(queue, exchange, pattern);
    await this.ch.consume(queue, (m) => m && got.push(decode(m)), { noAck: true });
    return got;
  }

  /** Reads everything currently in a queue (acking it), waiting up to `idleMs` for more. */
  async drain(queue: string, idleMs = 300): Promise<Received[]> {
    const got: Received[] = [];
    for (;;) {
      const m = await this.ch.get(queue, { noAck: true });
      if (m) {
        got.push(decode(m));
        continue;
      }
      await new Promise((r) => setTimeout(r, idleMs));
      const again = await this.ch.get(queue, { noAck: true });
      if (!again) return got;
      got.push(decode(again));
    }
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.ch.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.ch.close().catch(() => undefined);
    await this.conn.close().catch(() => undefined);
  }
}

function decode(m: ConsumeMessage | GetMessage): Received {
  return {
    routingKey: m.fields.routingKey,
    properties: m.properties,
    body: m.content,
    json: () => JSON.parse(m.content.toString('utf8')),
  };
}
