import { Inject, Injectable } from '@nestjs/common';
import { CLOUDEVENTS_CONTENT_TYPE, INBOUND_EVENT_TYPES, type AdapterDefinition, type CloudEvent, type ContractError } from '../../../contracts';
import { ADAPTER_DEFINITIONS, HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { IngressPipeline } from '../../ingress/ingress.pipeline';
import type { Publisher } from '../../ingress/publisher-rights.service';
import { parseRawEvent } from '../../ingress/raw-event.parser';
import { NOTIFIER_TARGET, NOTIFY_QUEUE, workQueueName } from '../../messaging/topology.declaration';
import { rulesFor } from '../../notifications/notification-rules.service';
import { Router, typeMatches } from '../../routing/event.router';
import { AdminDenied } from '../auth/admin.guard';

/** Where an accepted message would go. */
export interface DryRunTarget {
  target: string;
  kind: 'adapter' | 'notifier';
  queue: string;
  /** The configured routes that send it there (the notifier takes its types whatever the routes say). */
  routes: string[];
  type?: string;
  enabled?: boolean;
  /** False when the instance's adapter does not take this type: the copy would be dead-lettered. */
  handles?: boolean;
}

/** What the dry run answers. */
export interface DryRunResult {
  accepted: boolean;
  /** The errors message.rejected would list, in its order. */
  errors: ContractError[];
  event: { id: string; type: string; tenant: string; source: string; status?: string } | null;
  targets: DryRunTarget[];
  rules: { on: string; template: string; mandatory: boolean; priority: string; statuses?: string[]; exceptStatuses?: string[] }[];
  notes: string[];
  /** Always `none`: nothing was journaled, published or audited. */
  sideEffects: 'none';
}

const INBOUND = new Set<string>(INBOUND_EVENT_TYPES);

/**
 * "Which adapters and notification rules would this message reach?" for a pasted message: the
 * ingress's own validation (IngressPipeline.parse: contract, tenant, inbound type, templates, and
 * a publisher's rights when one is named), the router's targets and the notification rules'
 * matcher, all pure. Nothing is journaled or published, so the dry run is a read and is not
 * audited. The one check it cannot make is whether a submission's caseRef is already taken: that
 * is known only when the message is stored.
 */
@Injectable()
export class DryRunService {
  constructor(
    private readonly pipeline: IngressPipeline,
    private readonly router: Router,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ADAPTER_DEFINITIONS) private readonly definitions: readonly AdapterDefinition[],
  ) {}

  /** `mayRead(tenant)`: whether the principal may read that tenant's configuration (others are refused). */
  run(input: { message: unknown; publisher?: unknown }, mayRead: (tenant: string) => boolean): DryRunResult {
    const text = typeof input.message === 'string' ? input.message : input.message !== undefined && input.message !== null ? JSON.stringify(input.message) : '';
    if (!text.trim()) throw new AdminDenied(400, 'message: paste a CloudEvent (JSON) as a portal would publish it');
    let publisher: Publisher | undefined;
    let publisherTenants: string[] = [];
    if (input.publisher !== undefined && input.publisher !== '') {
      const p = this.config.publishers.find((x) => x.name === input.publisher);
      if (!p) throw new AdminDenied(400, 'publisher: not a publisher of this configuration');
      publisher = { kind: 'known', name: p.name, tenants: p.tenants, types: p.types };
      publisherTenants = p.tenants;
    }
    const body = Buffer.from(text, 'utf8');
    const verdict = this.pipeline.parse({ body, contentType: CLOUDEVENTS_CONTENT_TYPE, ...(publisher ? { publisher } : {}) });
    // The contract alone, to tell what a hub-emitted type would fire (the ingress refuses those from outside).
    const raw = parseRawEvent(body, CLOUDEVENTS_CONTENT_TYPE, this.config.hub);
    const tenant = raw.ok ? raw.event.tenant : raw.peek.tenant;
    if (tenant && Object.hasOwn(this.config.tenants, tenant) && !mayRead(tenant)) throw new AdminDenied(403, `config.read is not among your permissions for tenant ${tenant}`);
    if (publisher && !mayRead('*') && !publisherTenants.some((t) => t !== '*' && mayRead(t))) throw new AdminDenied(403, 'that publisher does not publish for your tenants');
    const notes: string[] = [];
    const event = raw.ok ? raw.event : undefined;
    const known = !!event && Object.hasOwn(this.config.tenants, event.tenant);
    const rules = known ? rulesFor(this.config.notifications.rules, event as CloudEvent) : [];
    const status = event ? (event.data as { status?: unknown } | undefined)?.status : undefined;
    const result: DryRunResult = {
      accepted: verdict.ok,
      errors: verdict.ok ? [] : verdict.errors,
      event: event ? { id: event.id, type: event.type, tenant: event.tenant, source: event.source, ...(typeof status === 'string' ? { status } : {}) } : null,
      targets: verdict.ok ? this.targets(verdict.event) : [],
      rules: rules.map((r) => ({
        on: r.on,
        template: r.template,
        mandatory: r.mandatory,
        priority: r.priority,
        ...(r.statuses ? { statuses: r.statuses } : {}),
        ...(r.exceptStatuses ? { exceptStatuses: r.exceptStatuses } : {}),
      })),
      notes,
      sideEffects: 'none',
    };
    if (event && known && !INBOUND.has(event.type)) notes.push(`${event.type} is emitted by the hub, never accepted from a portal; the rules listed are those the hub's own ${event.type} would fire`);
    if (verdict.ok && event?.type === 'notification.requested')
      notes.push(`a notification request is sent with its own template (${(event.data as { template?: string }).template}); rules do not apply`);
    else if (verdict.ok && !rules.length) notes.push('notification rules fire on the case events the hub emits (a registration, a status, an answer, deadlines), not on what a portal publishes');
    if (verdict.ok && (event?.type === 'appeal.submitted' || event?.type === 'application.submitted'))
      notes.push('whether this caseRef is already taken by another case is known only when the message is stored');
    if (verdict.ok && !result.targets.length) notes.push('no route matches: the message would be journaled and go nowhere');
    return result;
  }

  private targets(ev: CloudEvent): DryRunTarget[] {
    return this.router.route(ev).map((target) => {
      if (target === NOTIFIER_TARGET) return { target, kind: 'notifier' as const, queue: NOTIFY_QUEUE, routes: [] };
      const a = this.config.adapters[target];
      const def = this.definitions.find((d) => d.type === a?.type);
      const routes = this.config.routes
        .filter((r) => (r.tenants.includes('*') || r.tenants.includes(ev.tenant)) && r.types.some((p) => typeMatches(p, ev.type)) && r.to.includes(target))
        .map((r) => r.name);
      return { target, kind: 'adapter' as const, queue: workQueueName(target), routes, type: a?.type, enabled: a?.enabled ?? false, handles: !!def?.consumes.includes(ev.type) };
    });
  }
}
