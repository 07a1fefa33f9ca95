import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { AdapterFiles, CloudEvent, ContractError, failureClassOf, FileRef, MessageRejected, SignatureFileRef } from '../../contracts';
import { ADAPTER_FILES, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { digestsOf, FileDigests, inspectDetachedSignatureOver, MAX_SIGNATURE_BYTES, SignatureEvidence, SignatureFormatError } from '../files/cms-signature.inspector';
import { EventEmitter } from '../outbox/event.emitter';
import { JournalRepository } from '../persistence/journal.repository';
import { TransactionRunner } from '../persistence/transaction.runner';

/** What the intake needs of the hub's file store. */
export interface IntakeStore {
  /**
   * Makes sure the store holds the content of a file given by `url` (fetched from an allowed host,
   * sha256 and size checked); inline content is only checked. Rejects with a PermanentError (the
   * file can never be taken: host not allowed, digest mismatch, too large) or a TransientError.
   */
  ensureStored(tenant: string, ref: FileRef | SignatureFileRef): Promise<unknown>;
  /** The content of a file the store holds (or inline content), as a stream. */
  open(ref: { sha256: string; size: number; contentBase64?: string }): Promise<Readable>;
}

/** Injection token of the {@link IntakeStore}. */
export const INTAKE_STORE = Symbol('INTAKE_STORE');

/** One file of an event as the intake found it. */
interface FileEvidence {
  pointer: string;
  name: string;
  sha256: string;
  size: number;
  signatures: ({ pointer: string; name: string; sha256: string; size: number; format: string } & ({ signers: SignatureEvidence['signers'] } | { verified: 'not-verified'; reason: string }))[];
}

/** Event types whose files the intake checks, and where their files are. */
const FILES_OF: Record<string, (data: Record<string, unknown>) => { pointer: string; file: FileRef }[]> = {
  'appeal.submitted': (d) => ((d.files as FileRef[] | undefined) ?? []).map((file, i) => ({ pointer: `/data/files/${i}`, file })),
  'application.submitted': (d) => ((d.files as FileRef[] | undefined) ?? []).map((file, i) => ({ pointer: `/data/files/${i}`, file })),
  'application.document-added': (d) => (d.document && !d.system ? [{ pointer: '/data/document', file: d.document as FileRef }] : []),
};

/** Signature formats read as CMS here; the others are recorded as not verified. */
const CMS_FORMATS = new Set(['cades', 'pkcs7']);

/**
 * Checks the files of an event before any adapter hands them on (issue: "signed files checked,
 * not trusted"): files given by URL are fetched into the file store (allowed hosts only), every
 * file and signature is identified by its sha256, every detached CMS signature is read and its
 * signed digest compared with the file. The evidence goes to the journal once per event; an
 * event whose file cannot be taken, or whose signature was made over other content, is answered
 * with `message.rejected` naming the file, and no adapter sees it.
 */
@Injectable()
export class FileIntakeService {
  constructor(
    @Inject(INTAKE_STORE) private readonly store: IntakeStore,
    /** The file store as adapters see it (`ctx.files`), handed out by the host. */
    @Inject(ADAPTER_FILES) readonly adapterFiles: AdapterFiles,
    private readonly journal: JournalRepository,
    private readonly transactions: TransactionRunner,
    private readonly emitter: EventEmitter,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether the event carries files the intake checks. */
  concerns(event: CloudEvent): boolean {
    return this.filesOf(event).length > 0;
  }

  /**
   * The files the intake checks. An appeal's files given by URL, from a tenant with no allow-list,
   * are left out: they reach the back office as links, as before the hub had a file store (an
   * appeal's photo link is common and needs no signature check). Applications always need their
   * content: without an allow-list their URL files are refused.
   */
  private filesOf(event: CloudEvent): { pointer: string; file: FileRef }[] {
    const files = FILES_OF[event.type]?.((event.data ?? {}) as Record<string, unknown>) ?? [];
    if (event.type !== 'appeal.submitted' || this.config.tenants[event.tenant]?.files.allowedHosts.length) return files;
    return files.filter(({ file }) => !file.url && !(file.signatures ?? []).some((s) => s.url));
  }

  /**
   * Checks the event's files; resolves `accepted` or `rejected` (the verdict journaled first for
   * this event, so a redelivery gets the same answer and nothing twice). Throws TransientError
   * when a file cannot be fetched now.
   */
  async check(event: CloudEvent, journalId: string | undefined): Promise<'accepted' | 'rejected'> {
    const files = this.filesOf(event);
    const errors: ContractError[] = [];
    const evidence: FileEvidence[] = [];
    for (const { pointer, file } of files) {
      const e = await this.checkFile(event, pointer, file, errors);
      if (e) evidence.push(e);
    }
    const status = errors.length ? 'rejected' : 'accepted';
    // Only a rejection needs to say how the event came in: accepted events cost no extra read.
    const via = errors.length && journalId ? await this.journal.viaOf(journalId) : undefined;
    const verdict = await this.transactions.run(async (tx) => {
      const written = await this.journal.insertFileEvidence(tx, {
        id: uuidv7(),
        tenant: event.tenant,
        source: event.source,
        eventId: event.id,
        subject: event.subject,
        correlationId: event.correlationid === undefined ? undefined : String(event.correlationid),
        status,
        ...(errors.length ? { errors } : {}),
        body: Buffer.from(JSON.stringify({ files: evidence })),
      });
      if (!written.written || written.status === 'accepted') return { status: written.status, message: undefined };
      const data: MessageRejected = {
        originalId: event.id,
        originalSource: event.source,
        originalType: event.type,
        receivedVia: via === 'http' ? 'http' : 'amqp',
        journalId: journalId ?? written.id,
        errors: errors.slice(0, 50),
        rejectedAt: new Date().toISOString(),
      };
      const emitted = await this.emitter.emit(tx, {
        type: 'message.rejected',
        tenant: event.tenant,
        data,
        ...(event.subject ? { subject: event.subject } : {}),
        causationId: event.id,
        correlationId: event.correlationid === undefined ? event.id : String(event.correlationid),
        via: 'files',
      });
      return { status: written.status, message: emitted.message };
    });
    if (verdict.message) {
      await this.emitter.publish([verdict.message]);
      // Pointers and fixed reasons only; file names and signer names are personal data.
      this.logger.info({ event: 'files.rejected', eventId: event.id, tenant: event.tenant, type: event.type, pointers: errors.map((x) => x.pointer) }, 'event rejected: its files did not check out');
    }
    return verdict.status;
  }

  /** One file and its signatures; problems go to `errors` (pointer and a reason naming the file). */
  private async checkFile(event: CloudEvent, pointer: string, file: FileRef, errors: ContractError[]): Promise<FileEvidence | undefined> {
    const named = `file "${file.name}"`;
    if (!(await this.take(event.tenant, file, pointer, named, errors))) return undefined;
    const evidence: FileEvidence = { pointer, name: file.name, sha256: file.sha256, size: file.size, signatures: [] };
    const signatures = file.signatures ?? [];
    if (!signatures.length) return evidence;
    let digests: FileDigests | undefined;
    for (const [j, sig] of signatures.entries()) {
      const at = `${pointer}/signatures/${j}`;
      const sigNamed = `signature "${sig.name}" of file "${file.name}"`;
      const base = { pointer: at, name: sig.name, sha256: sig.sha256, size: sig.size, format: sig.format };
      if (!CMS_FORMATS.has(sig.format)) {
        evidence.signatures.push({ ...base, verified: 'not-verified', reason: `not verified here: ${sig.format} signatures are not read by the hub` });
        continue;
      }
      if (sig.size > MAX_SIGNATURE_BYTES) {
        errors.push({ pointer: at, reason: `${sigNamed} is larger than ${MAX_SIGNATURE_BYTES} bytes; a detached CMS signature is a few KiB` });
        continue;
      }
      if (!(await this.take(event.tenant, sig, at, sigNamed, errors))) continue;
      digests ??= await digestsOf((await this.store.open(file)) as AsyncIterable<Buffer>);
      let inspected: SignatureEvidence;
      try {
        inspected = inspectDetachedSignatureOver(digests, await readAll(await this.store.open(sig)));
      } catch (e) {
        if (!(e instanceof SignatureFormatError)) throw e;
        errors.push({ pointer: at, reason: `${sigNamed} cannot be read: ${e.message}` });
        continue;
      }
      if (inspected.signers.some((s) => s.verified === 'mismatch')) {
        errors.push({ pointer: at, reason: `${sigNamed} was made over different content: its signed digest does not match "${file.name}"` });
        continue;
      }
      evidence.signatures.push({ ...base, signers: inspected.signers });
    }
    return evidence;
  }

  /** Gets a file into the store (or checks inline content); false, with the error recorded, when it can never be taken. */
  private async take(tenant: string, ref: FileRef | SignatureFileRef, pointer: string, named: string, errors: ContractError[]): Promise<boolean> {
    try {
      await this.store.ensureStored(tenant, ref);
      return true;
    } catch (e) {
      if (failureClassOf(e) !== 'permanent') throw e;
      errors.push({ pointer: ref.url ? `${pointer}/url` : pointer, reason: `${named} refused: ${(e as Error).message}`.slice(0, 1000) });
      return false;
    }
  }
}

/** A stream read into one buffer: only for signatures, which are bounded by MAX_SIGNATURE_BYTES. */
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (size > MAX_SIGNATURE_BYTES) throw new SignatureFormatError('too-large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
