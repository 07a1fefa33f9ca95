import { randomBytes, randomUUID } from 'node:crypto';
import { exampleEvent } from '../../contracts';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { TEST_HTTP_TOKEN, TestHub, useTestHub } from '../helpers/test-hub.helper';

const CT = 'application/cloudevents+json';

/** A valid appeal with its own case (a second submission for a caseRef is refused). */
function appeal(): any {
  const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
  ev.data.caseRef = `EP-${randomUUID()}`;
  return ev;
}

/** Each hostile message, what it is, and the reason the sender must get back. */
function hostileCases(): { name: string; body: Buffer; contentType?: string; reason: RegExp; pointer?: string }[] {
  const valid = () => appeal();
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const withText = (v: unknown) => json(v);
  return [
    { name: 'malformed-json', body: Buffer.from('{"specversion": "1.0", "id": '), contentType: CT, reason: /not valid JSON/ },
    { name: 'binary-garbage', body: randomBytes(4096), contentType: CT, reason: /not valid UTF-8|not valid JSON/ },
    { name: 'invalid-utf8-in-string', body: Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]), contentType: CT, reason: /not valid UTF-8/ },
    { name: 'ten-megabytes', body: Buffer.concat([Buffer.from('{"data":"'), Buffer.alloc(10 * 1024 * 1024, 'a'), Buffer.from('"}')]), contentType: CT, reason: /bytes; the limit is 1048576 bytes/ },
    { name: 'proto-key', body: Buffer.from(JSON.stringify(valid()).replace('{', '{"__proto__":{"polluted":true},')), contentType: CT, reason: /__proto__/ },
    { name: 'constructor-prototype', body: Buffer.from(JSON.stringify(valid()).replace('{', '{"constructor":{"prototype":{"polluted":true}},')), contentType: CT, reason: /__proto__|constructor/ },
    { name: 'deep-nesting', body: Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)), contentType: CT, reason: /nested deeper than 64 levels/ },
    { name: 'not-an-object', body: Buffer.from('[1,2,3]'), contentType: CT, reason: /must be a JSON object/ },
    { name: 'empty', body: Buffer.alloc(0), contentType: CT, reason: /empty/ },
    { name: 'wrong-content-type', body: json(valid()), contentType: 'text/plain', reason: /content type must be application\/cloudevents\+json/ },
    { name: 'no-content-type', body: json(valid()), contentType: undefined, reason: /content type is missing/ },
    { name: 'missing-tenant', body: json({ ...valid(), tenant: undefined }), contentType: CT, reason: /tenant/, pointer: '/tenant' },
    { name: 'unknown-type', body: json({ ...valid(), type: 'appeal.exploded' }), contentType: CT, reason: /appeal\.submitted/, pointer: '/type' },
    { name: 'wrong-types', body: withText({ ...valid(), data: { ...valid().data, text: 12345 } }), contentType: CT, reason: /string/, pointer: '/data/text' },
    { name: 'nul-in-id', body: json({ ...valid(), id: 'a\u0000b' }), contentType: CT, reason: /NUL/, pointer: '/id' },
    // Escapes written in the JSON text, as a hostile sender would: PostgreSQL's jsonb refuses both.
    { name: 'lone-surrogate-key', body: escaped(valid(), '"\\uDFAA":0'), contentType: CT, reason: /key number 1 of this object contains an unpaired UTF-16 surrogate/, pointer: '/data' },
    { name: 'lone-surrogate-value', body: escaped(valid(), '"a/b":["ok","x\\uD800"]'), contentType: CT, reason: /value contains an unpaired UTF-16 surrogate/, pointer: '/data/a~1b/1' },
    { name: 'nul-in-data', body: escaped(valid(), '"note":"a\\u0000b"'), contentType: CT, reason: /value contains a NUL character/, pointer: '/data/note' },
  ];
}

/** The event as JSON text with `fragment` (raw JSON, escapes kept) added first inside `data`. */
function escaped(event: unknown, fragment: string): Buffer {
  return Buffer.from(JSON.stringify(event).replace('"data":{', `"data":{${fragment},`));
}

