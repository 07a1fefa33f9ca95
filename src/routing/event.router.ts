import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { NOTIFIER_TARGET } from '../messaging/topology.declaration';

/** Events the hub's own notification planner takes, whatever the routes say. */
const FOR_NOTIFIER = new Set(['notification.requested', 'contact.link-requested']);

/** Does a route's type pattern (`appeal.submitted`, `appeal.*`, `*`) match an event type? */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Picks the adapter instances an event goes to, from the routes in the configuration. */
@Injectable()
export class Router {
  private readonly cache = new Map<string, string[]>();

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  /** Targets for an event, in route order, without repeats. Disabled instances still get their copy: it waits in their queue. */
  route(event: Pick<CloudEvent, 'tenant' | 'type'>): readonly string[] {
    const key = `${event.tenant}\n${event.type}`;
    let targets = this.cache.get(key);
    if (!targets) {
      const set = new Set<string>(FOR_NOTIFIER.has(event.type) ? [NOTIFIER_TARGET] : []);
      for (const r of this.config.routes) {
        if (!r.tenants.includes('*') && !r.tenants.includes(event.tenant)) continue;
        if (!r.types.some((p) => typeMatches(p, event.type))) continue;
        r.to.forEach((t) => set.add(t));
      }
      targets = Object.freeze([...set]) as string[];
      this.cache.set(key, targets);
    }
    return targets;
  }
}
