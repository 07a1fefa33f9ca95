import { timingSafeEqual } from 'node:crypto';
import type { CloudEvent, ContractError } from '../../contracts';
import type { HubConfig } from '../config/hub-config.schema';
import { typeMatches } from '../routing/event.router';

/** Header the hub's own HTTP ingress puts on what it republishes to cabinet.in (its rights were checked there). */
export const HTTP_INGRESS_HEADER = 'x-hub-ingress';

/**
 * Who sent a message, as far as the transport can tell:
 * - `known`: a configured publisher (or an open tenant on HTTP), with its rights;
 * - `any`: nothing to restrict (AMQP with no publishers configured, anonymous publishers allowed,
 *   or the hub's own HTTP ingress, which checked the rights before republishing);
 * - `unidentified`: publishers are configured and this one is none of them.
 */
export type Publisher = { kind: 'known'; name: string; tenants: string[]; types: string[] } | { kind: 'any' } | { kind: 'unidentified'; reason: string };

/**
 * The publishers of the configuration and what each may publish. AMQP publishers are told apart by
 * the `user_id` property, which RabbitMQ checks against the connection's user (a forged one closes
 * the channel), so it cannot be claimed by another portal; HTTP publishers by their bearer token.
 */
export class PublisherRights {
  private readonly byUser = new Map<string, Publisher>();
  private readonly tokens: { token: Buffer; publisher: Publisher }[] = [];

  constructor(private readonly config: HubConfig) {
    for (const p of config.publishers) {
      const publisher: Publisher = { kind: 'known', name: p.name, tenants: p.tenants, types: p.types };
      if (p.amqpUser) this.byUser.set(p.amqpUser, publisher);
      for (const t of p.httpTokens) this.tokens.push({ token: Buffer.from(t), publisher });
    }
    // Per-tenant tokens (the older setting): every inbound type of that one tenant.
    for (const [id, t] of Object.entries(config.tenants)) {
      for (const token of t.ingressTokens) this.tokens.push({ token: Buffer.from(token), publisher: { kind: 'known', name: `tenant:${id}`, tenants: [id], types: ['*'] } });
    }
  }

  /** Whether AMQP messages are bound to publishers at all (at least one publisher names its broker user). */
  get amqpBound(): boolean {
    return this.byUser.size > 0;
  }

  /**
   * The publisher of an AMQP message, from its user_id property; `hubUser` is the hub's own broker
   * user. Bound by default: a message from no configured publisher is unidentified (and rejected)
   * unless `hub.amqp.allowAnonymousPublishers` says otherwise.
   */
  forAmqp(userId: unknown, headers: Record<string, unknown> | undefined, hubUser: string): Publisher {
    if (userId === hubUser && headers?.[HTTP_INGRESS_HEADER] === 'http') return { kind: 'any' };
    const known = typeof userId === 'string' ? this.byUser.get(userId) : undefined;
    if (known) return known;
    if (this.config.hub.amqp.allowAnonymousPublishers) return { kind: 'any' };
    if (typeof userId !== 'string' || userId === '') return { kind: 'unidentified', reason: 'publisher not identified: set the user_id property to the broker user you connect as' };
    return { kind: 'unidentified', reason: 'publisher not identified: this broker user is not a configured publisher' };
  }

  /**
   * The publisher behind an HTTP Authorization header: `undefined` without a header, `'invalid'`
   * when no configured token matches (compared in constant time).
   */
  forBearer(header: string | undefined): Publisher | 'invalid' | undefined {
    if (!header) return undefined;
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return 'invalid';
    const given = Buffer.from(m[1]);
    let found: Publisher | undefined;
    for (const t of this.tokens) if (t.token.length === given.length && timingSafeEqual(t.token, given) && !found) found = t.publisher;
    return found ?? 'invalid';
  }

  /** The tenant of an open HTTP tenant as a publisher of every inbound type, or undefined when it needs a token. */
  openTenant(tenant: string | undefined): Publisher | undefined {
    return tenant && this.config.tenants[tenant]?.httpOpen ? { kind: 'known', name: `open:${tenant}`, tenants: [tenant], types: ['*'] } : undefined;
  }

  /** What in the event lies outside the publisher's rights. */
  errors(publisher: Publisher, ev: Pick<CloudEvent, 'tenant' | 'type'>): ContractError[] {
    if (publisher.kind === 'any') return [];
    if (publisher.kind === 'unidentified') return [{ pointer: '', reason: publisher.reason }];
    const errors: ContractError[] = [];
    if (!publisher.tenants.includes('*') && !publisher.tenants.includes(ev.tenant)) errors.push({ pointer: '/tenant', reason: 'this publisher may not publish for this tenant' });
    if (!publisher.types.some((p) => typeMatches(p, ev.type))) errors.push({ pointer: '/type', reason: 'this publisher may not publish this event type' });
    return errors;
  }

  /**
   * Where a rejection goes: the tenant read from the body when the publisher may use it, else the
   * publisher's first tenant (so a portal that got the tenant wrong still hears about it under
   * its own `<tenant>.#`), else the body's tenant, else none.
   */
  replyTenant(publisher: Publisher | undefined, fromBody: string | undefined): string | undefined {
    if (publisher?.kind !== 'known') return fromBody;
    if (fromBody && (publisher.tenants.includes('*') || publisher.tenants.includes(fromBody))) return fromBody;
    return publisher.tenants.find((t) => t !== '*' && this.config.tenants[t]) ?? fromBody;
  }

  /** What the operator should know at startup: every place where publishers are not bound. */
  warnings(): string[] {
    const out: string[] = [];
    if (this.config.hub.amqp.allowAnonymousPublishers) out.push('hub.amqp.allowAnonymousPublishers is on: AMQP messages without a known user_id are accepted for any tenant');
    else if (!this.amqpBound) out.push('no publisher names its broker user (publishers.<name>.amqpUser): every AMQP message on cabinet.in will be rejected as unidentified');
    for (const [id, t] of Object.entries(this.config.tenants))
      if (t.httpOpen) out.push(`tenant "${id}" is open on the HTTP ingress (tenants.${id}.http.open): anyone who can reach the hub may publish for it and read its cases without a token`);
    return out;
  }
}
