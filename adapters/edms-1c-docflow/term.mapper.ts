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

/** The term changes in an appeal document's history, oldest first; each keyed by its history entry. */
export function termResults(doc: DmNode, link: { tenant: string; caseRef: string; documentId: string; system: string }, timeZone: string): ResultEvent<'appeal.deadline-changed'>[] {
  const out: ResultEvent<'appeal.deadline-changed'>[] = [];
  for (const entry of statesOf(doc, timeZone)) {
    if (!entry.at || !entry.comment) continue;
    const ext = EXTENDED.exec(entry.comment);
    const paused = PAUSED.exec(entry.comment);
    let change: Pick<AppealDeadlineChanged, 'action' | 'until' | 'reason'> | undefined;
    if (ext) change = { action: 'extended', until: ext[2], reason: ext[3].trim().slice(0, 2000) };
    else if (paused) change = { action: 'paused', reason: paused[1].trim().slice(0, 2000) };
    else if (RESUMED.test(entry.comment)) change = { action: 'resumed', reason: 'Срок исполнения возобновлен' };
    if (!change) continue;
    out.push({
      type: 'appeal.deadline-changed',
      tenant: link.tenant,
      caseRef: link.caseRef,
      occurredAt: entry.at,
      key: `${link.documentId}/term/${entry.index}/${entry.at}`,
      data: { caseRef: link.caseRef, ...change, changedAt: entry.at, author: entry.author, system: link.system, externalId: link.documentId },
    });
  }
  return out;
}

/** What the poll cursor remembers of an appeal's term: how many changes, and the last one's time. */
export function termKeyOf(results: readonly ResultEvent[]): string | undefined {
  return results.length ? `${results.length}\n${results[results.length - 1].occurredAt}` : undefined;
}
