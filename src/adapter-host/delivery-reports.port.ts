import type { PoolClient } from 'pg';
import type { CloudEvent, DeliveryReport } from '../../contracts';
import type { OutgoingMessage } from '../messaging/confirm.publisher';

/** Injection token of the {@link DeliveryReportsPort} (notifications implements it). */
export const DELIVERY_REPORTS = Symbol('DELIVERY_REPORTS');

/**
 * How the adapter host hands what channel adapters report to whoever tracks deliveries, without
 * knowing what a channel is. The host runs every adapter the same way (inbox, attempts,
 * timeout, limiter, breaker); this port is the only place where deliveries leave it.
 */
export interface DeliveryReportsPort {
  /**
   * For a routed event the port tracks (a dispatch): whether it must still go out. One read
   * answers both "done already?" and "given up on while it waited?". Undefined for events it
   * does not track: then the consumer inbox decides.
   */
  stillWanted(event: CloudEvent): Promise<boolean | undefined>;
  /** Applies delivery reports of one adapter instance in `tx`; returns what to publish after commit. */
  apply(tx: PoolClient, instance: string, reports: readonly DeliveryReport[]): Promise<OutgoingMessage[]>;
  /** The failed-delivery report for a tracked event that an adapter refused for good; undefined for others. */
  refused(event: CloudEvent, reason: string): DeliveryReport | undefined;
}
