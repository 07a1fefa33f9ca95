import { Inject, Injectable } from '@nestjs/common';
import type { AdapterDefinition } from '../../contracts';
import { ADAPTER_DEFINITIONS, HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { bulkQueueName, bulkRoutingKey, ConsumerQueueSpec, EXCHANGES, INGRESS_QUEUE, NOTIFIER_TARGET, NOTIFY_QUEUE, workQueueName } from './topology.declaration';

/** Turns the configuration into the list of consumer queues the topology declares. */
@Injectable()
export class TopologyPlan {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ADAPTER_DEFINITIONS) private readonly definitions: readonly AdapterDefinition[],
  ) {}

  /** Whether an instance sends notifications, and so has a bulk lane beside its work queue. */
  hasBulkLane(instanceId: string): boolean {
    const type = this.config.adapters[instanceId]?.type;
    return !!this.definitions.find((d) => d.type === type)?.consumes.includes('notification.dispatch');
  }

  consumers(): ConsumerQueueSpec[] {
    const { retry, ingress } = this.config;
    const ingressSpec: ConsumerQueueSpec = {
      queue: INGRESS_QUEUE,
      binds: [{ exchange: EXCHANGES.in, routingKey: '#' }],
      deliveryLimit: ingress.deliveryLimit,
      retryDelaysMs: retry.delaysMs,
      jitter: retry.jitter,
    };
    // Work queues exist for every declared instance, enabled or not, so routed messages are kept
    // until the instance is enabled rather than lost.
    const work = Object.keys(this.config.adapters).map<ConsumerQueueSpec>((id) => ({
      queue: workQueueName(id),
      binds: [{ exchange: EXCHANGES.work, routingKey: id }],
      deliveryLimit: 20,
      retryDelaysMs: retry.delaysMs,
      jitter: retry.jitter,
    }));
    const notify: ConsumerQueueSpec = {
      queue: NOTIFY_QUEUE,
      binds: [
        { exchange: EXCHANGES.work, routingKey: NOTIFIER_TARGET },
        // The planner reads the hub's own case events off cabinet.out, like any portal would.
        { exchange: EXCHANGES.out, routingKey: '*.appeal.*' },
        { exchange: EXCHANGES.out, routingKey: '*.application.*' },
        { exchange: EXCHANGES.out, routingKey: '*.deadline.*' },
      ],
      deliveryLimit: 20,
      retryDelaysMs: retry.delaysMs,
      jitter: retry.jitter,
    };
    const bulk = Object.keys(this.config.adapters)
      .filter((id) => this.hasBulkLane(id))
      .map<ConsumerQueueSpec>((id) => ({
        queue: bulkQueueName(id),
        binds: [{ exchange: EXCHANGES.work, routingKey: bulkRoutingKey(id) }],
        deliveryLimit: 20,
        retryDelaysMs: retry.delaysMs,
        jitter: retry.jitter,
      }));
    return [ingressSpec, ...work, ...bulk, notify];
  }
}
