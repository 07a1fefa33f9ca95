import type { AppealDeadlineChanged, ResultEvent } from '../../contracts';
import { statesOf } from './application.mapper';
import type { DmNode } from './dm-soap.client';

/**
 * An appeal's answer term as 1C:Документооборот changes it. ASSUMPTION (README, "Answer term"): no
 * public DMService element holds the control term; deployments keep it as the additional
 * properties `Срок исполнения`, `Основание изменения срока` and `Срок приостановлен`, and every
 * change leaves a state-history entry with a fixed comment, its time and its author. The history
 * is what is read: it says what happened, when and by whom, and the properties only say how things
 * stand now.
 */
const EXTENDED = /^Срок исполнения продлен с (\d{4}-\d{2}-\d{2}) до (\d{4}-\d{2}-\d{2})\. Основание: ([\s\S]+)$/;
const PAUSED = /^Срок исполнения приостановлен\. Основание: ([\s\S]+)$/;
const RESUMED = /^Срок исполнения возобновлен/;

type TermChange = { index: number; at: string; author: AppealDeadlineChanged['author'] } & Pick<AppealDeadlineChanged, 'action' | 'until' | 'reason'>;

/** The term changes in an appeal document's state history, oldest first. */
function termChanges(doc: DmNode, timeZone: string): TermChange[] {
  const out: TermChange[] = [];
  for (const entry of statesOf(doc, timeZone)) {
    if (!entry.at || !entry.comment) continue;
    const ext = EXTENDED.exec(entry.comment);
    const paused = PAUSED.exec(entry.comment);
    const base = { index: entry.index, at: entry.at, author: entry.author };
    if (ext) out.push({ ...base, action: 'extended', until: ext[2], reason: ext[3].trim().slice(0, 2000) });
    else if (paused) out.push({ ...base, action: 'paused', reason: paused[1].trim().slice(0, 2000) });
    else if (RESUMED.test(entry.comment)) out.push({ ...base, action: 'resumed', reason: 'Срок исполнения возобновлен' });
  }
  return out;
}

/** The term changes as results, each keyed by its history entry (a history read again is applied once). */
export function termResults(doc: DmNode, link: { tenant: string; caseRef: string; documentId: string; system: string }, timeZone: string): ResultEvent<'appeal.deadline-changed'>[] {
  return termChanges(doc, timeZone).map(({ index, at, author, ...change }) => ({
    type: 'appeal.deadline-changed',
    tenant: link.tenant,
    caseRef: link.caseRef,
    occurredAt: at,
    key: `${link.documentId}/term/${index}/${at}`,
    data: { caseRef: link.caseRef, ...change, changedAt: at, author, system: link.system, externalId: link.documentId },
  }));
}

/** What the poll cursor remembers of an appeal's term: how many changes, and the last one's time. */
export function termKeyOf(doc: DmNode, timeZone: string): string | undefined {
  const changes = termChanges(doc, timeZone);
  return changes.length ? `${changes.length}\n${changes[changes.length - 1].at}` : undefined;
}
