import { randomUUID } from 'node:crypto';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { newAppeal } from '../helpers/appeal.fixture';
import { eventually, sql } from '../helpers/infra.helper';
import { startTestHub, TEST_CONFIG_YAML, TestHub } from '../helpers/test-hub.helper';

/**
 * Dead letters through the admin API on a real broker and database: the keeper moves a DLQ
 * message into PostgreSQL once, the plan orders by the legal deadline, a running plan is
 * cancelled, edit-and-replay of citizen data waits for a second person, discard keeps the row,
 * permissions and tenants are enforced, and every change has its audit line. The work queue of
 * `edms-test` has no consumer (the instance is disabled), so what is redriven waits there to be read.
 */
describe('dead letters (keeper, plans, redrive, edit-and-replay, discard)', () => {
  let hub: TestHub;
  let probe: AmqpProbe;
  let viewer: string;
  let opA: string;
  let opB: string;
  let otherOp: string;
  let auditor: string;
  const WORK = 'hub.work.edms-test';
  const base = '/v1/admin/demo/dead-letters';

  beforeAll(async () => {
    hub = await startTestHub({ yaml: `${TEST_CONFIG_YAML}\ndeadLetters: { jobIntervalMs: 100 }\n` });
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
    viewer = await adminToken(hub, ['demo:viewer']);
    opA = await adminToken(hub, ['demo:operator'], 'operator-a');
    opB = await adminToken(hub, ['demo:operator'], 'operator-b');
    otherOp = await adminToken(hub, ['other:operator']);
    auditor = await adminToken(hub, ['demo:auditor']);
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });

  /** Dead-letters an appeal the way the failure router does: to hub.dlx with the x-hub-* headers. */
  async function deadLetter(ev: any, failedAt = new Date().toISOString(), journalId: string = randomUUID()): Promise<void> {
    await probe.publish('hub.dlx', `${WORK}.dlq`, JSON.stringify(ev), {
      contentType: 'application/cloudevents+json',
      messageId: ev.id,
      headers: {
        'x-hub-journal-id': journalId,
        'x-hub-tenant': ev.tenant,
        'x-hub-type': ev.type,
        'x-hub-consumer': WORK,
        'x-hub-error': 'DMCreateRequest refused: field too long',
        'x-hub-error-class': 'permanent',
        'x-hub-failed-at': failedAt,
        'x-hub-attempts': 1,
        'x-hub-original-exchange': 'hub.work',
        'x-hub-original-routing-key': 'edms-test',
      },
    });
  }

  const rowsOf = (eventId: string) => sql<any>(hub.space.schema, `SELECT id::text, status, redrive_count, case_id::text FROM dead_letter WHERE event_id = $1`, [eventId]);
  const kept = (eventId: string) => eventually(`letter ${eventId} kept`, async () => (await rowsOf(eventId))[0]);

  /** A case with a legal due time `hours` from now (as the deadline scheduler would have stored it). */
  async function caseDue(caseRef: string, hours: number | undefined): Promise<string> {
    const id = randomUUID();
    await sql(hub.space.schema, `INSERT INTO cases (id, tenant, kind, case_ref, status, status_at) VALUES ($1, 'demo', 'appeal', $2, 'submitted', now())`, [id, caseRef]);
    if (hours !== undefined)
      await sql(
        hub.space.schema,
        `INSERT INTO case_deadline (case_id, tenant, case_ref, profile, due_at, case_version, next_check_at) VALUES ($1, 'demo', $2, 'ua-appeal', now() + make_interval(hours => $3), 1, NULL)`,
        [id, caseRef, hours],
      );
    return id;
  }

  const auditOf = async (target: string) => (await adminCall<{ lines: any[] }>(hub, auditor, 'GET', `/v1/admin/demo/audit?target=${encodeURIComponent(target)}`)).body.lines;

  it('moves a dead letter into PostgreSQL exactly once, even when the DLQ delivers it twice', async () => {
    const ev = newAppeal(`DL-ONCE-${randomUUID()}`);
    const failedAt = new Date().toISOString();
    const journalId = randomUUID();
    await deadLetter(ev, failedAt, journalId);
    await deadLetter(ev, failedAt, journalId); // the same DLQ message again, as a redelivery after a crash would be
    await kept(ev.id);
    await eventually('dlq empty', async () => (await probe.messageCount(`${WORK}.dlq`)) === 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rowsOf(ev.id)).toHaveLength(1);
    const list = await adminCall<{ letters: any[] }>(hub, viewer, 'GET', `${base}?caseRef=${ev.data.caseRef}`);
    expect(list.status).toBe(200);
    expect(list.body.letters).toHaveLength(1);
    expect(list.body.letters[0]).toMatchObject({
      queue: WORK,
      tenant: 'demo',
      eventId: ev.id,
      reason: 'DMCreateRequest refused: field too long',
      errorClass: 'permanent',
      attempts: 1,
      originalExchange: 'hub.work',
      originalRoutingKey: 'edms-test',
      status: 'kept',
      timeLeftMs: null,
    });
    const queues = await adminCall<{ queues: any[] }>(hub, viewer, 'GET', `${base}/queues`);
    expect(queues.body.queues.find((q) => q.queue === WORK)?.counts.kept).toBeGreaterThanOrEqual(1);
  });

  it('refuses state changes to a viewer (403) and keeps tenants apart', async () => {
    const ev = newAppeal(`DL-PERM-${randomUUID()}`);
    await deadLetter(ev);
    const { id } = await kept(ev.id);
    expect((await adminCall(hub, viewer, 'POST', `${base}/plans`, { caseRef: ev.data.caseRef })).status).toBe(403);
    expect((await adminCall(hub, viewer, 'POST', `${base}/${id}/discard`, { reason: 'not needed' })).status).toBe(403);
    expect((await adminCall(hub, viewer, 'POST', `${base}/${id}/replay`, { reason: 'fix it', message: JSON.stringify(ev) })).status).toBe(403);
    // A token for tenant `other` sees nothing of `demo`, by path or by list.
    expect((await adminCall(hub, otherOp, 'GET', base)).status).toBe(403);
    expect((await adminCall(hub, otherOp, 'GET', `${base}/${id}`)).status).toBe(403);
    expect((await adminCall(hub, otherOp, 'POST', `${base}/${id}/discard`, { reason: 'not mine' })).status).toBe(403);
    const theirs = await adminCall<{ letters: any[] }>(hub, otherOp, 'GET', '/v1/admin/other/dead-letters?status=all');
    expect(theirs.status).toBe(200);
    expect(theirs.body.letters.filter((l) => l.eventId === ev.id)).toEqual([]);
    expect((await adminCall(hub, otherOp, 'GET', `/v1/admin/other/dead-letters/${id}`)).status).toBe(404);
    expect((await rowsOf(ev.id))[0].status).toBe('kept');
  });

  it('plans by time left before the legal deadline, then redrives to the failed consumer exactly, with the redrive headers', async () => {
    const tag = `DL-PLAN-${randomUUID().slice(0, 8)}`;
    const refs = { none: `${tag}-none`, far: `${tag}-far`, soon: `${tag}-soon` };
    await caseDue(refs.none, undefined);
    await caseDue(refs.far, 48);
    await caseDue(refs.soon, 2);
    const evs = { none: newAppeal(refs.none), far: newAppeal(refs.far), soon: newAppeal(refs.soon) };
    for (const k of ['none', 'far', 'soon'] as const) await deadLetter(evs[k]);
    for (const k of ['none', 'far', 'soon'] as const) expect((await kept(evs[k].id)).case_id).toBeTruthy();
    await probe.drain(WORK, 100);

    const made = await adminCall<{ plan: any; letters: any[] }>(hub, opA, 'POST', `${base}/plans`, { type: 'appeal.submitted', from: new Date(Date.now() - 60_000).toISOString() });
    expect(made.status).toBe(201);
    const ours = made.body.letters.filter((l) => l.caseRef?.startsWith(tag)).map((l) => l.caseRef);
    expect(ours).toEqual([refs.soon, refs.far, refs.none]);
    expect(made.body.plan).toMatchObject({ status: 'planned', breach24h: 1 });
    // Nothing happened yet: the plan only describes.
    expect((await rowsOf(evs.soon.id))[0].status).toBe('kept');
    expect(await probe.messageCount(WORK)).toBe(0);

    const planId = made.body.plan.id;
    expect((await adminCall(hub, opA, 'POST', `${base}/plans/${planId}/start`, {})).status).toBe(400); // a reason is required
    expect((await adminCall(hub, opA, 'POST', `${base}/plans/${planId}/start`, { reason: 'too fast', ratePerSecond: 100000 })).status).toBe(400);
    const started = await adminCall<any>(hub, opA, 'POST', `${base}/plans/${planId}/start`, { reason: '1C fixed the field length', ratePerSecond: 50 });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('running');
    const done = await eventually('plan done', async () => {
      const p = await adminCall<any>(hub, viewer, 'GET', `${base}/plans/${planId}`);
      return p.body.plan.status === 'done' ? p.body.plan : undefined;
    });
    expect(done.redriven).toBe(made.body.plan.total);
    const got = (await probe.drain(WORK, 300)).filter((m) => String(m.json().data?.caseRef).startsWith(tag));
    expect(got.map((m) => m.json().data.caseRef)).toEqual([refs.soon, refs.far, refs.none]);
    const soonRow = (await rowsOf(evs.soon.id))[0];
    expect(soonRow).toMatchObject({ status: 'redriven', redrive_count: 1 });
    expect(got[0].routingKey).toBe(WORK); // the default exchange, straight to the queue of the consumer that failed
    expect(got[0].properties.headers).toMatchObject({ 'x-hub-redriven': 1, 'x-hub-redrive-of': soonRow.id, 'x-hub-original-exchange': 'hub.work' });
    expect(got[0].properties.headers?.['x-hub-error']).toBeUndefined();
    expect(got[0].properties.messageId).toBe(evs.soon.id);

    const start = (await auditOf(`dead-letter-plan:${planId}`)).find((l) => l.action === 'dead-letters.redrive.start');
    expect(start).toMatchObject({ actor: expect.stringContaining('operator-a'), reason: '1C fixed the field length', before: { status: 'planned' }, after: { status: 'running', ratePerSecond: 50 } });
    const per = (await auditOf(`dead-letter:${soonRow.id}`)).find((l) => l.action === 'dead-letters.redrive.message');
    expect(per).toMatchObject({ reason: '1C fixed the field length', before: { status: 'redriving', redriveCount: 0 }, after: { status: 'redriven', redriveCount: 1 } });
  });

  it('cancel stops a running plan and gives its letters back', async () => {
    const tag = `DL-CANCEL-${randomUUID().slice(0, 8)}`;
    const evs = Array.from({ length: 6 }, (_, i) => newAppeal(`${tag}-${i}`));
    for (const ev of evs) await deadLetter(ev);
    for (const ev of evs) await kept(ev.id);
    const made = await adminCall<any>(hub, opA, 'POST', `${base}/plans`, { caseRef: undefined, type: 'appeal.submitted', from: new Date(Date.now() - 30_000).toISOString() });
    const planId = made.body.plan.id;
    const mine = new Set(evs.map((e) => e.id));
    expect(made.body.letters.filter((l: any) => mine.has(l.eventId))).toHaveLength(6);
    await adminCall(hub, opA, 'POST', `${base}/plans/${planId}/start`, { reason: 'slow redrive', ratePerSecond: 1 });
    await eventually('first redriven', async () => (await adminCall<any>(hub, viewer, 'GET', `${base}/plans/${planId}`)).body.plan.redriven >= 1, 10_000, 100);
    // Another operator cancels (any instance can: the job re-reads the plan before every letter).
    const cancelled = await adminCall<any>(hub, opB, 'POST', `${base}/plans/${planId}/cancel`, { reason: 'wrong batch' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'wrong batch' });
    const at = cancelled.body.redriven;
    await new Promise((r) => setTimeout(r, 2500));
    const after = (await adminCall<any>(hub, viewer, 'GET', `${base}/plans/${planId}`)).body.plan;
    expect(after.redriven).toBe(at);
    expect(at).toBeLessThan(made.body.plan.total);
    const statuses = (await sql<any>(hub.space.schema, `SELECT status FROM dead_letter WHERE event_id = ANY($1)`, [evs.map((e) => e.id)])).map((r) => r.status);
    expect(statuses).not.toContain('redriving');
    expect(statuses.filter((s) => s === 'kept').length).toBeGreaterThan(0);
    const line = (await auditOf(`dead-letter-plan:${planId}`)).find((l) => l.action === 'dead-letters.redrive.cancel');
    expect(line).toMatchObject({ actor: expect.stringContaining('operator-b'), reason: 'wrong batch', before: { status: 'running' }, after: { status: 'cancelled' } });
    expect((await adminCall(hub, opA, 'POST', `${base}/plans/${planId}/start`, { reason: 'again' })).status).toBe(409);
  });

  it('edit-and-replay: contract errors refuse it, citizen data needs a second person, other edits replay at once with a new message id', async () => {
    const ev = newAppeal(`DL-EDIT-${randomUUID()}`);
    await deadLetter(ev);
    const { id } = await kept(ev.id);
    await probe.drain(WORK, 100);

    // Masked for an operator (no pii.reveal); a reveal needs the permission.
    const detail = await adminCall<any>(hub, opA, 'GET', `${base}/${id}`);
    expect(detail.body.message.json.data.applicant.name.full).toBe('•••');
    expect((await adminCall(hub, opA, 'GET', `${base}/${id}?reveal=1`)).status).toBe(403);

    const broken = { ...detail.body.message.json, data: { ...detail.body.message.json.data, submittedAt: 'yesterday' } };
    const bad = await adminCall<any>(hub, opA, 'POST', `${base}/${id}/replay`, { reason: 'fix the date', message: JSON.stringify(broken) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.pointer)).toContain('/data/submittedAt');

    const renamed = {
      ...detail.body.message.json,
      data: { ...detail.body.message.json.data, applicant: { ...detail.body.message.json.data.applicant, name: { ...detail.body.message.json.data.applicant.name, full: 'Петренко Іван Петрович' } } },
    };
    const proposed = await adminCall<any>(hub, opA, 'POST', `${base}/${id}/replay`, { reason: 'name was cut', message: JSON.stringify(renamed) });
    expect(proposed.status).toBe(200);
    expect(proposed.body).toMatchObject({ outcome: 'pending', edit: { citizenData: true, status: 'pending' } });
    expect(proposed.body.edit.diff).toEqual([{ op: 'replace', path: '/data/applicant/name/full', before: '•••', after: '•••' }]);
    const editId = proposed.body.edit.id;
    expect(await probe.messageCount(WORK)).toBe(0);
    expect((await adminCall(hub, opA, 'POST', `${base}/edits/${editId}/approve`, { reason: 'looks right' })).status).toBe(403); // not their own
    expect((await adminCall(hub, viewer, 'POST', `${base}/edits/${editId}/approve`, { reason: 'looks right' })).status).toBe(403);
    const pending = await adminCall<any>(hub, viewer, 'GET', `${base}/edits`);
    expect(pending.body.edits.map((e: any) => e.id)).toContain(editId);
    const approved = await adminCall<any>(hub, opB, 'POST', `${base}/edits/${editId}/approve`, { reason: 'checked with the portal' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('replayed');

    const [m] = await eventually('replayed copy', async () => {
      const got = await probe.drain(WORK, 100);
      return got.length ? got : undefined;
    });
    expect(m.json().data.applicant.name.full).toBe('Петренко Іван Петрович');
    expect(m.properties.messageId).toBe(approved.body.newMessageId);
    expect(m.properties.messageId).not.toBe(ev.id);
    expect(m.properties.headers).toMatchObject({ 'x-hub-replay-of': id, 'x-hub-original-message-id': ev.id, 'x-hub-edit-id': editId });
    const [row] = await sql<any>(hub.space.schema, `SELECT status, body FROM dead_letter WHERE id = $1`, [id]);
    expect(row.status).toBe('replayed');
    expect(JSON.parse(row.body.toString()).data.applicant.name).toEqual(ev.data.applicant.name); // the original is kept
    const lines = await auditOf(`dead-letter-edit:${editId}`);
    expect(lines.find((l) => l.action === 'dead-letters.replay.propose')).toMatchObject({
      actor: expect.stringContaining('operator-a'),
      reason: 'name was cut',
      before: { status: 'kept' },
      after: { status: 'pending', citizenData: true },
    });
    expect(lines.find((l) => l.action === 'dead-letters.replay.approve')).toMatchObject({
      actor: expect.stringContaining('operator-b'),
      reason: 'checked with the portal',
      before: { status: 'pending' },
      after: { status: 'replayed' },
    });

    // Without citizen data an operator replays directly (still audited with reason and diff).
    const ev2 = newAppeal(`DL-EDIT2-${randomUUID()}`);
    await deadLetter(ev2);
    const { id: id2 } = await kept(ev2.id);
    const d2 = (await adminCall<any>(hub, opA, 'GET', `${base}/${id2}`)).body.message.json;
    const direct = await adminCall<any>(hub, opA, 'POST', `${base}/${id2}/replay`, {
      reason: 'publish flag was wrong',
      message: JSON.stringify({ ...d2, data: { ...d2.data, public: !ev2.data.public } }),
    });
    expect(direct.body).toMatchObject({ outcome: 'replayed', edit: { citizenData: false, status: 'replayed' } });
    const [m2] = await eventually('direct replay', async () => {
      const got = await probe.drain(WORK, 100);
      return got.length ? got : undefined;
    });
    expect(m2.json().data.public).toBe(!ev2.data.public);
    expect(m2.json().data.applicant).toEqual(ev2.data.applicant); // masked values came back unchanged
    const l2 = (await auditOf(`dead-letter:${id2}`)).find((l) => l.action === 'dead-letters.replay');
    expect(l2).toMatchObject({ reason: 'publish flag was wrong', before: { status: 'kept' }, after: { status: 'replayed', diff: [{ op: 'replace', path: '/data/public' }] } });
  });

  it('discards with a reason, keeping the row and its body', async () => {
    const ev = newAppeal(`DL-DISCARD-${randomUUID()}`);
    await deadLetter(ev);
    const { id } = await kept(ev.id);
    expect((await adminCall(hub, opA, 'POST', `${base}/${id}/discard`, {})).status).toBe(400);
    const r = await adminCall<any>(hub, opA, 'POST', `${base}/${id}/discard`, { reason: 'test message from the portal team' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('discarded');
    const [row] = await sql<any>(hub.space.schema, `SELECT status, octet_length(body) AS n FROM dead_letter WHERE id = $1`, [id]);
    expect(row.status).toBe('discarded');
    expect(row.n).toBeGreaterThan(0);
    expect((await adminCall(hub, opA, 'POST', `${base}/${id}/discard`, { reason: 'twice' })).status).toBe(409);
    const line = (await auditOf(`dead-letter:${id}`)).find((l) => l.action === 'dead-letters.discard');
    expect(line).toMatchObject({ actor: expect.stringContaining('operator-a'), reason: 'test message from the portal team', before: { status: 'kept' }, after: { status: 'discarded' } });
  });

  it('a running plan survives a hub restart and is resumed by the new instance', async () => {
    const tag = `DL-RESTART-${randomUUID().slice(0, 8)}`;
    const evs = Array.from({ length: 3 }, (_, i) => newAppeal(`${tag}-${i}`));
    for (const ev of evs) await deadLetter(ev);
    for (const ev of evs) await kept(ev.id);
    await probe.drain(WORK, 100);
    const made = await adminCall<any>(hub, opA, 'POST', `${base}/plans`, { type: 'appeal.submitted', from: new Date(Date.now() - 20_000).toISOString() });
    const planId = made.body.plan.id;
    await adminCall(hub, opA, 'POST', `${base}/plans/${planId}/start`, { reason: 'resume across restart', ratePerSecond: 1 });
    await eventually('first redriven', async () => (await adminCall<any>(hub, viewer, 'GET', `${base}/plans/${planId}`)).body.plan.redriven >= 1, 10_000, 100);
    await hub.close();
    hub = await startTestHub({ space: hub.space, yaml: `${TEST_CONFIG_YAML}\ndeadLetters: { jobIntervalMs: 100 }\n` });
    viewer = await adminToken(hub, ['demo:viewer']);
    opA = await adminToken(hub, ['demo:operator'], 'operator-a');
    const done = await eventually(
      'plan done after restart',
      async () => {
        const p = (await adminCall<any>(hub, viewer, 'GET', `${base}/plans/${planId}`)).body.plan;
        return p.status === 'done' ? p : undefined;
      },
      20_000,
      200,
    );
    expect(done.redriven + done.skipped).toBe(made.body.plan.total);
    const got = (await probe.drain(WORK, 300)).filter((m) => String(m.json().data?.caseRef).startsWith(tag));
    expect(got.map((m) => m.json().data.caseRef).sort()).toEqual(evs.map((e) => e.data.caseRef).sort()); // each once
  }, 60_000);

  it('serves the console pages to a token holder with the ids the browser test uses', async () => {
    const res = await fetch(`${hub.url}/console/dead-letters?tenant=demo&status=all`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="dl-queues"');
    expect(html).toContain('id="dl-list"');
    expect(html).not.toContain('id="dl-plan-create"'); // a viewer gets no redrive form (and the API would refuse it)
    const [one] = await sql<any>(hub.space.schema, `SELECT id::text FROM dead_letter WHERE tenant = 'demo' LIMIT 1`);
    const page = await fetch(`${hub.url}/console/dead-letters/demo/letters/${one.id}`, { headers: { authorization: `Bearer ${opA}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="dl-letter"');
  });
});
