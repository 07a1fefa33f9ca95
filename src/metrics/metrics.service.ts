import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one hub instance (own registry, so several hubs can live in one test process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly consumed = new Counter({ name: 'hub_messages_consumed_total', help: 'Messages taken from a queue', labelNames: ['queue'], registers: [this.registry] });
  readonly published = new Counter({ name: 'hub_messages_published_total', help: 'Messages published and confirmed by the broker', labelNames: ['exchange'], registers: [this.registry] });
  readonly accepted = new Counter({ name: 'hub_messages_accepted_total', help: 'Valid new events journaled', labelNames: ['via', 'type'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'hub_messages_rejected_total', help: 'Invalid input answered with message.rejected', labelNames: ['via'], registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'hub_messages_duplicate_total', help: 'Events already journaled under the same (source, id)', registers: [this.registry] });
  readonly routed = new Counter({ name: 'hub_messages_routed_total', help: 'Routed copies written to the outbox', labelNames: ['target'], registers: [this.registry] });
  readonly unroutedEvents = new Counter({ name: 'hub_events_without_route_total', help: 'Valid events that matched no route (journaled only)', registers: [this.registry] });
  readonly retried = new Counter({ name: 'hub_messages_retried_total', help: 'Messages sent to a retry (delay) queue', labelNames: ['queue'], registers: [this.registry] });
  readonly deadLettered = new Counter({ name: 'hub_messages_dead_lettered_total', help: 'Messages sent to a dead-letter queue', labelNames: ['queue'], registers: [this.registry] });
  readonly recopied = new Counter({
    name: 'hub_routed_copies_republished_total',
    help: 'Routed copies published again for redelivered messages (after a crash or broker loss)',
    registers: [this.registry],
  });
  readonly relayed = new Counter({ name: 'hub_outbox_relayed_total', help: 'Outbox rows published by the relay (not by the fast path)', registers: [this.registry] });
  readonly storeRetries = new Counter({ name: 'hub_store_retries_total', help: 'Journal writes retried after a transient database error', registers: [this.registry] });
  readonly badSignatures = new Counter({ name: 'hub_http_unauthorized_total', help: 'HTTP ingress requests refused for a missing or wrong token', registers: [this.registry] });
  readonly webhooks = new Counter({
    name: 'hub_webhooks_total',
    help: 'Provider callbacks by adapter instance and result (accepted, replay, rejected = bad signature)',
    labelNames: ['adapter', 'result'],
    registers: [this.registry],
  });

  readonly ingressLatency = new Histogram({
    name: 'hub_ingress_latency_seconds',
    help: 'From delivery to routed copies confirmed by the broker',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly batchWait = new Histogram({
    name: 'hub_ingress_wait_seconds',
    help: 'From delivery until its batch starts being written (queueing inside the hub)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly publishLatency = new Histogram({
    name: 'hub_publish_confirm_seconds',
    help: 'From publishing a batch of routed copies until the broker confirmed all of them',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly notifyStep = new Histogram({
    name: 'hub_notify_step_seconds',
    help: 'Notification path steps: pool wait, transaction, publish confirm',
    labelNames: ['step'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers: [this.registry],
  });
  readonly evidenceChained = new Counter({ name: 'hub_evidence_chained_total', help: 'Journal and audit rows appended to the hash chains', registers: [this.registry] });
  readonly evidenceRound = new Histogram({
    name: 'hub_evidence_chain_round_seconds',
    help: 'Duration of one chainer round',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly evidenceCheckpointAge = new Gauge({
    name: 'hub_evidence_checkpoint_age_seconds',
    help: 'Seconds since the chain heads were last time-stamped (grows while the TSA fails)',
    registers: [this.registry],
  });
  readonly evidenceCheckpointFailures = new Counter({ name: 'hub_evidence_checkpoint_failures_total', help: 'Failed attempts to time-stamp the chain heads', registers: [this.registry] });
  readonly batchSize = new Histogram({ name: 'hub_ingress_batch_size', help: 'Messages per journal write', buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000], registers: [this.registry] });
  readonly storeLatency = new Histogram({
    name: 'hub_journal_write_seconds',
    help: 'Duration of one batched journal + outbox write',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
  }
}