describe('hostile input: clear errors, evidence kept, valid traffic unaffected', () => {
  const ctx = useTestHub();
  let hub: TestHub;
  let probe: AmqpProbe;
  beforeAll(() => {
    hub = ctx.hub();
    probe = ctx.probe();
  });

  it('rejects every hostile AMQP message with a readable reason while valid appeals keep flowing', async () => {
    const rejections = await probe.listen('cabinet.out', '*.message.rejected');
    const cases = hostileCases();
    const valid = Array.from({ length: cases.length * 3 + 5 }, () => appeal());
    let v = 0;
    for (const c of cases) {
      await probe.publish('cabinet.in', 'appeal.submitted', c.body, { contentType: c.contentType, messageId: `hostile-${c.name}` });
      for (let k = 0; k < 3; k++) await probe.publishEvent(valid[v++]);
    }
    while (v < valid.length) await probe.publishEvent(valid[v++]);

    for (const c of cases) {
      // A readable body is answered under its CloudEvent id, an unreadable one under the AMQP message_id.
      let eventId: unknown;
      try {
        eventId = JSON.parse(c.body.toString()).id;
      } catch {
        eventId = undefined;
      }
      const got = await eventually(`rejection of ${c.name}`, () =>
        rejections.find((m) => {
          const d = m.json().data;
          return d.originalId === `hostile-${c.name}` || (typeof eventId === 'string' && d.originalId === eventId) || (c.name === 'nul-in-id' && d.errors.some((e: any) => e.pointer === '/id'));
        }),
      );
      const data = got.json().data;
      const reasons = data.errors.map((e: any) => e.reason).join(' | ');
      expect(reasons).toMatch(c.reason);
      if (c.pointer) expect(data.errors.map((e: any) => e.pointer)).toContain(c.pointer);
      const [row] = await sql<any>(hub.space.schema, 'SELECT status, body_size, body_truncated, length(body) AS kept FROM journal WHERE id = $1', [data.journalId]);
      expect(row.status).toBe('rejected');
      expect(row.body_size).toBe(c.body.length);
      expect(row.kept).toBe(Math.min(c.body.length, 64 * 1024));
    }
    expect(({} as any).polluted).toBeUndefined();

    const ids = valid.map((e) => e.id);
    await eventually(
      'all valid appeals journaled',
      async () => (await sql<any>(hub.space.schema, `SELECT count(*)::int AS n FROM journal WHERE status = 'accepted' AND event_id = ANY($1)`, [ids]))[0].n === valid.length,
    );
    const health = await fetch(`${hub.url}/health`);
    expect(health.status).toBe(200);
    // Bad input is answered, never dead-lettered: the DLQ is for faults of the hub and of external systems.
    expect(await probe.messageCount('hub.ingress.dlq')).toBe(0);
    expect(await sql(hub.space.schema, 'SELECT id FROM dead_letter')).toEqual([]); // nor kept by the dead-letter keeper
  });

  it('HTTP ingress answers 400 / 413 with the reasons and stays up', async () => {
    for (const c of hostileCases()) {
      const res = await fetch(`${hub.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_HTTP_TOKEN}`, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
        body: c.body,
      });
      const body = (await res.json()) as any;
      if (c.name === 'ten-megabytes') {
        expect(res.status).toBe(413);
        expect(body.errors[0].reason).toMatch(/limit is 1048576 bytes/);
        continue;
      }
      expect({ name: c.name, status: res.status }).toEqual({ name: c.name, status: 400 });
      expect(body.errors.map((e: any) => e.reason).join(' | ')).toMatch(c.reason);
    }
    const ok = await fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': CT, authorization: `Bearer ${TEST_HTTP_TOKEN}` }, body: JSON.stringify(appeal()) });
    expect(ok.status).toBe(202);
  });

  it('HTTP: an unpaired surrogate key is answered 400 with its pointer and as message.rejected on cabinet.out, never dead-lettered', async () => {
    const rejections = await probe.listen('cabinet.out', 'demo.message.rejected');
    const ev = appeal();
    const res = await fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': CT, authorization: `Bearer ${TEST_HTTP_TOKEN}` }, body: escaped(ev, '"\\uDFAA":0') });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.errors).toContainEqual({ pointer: '/data', reason: expect.stringMatching(/^key number 1 of this object contains an unpaired UTF-16 surrogate/) });
    const msg = await eventually('rejection on cabinet.out', () => rejections.find((m) => m.json().data.journalId === body.journalId));
    expect(msg.json().data).toMatchObject({ originalId: ev.id, receivedVia: 'http' });
    expect(msg.json().data.errors.map((e: any) => e.pointer)).toContain('/data');
    expect(await probe.messageCount('hub.ingress.dlq')).toBe(0);
    expect(await sql(hub.space.schema, 'SELECT id FROM dead_letter')).toEqual([]); // nor kept by the dead-letter keeper
  });

  it('never writes personal data from the events into the logs', async () => {
    const sample = exampleEvent('appeal.submitted') as any;
    const secrets = [
      sample.data.applicant?.contacts?.email,
      sample.data.applicant?.contacts?.phone,
      sample.data.text?.slice(0, 30),
      sample.data.applicant?.name?.full ?? sample.data.applicant?.name,
    ].filter((s) => typeof s === 'string' && s.length > 3);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const logText = hub.logs.join('');
    expect(logText.length).toBeGreaterThan(0);
    for (const s of secrets) expect(logText).not.toContain(s);
  });
});
