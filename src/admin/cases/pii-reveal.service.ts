import { Injectable } from '@nestjs/common';
import type { CaseKind } from '../../../contracts';
import { AdminAudit } from '../audit/admin-audit.service';
import type { Principal } from '../auth/admin-auth.service';
import { AdminDenied } from '../auth/admin.guard';
import { caseContactsOf, CaseTimelineService } from './case-timeline.service';
import { CASE_RULES, MESSAGE_RULES, pointerSegments, revealField, type PiiKind } from './pii-mask.mapper';

/** A revealed field: where, what kind, the clear value. */
export interface Revealed {
  target: string;
  pointer: string;
  kind: PiiKind;
  value: unknown;
}

function checkPointer(pointer: unknown): string {
  if (typeof pointer !== 'string' || pointer.length > 512 || (pointer !== '' && !pointerSegments(pointer))) throw new AdminDenied(400, 'pointer: a JSON pointer (RFC 6901) to a masked field');
  return pointer;
}

/**
 * Revealing one masked field, for a holder of `pii.reveal` (checked by the guard; `cases.read`
 * by the caller). Each reveal is audited BEFORE the value is returned: action `pii.reveal`,
 * target `message:<journalId>#<pointer>` or `case:<kind>:<caseRef>#<pointer>`, the reason, the
 * field's kind; never the value. An audit that cannot be written reveals nothing.
 */
@Injectable()
export class PiiRevealService {
  constructor(
    private readonly timeline: CaseTimelineService,
    private readonly audit: AdminAudit,
  ) {}

  async revealMessage(who: Principal, tenant: string, journalId: string, pointerIn: unknown, reason: string): Promise<Revealed> {
    const pointer = checkPointer(pointerIn);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(journalId)) throw new AdminDenied(404, 'this tenant has no journal entry with this id');
    const found = await this.timeline.messageDocument(tenant, journalId);
    if (!found) throw new AdminDenied(404, 'this tenant has no journal entry with this id');
    const { record, doc } = found;
    let value: unknown;
    let kind: PiiKind;
    if (doc.json) {
      const r = revealField(doc.doc, MESSAGE_RULES, pointer, record.status === 'rejected' ? { unvalidatedUnder: '/data' } : {});
      if (!r.ok) throw new AdminDenied(400, r.reason);
      value = r.value;
      kind = r.field.kind;
    } else {
      if (doc.text === undefined) throw new AdminDenied(404, 'this entry has no body (erased or empty)');
      if (pointer !== '') throw new AdminDenied(400, 'pointer: this body is not JSON; reveal it whole with the pointer ""');
      value = doc.text;
      kind = 'unvalidated';
    }
    const target = `message:${journalId}#${pointer}`;
    await this.audit.record(who, { tenant, action: 'pii.reveal', target, reason, after: { kind } });
    return { target, pointer, kind, value };
  }

  async revealCase(who: Principal, tenant: string, caseRef: string, kinds: readonly CaseKind[], pointerIn: unknown, reason: string): Promise<Revealed> {
    const pointer = checkPointer(pointerIn);
    const found = await this.timeline.caseRow(tenant, caseRef, kinds);
    if (found.found === 'none') throw new AdminDenied(404, 'this tenant has no case with this caseRef');
    if (found.found === 'ambiguous') throw new AdminDenied(409, `this tenant has an appeal and an application with this caseRef: give kind (${found.kinds.join(' or ')})`);
    const r = revealField(caseContactsOf(found.value), CASE_RULES, pointer);
    if (!r.ok) throw new AdminDenied(400, r.reason);
    const target = `case:${found.value.kind}:${caseRef}#${pointer}`;
    await this.audit.record(who, { tenant, action: 'pii.reveal', target, reason, after: { kind: r.field.kind } });
    return { target, pointer, kind: r.field.kind, value: r.value };
  }
}
