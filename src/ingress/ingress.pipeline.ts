import { v7 as uuidv7 } from 'uuid';
import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent, ContractError, EVENT_CATALOG, INBOUND_EVENT_TYPES, isEventType, MessageRejected, NotificationRequested } from '../../contracts';
import { TemplateCatalog } from '../templates/template.catalog';
import { rejectionEventId, stableUuid } from '../persistence/stable.uuid';
import type { Logger } from 'pino';
import { HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import { UNKNOWN_TENANT_ID } from '../config/hub-config.loader';
import type { HubConfig } from '../config/hub-config.schema';
import { ConfirmPublisher, OutgoingMessage } from '../messaging/confirm.publisher';
import { EXCHANGES } from '../messaging/topology.declaration';
import { MetricsService } from '../metrics/metrics.service';
import { EventEmitter } from '../outbox/event.emitter';
import { CaseOpening, JournalEntry, JournalRepository, OutboxEntry } from '../persistence/journal.repository';
import { RoutedCopyOrigin, routedCopyProperties } from '../routing/routed-copy.properties';
import { Router } from '../routing/event.router';
import { Publisher, PublisherRights } from './publisher-rights.service';
import { ParseOutcome, parseRawEvent, Peek, peekValue } from './raw-event.parser';

const INBOUND = new Set<string>(INBOUND_EVENT_TYPES);

/** Tenant used to address rejections whose tenant could not be read or is not configured (reserved in config). */
export const UNKNOWN_TENANT = UNKNOWN_TENANT_ID;
/** How much of a rejected body the journal keeps as evidence. */
export const EVIDENCE_BYTES = 64 * 1024;

/** One message as it arrived, over AMQP or HTTP. */
export interface InboundMessage {
  body: Buffer;
  contentType?: string;
  via: 'amqp' | 'http';
  /** The AMQP message_id, used to address a rejection when the body itself is unreadable. */
  messageId?: string;
  /** The broker delivered it before (an earlier attempt may have crashed half-way). */
  redelivered?: boolean;
  /** process.hrtime.bigint() at arrival, for the latency histogram. */
  arrivedAt: bigint;
  /** Who sent it, as the transport identified it; its rights are checked and it hears about rejections. */
  publisher?: Publisher;
}

/** What the pipeline decided for one message. */
export type Verdict =
  | { outcome: 'accepted'; journalId: string; eventId: string; routes: readonly string[]; dedupeKey: string }
  | { outcome: 'duplicate'; eventId: string; dedupeKey: string }
  | { outcome: 'rejected'; journalId: string; errors: ContractError[] };

/** A batch whose journal write is durable; its messages still have to be published. */
export interface StoredBatch {
  verdicts: Verdict[];
  /** Routed copies of each input message (same index); the message is acked once they are confirmed. */
  copies: OutgoingMessage[][];
  /** Events the hub emitted with the batch (message.rejected), with the outbox rows written with it. */
  outbox: OutgoingMessage[];
}

/**
 * validate → de-duplicate on (source, id) → journal → route. `store` makes a whole batch durable
 * in one database statement (journal entries with their routing decision, outbox rows of the
 * events the hub emits, case openings). `publish` then sends the routed copies and the outbox
 * rows with confirms; a source message is acked only when its copies are confirmed.
 *
 * Routed copies need no outbox row: until they are confirmed the source message stays unacked
 * in hub.ingress, and that unacked message is the durable record of the pending publish (a
 * crash redelivers it, see recopyRedelivered). This keeps two writes and a delete per message
 * off the hot path.
 */
@Injectable()
export class IngressPipeline {
  /** Publishers and their rights (shared with the transports, which identify the publisher). */
  readonly rights: PublisherRights;

  constructor(
    private readonly journal: JournalRepository,
    private readonly publisher: ConfirmPublisher,
    private readonly emitter: EventEmitter,
    private readonly router: Router,
    private readonly metrics: MetricsService,
    private readonly templates: TemplateCatalog,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.rights = new PublisherRights(config);
  }

  /**
   * Validation alone (used by the HTTP ingress to answer before publishing), then the publisher's
   * rights: an event outside them is refused with `forbidden` set.
   */
  parse(msg: Pick<InboundMessage, 'body' | 'contentType' | 'publisher'>): ParseOutcome {
    const outcome = this.validate(msg);
    const publisher = msg.publisher;
    if (!publisher) return outcome;
    if (!outcome.ok) return publisher.kind === 'unidentified' ? { ...outcome, errors: [{ pointer: '', reason: publisher.reason }, ...outcome.errors] } : outcome;
    const errors = this.rights.errors(publisher, outcome.event);
    const ev = outcome.event;
    return errors.length ? { ok: false, errors, peek: { id: ev.id, source: ev.source, type: ev.type, tenant: ev.tenant }, forbidden: true } : outcome;
  }

  private validate(msg: Pick<InboundMessage, 'body' | 'contentType'>): ParseOutcome {
    const outcome = parseRawEvent(msg.body, msg.contentType, this.config.hub);
    if (!outcome.ok) return outcome;
    const ev = outcome.event;
    const peek = { id: ev.id, source: ev.source, type: ev.type, tenant: ev.tenant };
    if (!INBOUND.has(ev.type)) return { ok: false, errors: [{ pointer: '/type', reason: `${ev.type} is emitted by the hub and never accepted from outside` }], peek };
    // Own keys only: "constructor" matches the tenant pattern and every plain object has one.
    if (!Object.hasOwn(this.config.tenants, ev.tenant)) return { ok: false, errors: [{ pointer: '/tenant', reason: 'unknown tenant: not configured in this hub' }], peek };
    if (ev.type === 'notification.requested') {
      const errors = this.templateErrors(ev.data as NotificationRequested);
      if (errors.length) return { ok: false, errors, peek };
    }
    return outcome;
  }

  /** A notification the hub could not render is refused now, where the portal can fix it, not at send time. */
  private templateErrors(d: NotificationRequested): ContractError[] {
    if (!this.templates.has(d.template)) return [{ pointer: '/data/template', reason: `template "${d.template}" is not configured in this hub` }];
    const given = { tenantName: '', ...(d.variables ?? {}) };
    return this.templates.missing(d.template, given).map((name) => ({ pointer: `/data/variables/${name}`, reason: `required by template "${d.template}"` }));
  }

  async store(batch: InboundMessage[], parsed: ParseOutcome[] = batch.map((m) => this.parse(m))): Promise<StoredBatch> {
    const entries: JournalEntry[] = [];
    const outbox: OutboxEntry[] = [];
    const cases: CaseOpening[] = [];
    const verdicts: Verdict[] = [];
    const copies: OutgoingMessage[][] = batch.map(() => []);
    const seen = new Set<string>();
    const opened = new Set<string>();
    /** What each submission is answered if the store finds its case taken. */
    const ifTaken = new Map<string, ContractError[]>();
    /** The message.rejected of each submission, built only if the store finds its case taken. */
    const answers = new Map<string, () => OutboxEntry>();

    batch.forEach((msg, i) => {
      const p = parsed[i];
      const journalId = uuidv7();
      if (!p.ok) {
        const peek = { ...p.peek, id: p.peek.id ?? peekValue(msg.messageId, 256) };
        const subject = this.rejectedCaseRef(p, msg.publisher);
        entries.push({
          id: journalId,
          direction: 'in',
          via: msg.via,
          status: 'rejected',
          tenant: peek.tenant,
          source: peek.source,
          eventId: peek.id,
          type: peek.type,
          ...(subject ? { subject } : {}),
          routes: [],
          errors: p.errors,
          body: msg.body.length > EVIDENCE_BYTES ? msg.body.subarray(0, EVIDENCE_BYTES) : msg.body,
          bodySize: msg.body.length,
          bodyTruncated: msg.body.length > EVIDENCE_BYTES,
        });
        outbox.push(this.rejection(journalId, msg.via, p.errors, peek, msg.publisher));
        verdicts.push({ outcome: 'rejected', journalId, errors: p.errors });
        return;
      }
      const ev = p.event;
      const dedupeKey = `${ev.source}\n${ev.id}`;
      if (seen.has(dedupeKey)) {
        verdicts.push({ outcome: 'duplicate', eventId: ev.id, dedupeKey });
        return;
      }
      seen.add(dedupeKey);
      const routes = this.router.route(ev);
      const opening = caseOpening(ev, journalId);
      entries.push({
        id: journalId,
        direction: 'in',
        via: msg.via,
        status: 'accepted',
        tenant: ev.tenant,
        source: ev.source,
        eventId: ev.id,
        type: ev.type,
        // Case events are journaled under their case even when the portal left `subject` out: the
        // case history reads them by (tenant, subject).
        subject: ev.subject ?? caseRefOf(ev),
        correlationId: ev.correlationid,
        dedupeKey,
        routes,
        body: msg.body,
        bodySize: msg.body.length,
        bodyTruncated: false,
        ...(opening ? { opensCase: { caseId: opening.caseId, caseTakenErrors: () => takenErrors(opening, ifTaken) } } : {}),
      });
      copies[i] = routedCopies(msg.body, routes, { eventId: ev.id, journalId, tenant: ev.tenant, type: ev.type, source: ev.source, correlationId: ev.correlationid });
      if (opening) {
        answers.set(journalId, () => this.rejection(journalId, msg.via, takenErrors(opening, ifTaken), { id: ev.id, source: ev.source, type: ev.type, tenant: ev.tenant }, msg.publisher));
        // The first submission in the batch is the one that may open the case; later ones find it taken.
        if (!opened.has(opening.caseId)) {
          opened.add(opening.caseId);
          cases.push(opening);
        }
      }
      verdicts.push({ outcome: 'accepted', journalId, eventId: ev.id, routes, dedupeKey });
    });

    const end = this.metrics.storeLatency.startTimer();
    const takenAnswers: OutboxEntry[] = [];
    const stored = await this.journal.store(entries, outbox, cases, (taken) => {
      for (const id of taken) takenAnswers.push((answers.get(id) as () => OutboxEntry)());
      return takenAnswers;
    });
    end();
    this.metrics.batchSize.observe(batch.length);

    // Entries the database already had are duplicates from an earlier batch (or instance); a
    // submission whose case another event opened was written as rejected.
    const final = verdicts.map<Verdict>((v) => {
      if (v.outcome !== 'accepted') return v;
      if (!stored.inserted.has(v.journalId)) return { outcome: 'duplicate', eventId: v.eventId, dedupeKey: v.dedupeKey };
      if (stored.caseTaken.has(v.journalId)) return { outcome: 'rejected', journalId: v.journalId, errors: ifTaken.get(v.journalId) as ContractError[] };
      return v;
    });
    final.forEach((v, i) => {
      if (v.outcome !== 'accepted') copies[i] = [];
    });
    await this.recopyRedelivered(batch, final, copies);
    const byJournal = new Map([...outbox, ...takenAnswers].map((o) => [o.journalId, o.message]));
    const published = stored.outbox.map(({ id, journalId }) => ({ ...(byJournal.get(journalId) as OutgoingMessage), outboxId: id }));
    this.count(batch, final, parsed);
    return { verdicts: final, copies, outbox: published };
  }

  /**
   * A duplicate that the broker redelivered may be the very message whose earlier delivery
   * crashed after its journal entry committed but before its routed copies were confirmed. Its
   * copies are published again from the journal entry (same journal id, same routes): at least
   * once, and consumers drop repeats by id. A duplicate that was NOT redelivered is a resend by
   * the producer and is dropped.
   */
  private async recopyRedelivered(batch: InboundMessage[], verdicts: Verdict[], copies: OutgoingMessage[][]): Promise<void> {
    const wanted = new Map<string, number[]>();
    verdicts.forEach((v, i) => {
      if (v.outcome === 'duplicate' && batch[i].redelivered) wanted.set(v.dedupeKey, [...(wanted.get(v.dedupeKey) ?? []), i]);
    });
    if (!wanted.size) return;
    for (const row of await this.journal.findAccepted([...wanted.keys()])) {
      const [first] = wanted.get(row.dedupeKey) ?? [];
      if (first === undefined) continue;
      copies[first] = routedCopies(batch[first].body, row.routes, {
        eventId: row.eventId,
        journalId: row.id,
        tenant: row.tenant,
        type: row.type,
        source: row.source,
        correlationId: row.correlationId,
      });
      this.metrics.recopied.inc(row.routes.length);
    }
  }

  /**
   * Publishes a stored batch: routed copies (their confirms decide whether each source message
   * may be acked: true per index when all its copies are confirmed) and the outbox rows written
   * with the batch (cleared once confirmed; the relay covers the rest). Never throws.
   */
  async publish(stored: StoredBatch): Promise<boolean[]> {
    const end = this.metrics.publishLatency.startTimer();
    const flat = stored.copies.flat();
    const [copyResults] = await Promise.all([this.publisher.publishAll(flat), this.emitter.publish(stored.outbox)]);
    end();
    let k = 0;
    return stored.copies.map((list) => {
      let ok = true;
      for (let j = 0; j < list.length; j++) if (copyResults[k++].status !== 'fulfilled') ok = false;
      return ok;
    });
  }

  /** Waits for pending outbox clean-up (graceful shutdown). */
  flush(): Promise<void> {
    return this.emitter.flush();
  }

  /**
   * The case a refused message is journaled under, so that its rejection shows in that case's
   * history: only for a case event type (an appeal.* or application.* the hub knows), with a
   * readable case reference, from a sender the tenant's rights cover, and when the rejection goes
   * to that same tenant. A message refused for being outside its sender's rights, or whose sender
   * is unknown, never lands in the history of another portal's case.
   */
  private rejectedCaseRef(p: Extract<ParseOutcome, { ok: false }>, publisher: Publisher | undefined): string | undefined {
    const { caseRef, type, tenant } = p.peek;
    if (!caseRef || !tenant || !type || p.forbidden || publisher?.kind === 'unidentified') return undefined;
    if (!isEventType(type) || !EVENT_CATALOG[type].caseEvent || !Object.hasOwn(this.config.tenants, tenant)) return undefined;
    return this.rights.replyTenant(publisher, tenant) === tenant ? caseRef : undefined;
  }

  /**
   * The message.rejected for one refused message, addressed to its sender's tenant when that can
   * be told, built on the one emission path (journaled with the entry of the message it answers).
   */
  private rejection(journalId: string, via: 'amqp' | 'http', errors: ContractError[], peek: Peek, publisher?: Publisher): OutboxEntry {
    const fromBody = peek.tenant && Object.hasOwn(this.config.tenants, peek.tenant) ? peek.tenant : undefined;
    const tenant = this.rights.replyTenant(publisher, fromBody) ?? UNKNOWN_TENANT;
    const data: MessageRejected = {
      ...(peek.id ? { originalId: peek.id } : {}),
      ...(peek.source ? { originalSource: peek.source } : {}),
      ...(peek.type ? { originalType: peek.type } : {}),
      receivedVia: via,
      journalId,
      errors,
      rejectedAt: new Date().toISOString(),
    } as MessageRejected;
    const built = this.emitter.build({ type: 'message.rejected', id: rejectionEventId(journalId), tenant, data, ...(peek.id ? { causationId: peek.id, correlationId: peek.id } : {}) });
    // The rejection belongs to the journal entry of the message it answers.
    return { journalId, message: { ...built.message, options: { ...built.message.options, headers: { 'x-hub-journal-id': journalId } } } };
  }

  private count(batch: InboundMessage[], verdicts: Verdict[], parsed: ParseOutcome[]): void {
    /** `<journalId> <eventId> <tenant> <type> -> <routes>` per accepted message: strings cost the logger far less than objects. */
    const accepted: string[] = [];
    verdicts.forEach((v, i) => {
      if (v.outcome === 'rejected') {
        const p = parsed[i];
        const peek: Peek | undefined = p.ok ? { id: p.event.id, tenant: p.event.tenant, type: p.event.type } : p.peek;
        // Ids and pointers only: reasons never quote the input, and nothing of the body is logged.
        this.logger.info(
          {
            event: 'ingress.rejected',
            via: batch[i].via,
            journalId: v.journalId,
            eventId: peek?.id ?? batch[i].messageId,
            tenant: peek?.tenant,
            type: peek?.type,
            pointers: v.errors.map((e) => e.pointer).slice(0, 10),
          },
          'message rejected',
        );
      }
      if (v.outcome === 'accepted') {
        const ev = (parsed[i] as { ok: true; event: CloudEvent }).event;
        accepted.push(`${v.journalId} ${v.eventId} ${ev.tenant} ${ev.type} -> ${v.routes.join(',')}`);
        this.metrics.accepted.inc({ via: batch[i].via, type: 'event' });
        if (!v.routes.length) this.metrics.unroutedEvents.inc();
        v.routes.forEach((t) => this.metrics.routed.inc({ target: t }));
      } else if (v.outcome === 'duplicate') this.metrics.duplicates.inc();
      else this.metrics.rejected.inc({ via: batch[i].via });
    });
    // The operator sees every accepted message by its ids (the body and personal data stay in the
    // journal): one line per batch, which under a flood is hundreds of messages, not one per message.
    if (accepted.length)
      this.logger.info({ event: 'ingress.accepted', count: accepted.length, messages: accepted }, accepted.length === 1 ? 'message accepted' : `${accepted.length} messages accepted`);
  }
}

/** The copies of one event for its targets on hub.work. */
function routedCopies(body: Buffer, routes: readonly string[], origin: RoutedCopyOrigin): OutgoingMessage[] {
  if (!routes.length) return [];
  const options = routedCopyProperties(origin);
  return routes.map((target) => ({ exchange: EXCHANGES.work, routingKey: target, content: body, options }));
}

/**
 * Why a second submission for an existing case is refused (attaching it would make a second
 * back-office document), built once per submission and remembered by journal id.
 */
function takenErrors(opening: CaseOpening, memo: Map<string, ContractError[]>): ContractError[] {
  const known = memo.get(opening.journalId);
  if (known) return known;
  const errors: ContractError[] = [
    {
      pointer: '/data/caseRef',
      reason: `an ${opening.kind} with this caseRef already exists (opened by another event); use a new caseRef for a new ${opening.kind}, or send later changes as their own events`,
    },
  ];
  memo.set(opening.journalId, errors);
  return errors;
}

/** The case reference of a case event (its `data.caseRef`); undefined for other types. */
function caseRefOf(ev: CloudEvent): string | undefined {
  if (!isEventType(ev.type) || !EVENT_CATALOG[ev.type].caseEvent) return undefined;
  const ref = (ev.data as { caseRef?: unknown }).caseRef;
  return typeof ref === 'string' ? ref : undefined;
}

/** Submissions open a case; everything else about a case arrives later from the back office. */
function caseOpening(ev: CloudEvent, journalId: string): CaseOpening | undefined {
  const kind = ev.type === 'appeal.submitted' ? 'appeal' : ev.type === 'application.submitted' ? 'application' : undefined;
  if (!kind) return undefined;
  const data = ev.data as { caseRef: string; submittedAt?: string; applicant?: { contacts?: Record<string, unknown>; identity?: { subjectRef?: string } } };
  return {
    journalId,
    citizenRef: data.applicant?.identity?.subjectRef,
    // Contacts as the citizen gave them with this case: later results are told to them there.
    recipient: data.applicant?.contacts ? JSON.stringify(data.applicant.contacts) : undefined,
    caseId: stableUuid(`${ev.tenant}\n${kind}\n${data.caseRef}`),
    tenant: ev.tenant,
    kind,
    caseRef: data.caseRef,
    status: 'submitted',
    statusAt: data.submittedAt ?? ev.time,
    actor: `portal:${ev.source}`,
  };
}
