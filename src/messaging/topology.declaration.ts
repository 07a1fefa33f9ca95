import type { Channel } from 'amqplib';

/**
 * The whole AMQP topology, declared in this one place at startup (and again after every
 * reconnect, which is idempotent while arguments don't change).
 *
 *   portal ──► cabinet.in (topic) ──#──► hub.ingress (quorum) ──► ingress pipeline
 *   pipeline ──► hub.work (direct, key = adapter instance) ──► hub.work.<instance> (quorum)
 *   hub ──► cabinet.out (topic, key = <tenant>.<type>) ──► portal queues bound with <tenant>.#
 *   pipeline ──► hub.work (key hub.notifier) ─┐
 *   cabinet.out (*.appeal.*, *.application.*) ┴► hub.notify (quorum) ──► notification planner
 *   planner ──► hub.work (key = channel adapter instance, notification.dispatch)
 *
 * Every exchange has the alternate exchange hub.unrouted, so a message nobody is bound for is
 * kept in queue hub.unrouted instead of vanishing. Every consumer queue Q has:
 *   Q.retry.<n>  classic TTL queues, dead-lettering back into Q (exponential backoff, no plugin)
 *   Q.dlq        quorum queue that keeps failed messages with their reason in x-hub-* headers
 * and dead-letters to Q.dlq by itself when a message exceeds the delivery limit.
 */
export const EXCHANGES = {
  in: 'cabinet.in',
  out: 'cabinet.out',
  work: 'hub.work',
  deadLetter: 'hub.dlx',
  unrouted: 'hub.unrouted',
} as const;

/** Queue from which the ingress pipeline consumes everything published on cabinet.in. */
export const INGRESS_QUEUE = 'hub.ingress';
/** Queue that keeps messages no binding wanted. */
export const UNROUTED_QUEUE = 'hub.unrouted';

/** Queue of the notification planner: portal requests, link tokens, and case events to tell citizens about. */
export const NOTIFY_QUEUE = 'hub.notify';
/** hub.work routing key of the notification planner (a dot keeps it apart from adapter instance ids). */
export const NOTIFIER_TARGET = 'hub.notifier';

/** Work queue of an adapter instance. */
export const workQueueName = (instanceId: string): string => `hub.work.${instanceId}`;
/**
 * Bulk lane of a channel adapter instance: broadcasts (`priority: bulk`) wait here, so a
 * citizen's individual notice is not queued behind a hundred thousand outage notices.
 */
export const bulkQueueName = (instanceId: string): string => `hub.work.${instanceId}.bulk`;
/** hub.work routing key of an instance's bulk lane. */
export const bulkRoutingKey = (instanceId: string): string => `${instanceId}.bulk`;
/** Dead-letter queue of a consumer queue. */
export const dlqName = (queue: string): string => `${queue}.dlq`;
/** Retry (delay) queue of a consumer queue for one backoff tier. */
export const retryQueueName = (queue: string, tier: number): string => `${queue}.retry.${tier}`;

/** A queue the hub consumes from, with the parts every consumer queue gets. */
export interface ConsumerQueueSpec {
  queue: string;
  /** Where the queue gets its messages from. */
  binds: { exchange: string; routingKey: string }[];
  deliveryLimit: number;
  /** Backoff tiers in milliseconds; one delay queue each. */
  retryDelaysMs: number[];
  /** Upper bound of the random spread around each tier (0.2 = ±20 %). */
  jitter: number;
}

/** Declares exchanges, consumer queues with their retry tiers and DLQs, and the unrouted catch-all. */
export async function declareTopology(ch: Channel, consumers: ConsumerQueueSpec[]): Promise<void> {
  const ae = { alternateExchange: EXCHANGES.unrouted };
  await ch.assertExchange(EXCHANGES.unrouted, 'fanout', { durable: true });
  await ch.assertQueue(UNROUTED_QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await ch.bindQueue(UNROUTED_QUEUE, EXCHANGES.unrouted, '');

  await ch.assertExchange(EXCHANGES.in, 'topic', { durable: true, ...ae });
  await ch.assertExchange(EXCHANGES.out, 'topic', { durable: true, ...ae });
  await ch.assertExchange(EXCHANGES.work, 'direct', { durable: true, ...ae });
  await ch.assertExchange(EXCHANGES.deadLetter, 'direct', { durable: true });

  for (const spec of consumers) {
    const dlq = dlqName(spec.queue);
    await ch.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.bindQueue(dlq, EXCHANGES.deadLetter, dlq);

    await ch.assertQueue(spec.queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': spec.deliveryLimit,
        'x-dead-letter-exchange': EXCHANGES.deadLetter,
        'x-dead-letter-routing-key': dlq,
      },
    });
    for (const b of spec.binds) await ch.bindQueue(spec.queue, b.exchange, b.routingKey);

    for (const [tier, delay] of spec.retryDelaysMs.entries()) {
      // Per-message expiration carries the jittered delay; the queue TTL only caps it. Because all
      // messages of a tier share one delay ± jitter, head-of-line blocking is bounded by the jitter.
      await ch.assertQueue(retryQueueName(spec.queue, tier), {
        durable: true,
        arguments: {
          'x-queue-type': 'classic',
          'x-message-ttl': Math.ceil(delay * (1 + spec.jitter)),
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': spec.queue,
        },
      });
    }
  }
}
