import { Injectable } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { failureClassOf, TransientError } from '../../contracts';
import { errorLine } from '../logging/pii.mask';
import { MetricsService } from '../metrics/metrics.service';
import { ConfirmPublisher } from './confirm.publisher';
import { Delivery } from './queue.consumer';
import { ConsumerQueueSpec, dlqName, EXCHANGES, retryQueueName } from './topology.declaration';

/** Header counting deliveries through the retry queues (1 on the first delivery). */
export const ATTEMPT_HEADER = 'x-hub-attempt';

/** What happens to a failed message. */
export type FailureDecision = { action: 'retry'; queue: string; delayMs: number; attempt: number } | { action: 'dead-letter'; queue: string; attempt: number };

/**
 * Transient failures go to the delay queue of their attempt (exponential tiers, jittered; a
 * Retry-After hint picks the first tier that waits long enough); permanent failures and
 * transient ones past the last tier go to the consumer's DLQ.
 */
export function decideFailure(spec: ConsumerQueueSpec, attempt: number, err: unknown, random: () => number = Math.random): FailureDecision {
  const tiers = spec.retryDelaysMs;
  if (failureClassOf(err) === 'permanent' || attempt > tiers.length) return { action: 'dead-letter', queue: dlqName(spec.queue), attempt };
  let tier = attempt - 1;
  const hint = err instanceof TransientError ? err.retryAfterMs : undefined;
  // A tier's queue TTL caps its delay, so a Retry-After hint moves the message to a tier long enough to honour it.
  const cap = (t: number) => Math.ceil(tiers[t] * (1 + spec.jitter));
  if (hint !== undefined) while (tier < tiers.length - 1 && cap(tier) < hint) tier++;
  const jittered = Math.round(tiers[tier] * (1 + spec.jitter * (2 * random() - 1)));
  const delayMs = Math.max(1, Math.min(cap(tier), Math.max(jittered, hint ?? 0)));
  return { action: 'retry', queue: retryQueueName(spec.queue, tier), delayMs, attempt };
}

/** Attempt number carried by a message (1 when it has never been retried). */
export function attemptOf(msg: ConsumeMessage): number {
  const n = Number(msg.properties.headers?.[ATTEMPT_HEADER] ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/**
 * The explicit error path of every consumer: the failed message is republished (with confirm)
 * to its retry or dead-letter queue carrying the reason in x-hub-* headers, and only then acked.
 * A requeueing nack would count toward the quorum queue's delivery limit and, depending on the
 * RabbitMQ version, loop forever or be dropped; this path does neither.
 */
@Injectable()
export class FailureRouter {
  constructor(
    private readonly publisher: ConfirmPublisher,
    private readonly metrics: MetricsService,
  ) {}

  async fail(delivery: Delivery, spec: ConsumerQueueSpec, err: unknown): Promise<FailureDecision> {
    const msg = delivery.msg;
    const decision = decideFailure(spec, attemptOf(msg), err);
    const headers = {
      ...msg.properties.headers,
      'x-hub-consumer': spec.queue,
      'x-hub-error': errorLine(err),
      'x-hub-error-class': failureClassOf(err),
      'x-hub-failed-at': new Date().toISOString(),
      'x-hub-original-exchange': msg.properties.headers?.['x-hub-original-exchange'] ?? msg.fields.exchange,
      'x-hub-original-routing-key': msg.properties.headers?.['x-hub-original-routing-key'] ?? msg.fields.routingKey,
    };
    const { headers: _ignored, ...props } = msg.properties;
    try {
      if (decision.action === 'retry') {
        await this.publisher.publish({
          exchange: '',
          routingKey: decision.queue,
          content: msg.content,
          options: { ...clean(props), headers: { ...headers, [ATTEMPT_HEADER]: decision.attempt + 1 }, expiration: String(decision.delayMs) },
        });
        this.metrics.retried.inc({ queue: spec.queue });
      } else {
        await this.publisher.publish({
          exchange: EXCHANGES.deadLetter,
          routingKey: decision.queue,
          content: msg.content,
          options: { ...clean(props), headers: { ...headers, 'x-hub-attempts': decision.attempt } },
        });
        this.metrics.deadLettered.inc({ queue: spec.queue });
      }
      delivery.ack();
    } catch {
      // Could not park it anywhere: give it back; the broker redelivers it.
      delivery.requeue();
    }
    return decision;
  }
}

/** amqplib reports absent properties as undefined; publishing them back would fail for some (e.g. expiration). */
function clean(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (v !== undefined && k !== 'expiration') out[k] = v;
  return out;
}
