import { Inject, Injectable } from '@nestjs/common';
import { CASE_KINDS, EVENT_TYPES, type CaseKind } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { Publisher, PublisherRights } from '../ingress/publisher-rights.service';
import { typeMatches } from '../routing/event.router';

/** Whether a request may read cases of a tenant: the kinds it may read and who it is, or why not. */
export type CaseAccess = { ok: true; kinds: CaseKind[]; reader: string } | { ok: false; status: 401 | 403; reason: string };

/**
 * Who may read a case: exactly who may publish for its tenant on the HTTP ingress (the same
 * PublisherRights, so tokens are compared in constant time and an open tenant is open here too),
 * restricted to the kinds of case the publisher's `types` cover. A portal allowed only
 * `application.submitted` reads application cases, not appeals; one allowed only
 * `notification.requested` reads none. The token proves who the portal is; the types say what
 * it deals with, and a case it may not publish about is none of its business.
 */
@Injectable()
export class CaseAccessService {
  private readonly rights: PublisherRights;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.rights = new PublisherRights(config);
  }

  /**
   * The decision for an `Authorization` header, a tenant and optionally one kind. A token for
   * another tenant gets 403 whether or not the case exists anywhere: nothing is looked up before
   * the rights are settled.
   */
  authorize(authorization: string | undefined, tenant: string, kind?: CaseKind): CaseAccess {
    const bearer = this.rights.forBearer(authorization);
    if (bearer === 'invalid') return { ok: false, status: 401, reason: 'the bearer token is not valid' };
    const publisher: Publisher | undefined = bearer ?? this.rights.openTenant(tenant);
    if (!publisher) return { ok: false, status: 401, reason: 'a bearer token is required (Authorization: Bearer <token>)' };
    if (publisher.kind !== 'known') return { ok: false, status: 403, reason: 'this token may not read cases' };
    if (!publisher.tenants.includes('*') && !publisher.tenants.includes(tenant)) return { ok: false, status: 403, reason: 'this token may not read cases of this tenant' };
    const kinds = CASE_KINDS.filter((k) => readsKind(publisher.types, k));
    if (kind && !kinds.includes(kind)) return { ok: false, status: 403, reason: `this token may publish no ${kind}.* event type, so it may not read ${kind} cases` };
    if (!kinds.length) return { ok: false, status: 403, reason: 'this token may publish no appeal.* or application.* event type, so it may not read cases' };
    return { ok: true, kinds: kind ? [kind] : kinds, reader: publisher.name };
  }
}

/** Whether type patterns allow some event type of this kind of case. */
export function readsKind(patterns: readonly string[], kind: CaseKind): boolean {
  return EVENT_TYPES.some((t) => t.startsWith(`${kind}.`) && patterns.some((p) => typeMatches(p, t)));
}
