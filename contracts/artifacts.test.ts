import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { EVENT_TYPES, INBOUND_EVENT_TYPES, OUTBOUND_EVENT_TYPES, createAjv, dataschemaFor, exampleCaseHistory, exampleCaseView, exampleEvent, type EventType } from './index';
import { renderArtifacts } from './scripts/artifacts.renderer';

const artifacts = renderArtifacts();
const schemaOf = (type: EventType) => JSON.parse(artifacts[`schemas/${type}.v1.json`]) as Record<string, unknown>;

describe('generated JSON Schemas', () => {
  const ajv = createAjv();
  const validatorOf = (type: EventType) => ajv.getSchema(dataschemaFor(type)) ?? ajv.compile(schemaOf(type));

  it.each(EVENT_TYPES.map((t) => [t]))('%s: has the dataschema URI as $id and accepts its example', (type) => {
    const schema = schemaOf(type as EventType);
    expect(schema.$id).toBe(dataschemaFor(type as EventType));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(validatorOf(type as EventType)(exampleEvent(type as EventType))).toBe(true);
  });

  it('pin type and dataschema, unlike the runtime envelope', () => {
    const validate = validatorOf('appeal.submitted');
    expect(validate(exampleEvent('appeal.registered'))).toBe(false);
    expect(validate(exampleEvent('appeal.submitted', { dataschema: dataschemaFor('appeal.answered') }))).toBe(false);
    expect(validate(exampleEvent('appeal.submitted', { txet: 'x' } as never))).toBe(true);
    expect(validate(exampleEvent('appeal.submitted', { My_Ext: 'x' } as never))).toBe(false);
  });

  it('are strict in data', () => {
    const event = exampleEvent('application.submitted') as { data: Record<string, unknown> };
    event.data.txet = 'typo';
    expect(validatorOf('application.submitted')(event)).toBe(false);
  });

  it('end with a newline and render identically twice', () => {
    const again = renderArtifacts();
    for (const [path, text] of Object.entries(artifacts)) {
      expect(text.endsWith('\n')).toBe(true);
      expect(again[path]).toBe(text);
    }
  });
});

describe('generated AsyncAPI document', () => {
  const doc = parse(artifacts['asyncapi.yaml']) as any;

  it('is AsyncAPI 3.0.0 with an AMQP server on {host}', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers.broker).toMatchObject({
      host: '{host}',
      protocol: 'amqp',
      variables: { host: { default: 'localhost:5672' } },
    });
  });

  it('declares both exchanges as durable topic exchanges on vhost /', () => {
    for (const [key, name] of [
      ['cabinetIn', 'cabinet.in'],
      ['cabinetOut', 'cabinet.out'],
    ]) {
      expect(doc.channels[key].bindings.amqp.exchange).toEqual({
        name,
        type: 'topic',
        durable: true,
        autoDelete: false,
        vhost: '/',
      });
    }
    expect(doc.channels.cabinetOut.address).toBe('{tenant}.{eventType}');
  });

  it('has one message per event type pointing at an existing schema file', () => {
    const messages = Object.values(doc.components.messages) as any[];
    expect(messages.map((m) => m.name)).toEqual([...EVENT_TYPES]);
    for (const message of messages) {
      const ref: string = message.payload.schema.$ref;
      expect(artifacts[ref.replace(/^\.\//, '')]).toBeDefined();
      expect(message.contentType).toBe('application/cloudevents+json');
      expect(message.examples[0].payload.type).toBe(message.name);
    }
  });

  it('routes inbound types through cabinet.in and outbound through cabinet.out', () => {
    const names = (channel: string) => Object.values(doc.channels[channel].messages).map((m: any) => doc.components.messages[m.$ref.split('/').pop()].name);
    expect(names('cabinetIn')).toEqual([...INBOUND_EVENT_TYPES]);
    expect(names('cabinetOut')).toEqual([...OUTBOUND_EVENT_TYPES]);
    expect(names('cabinetIn')).not.toContain('message.rejected');
    expect(names('cabinetOut')).not.toContain('appeal.submitted');
  });

  it('references only messages of the operation channel', () => {
    for (const operation of Object.values(doc.operations) as any[]) {
      const channel = operation.channel.$ref.split('/').pop();
      for (const message of operation.messages) {
        expect(message.$ref.startsWith(`#/channels/${channel}/messages/`)).toBe(true);
        expect(doc.channels[channel].messages[message.$ref.split('/').pop()]).toBeDefined();
      }
    }
  });

  it('documents the HTTP ingress and the AMQP properties', () => {
    const text: string = doc.info.description;
    for (const phrase of ['POST /v1/events', '202', '400', 'message_id', 'content_type', 'delivery_mode: 2', '<tenant>.#']) {
      expect(text).toContain(phrase);
    }
  });

  it('keeps example times as strings for YAML 1.1 readers', () => {
    expect(artifacts['asyncapi.yaml']).toContain('time: "2024-05-14T09:12:33Z"');
  });

  it('is what is on disk', () => {
    expect(readFileSync(join(__dirname, 'asyncapi.yaml'), 'utf8')).toBe(artifacts['asyncapi.yaml']);
  });
});

describe('generated OpenAPI document', () => {
  const doc = JSON.parse(artifacts['openapi.json']) as any;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12.
  const ajv2020 = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv2020);
  ajv2020.addKeyword({ keyword: 'x-pattern-hint', schemaType: 'string' });
  // OpenAPI's own keyword: a hint for code generators; oneOf decides validity on its own.
  ajv2020.addKeyword({ keyword: 'discriminator', schemaType: 'object' });
  ajv2020.addSchema({ $id: 'https://cabinet-hub.invalid/openapi', $defs: doc.components.schemas });
  // A schema of a path points into the components; point its references at them.
  const validatorFor = (schema: any) => ajv2020.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"https://cabinet-hub.invalid/openapi#/$defs/')));

  it('is OpenAPI 3.1.0 with the ingress, the case reads, the evidence pack, health, itself, the operational routes and the admin API', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).slice(0, 7)).toEqual([
      '/v1/events',
      '/v1/cases/{tenant}/{caseRef}',
      '/v1/cases/{tenant}/{caseRef}/history',
      '/v1/cases/{tenant}/{caseRef}/deadline',
      '/v1/evidence/{tenant}/{caseRef}.zip',
      '/health',
      '/v1/openapi.json',
    ]);
    for (const p of ['/v1/webhooks/{instance}', '/v1/kpi/{tenant}', '/metrics', '/v1/admin/tokens', '/v1/admin/{tenant}/audit', '/console']) expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.consoleSession).toMatchObject({ type: 'apiKey', in: 'cookie' });
  });

  it('has component schemas that compile as JSON Schema 2020-12, one per inbound event type among them', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) expect(() => ajv2020.compile(schema as object)).not.toThrow(name);
    const eventSchemas = Object.values(doc.components.schemas).filter((s: any) => s.properties?.specversion);
    expect(eventSchemas.map((s: any) => s.properties.type.const)).toEqual([...INBOUND_EVENT_TYPES]);
  });

  it('resolves every $ref inside itself', () => {
    const refs = [...artifacts['openapi.json'].matchAll(/"\$ref": "([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce((node: any, key) => node?.[key], doc);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
  });

  it('gives examples that its own schemas accept', () => {
    const examples: [string, any, any][] = [];
    for (const [path, item] of Object.entries(doc.paths) as [string, any][]) {
      for (const [method, op] of Object.entries(item) as [string, any][]) {
        for (const media of Object.values(op.requestBody?.content ?? {}) as any[]) if (media.example !== undefined) examples.push([`${method} ${path} request`, media.schema, media.example]);
        for (const [status, answer] of Object.entries(op.responses) as [string, any][]) {
          for (const media of Object.values(answer.content ?? {}) as any[]) if (media.example !== undefined) examples.push([`${method} ${path} ${status}`, media.schema, media.example]);
        }
      }
    }
    expect(examples.length).toBeGreaterThan(20);
    for (const [where, schema, example] of examples) {
      const validate = validatorFor(schema);
      expect([where, validate(example) ? [] : validate.errors]).toEqual([where, []]);
    }
  });

  it('describes authorization, the kinds of case, ignored results and the cursor', () => {
    const text: string = doc.info.description;
    for (const phrase of ['401', '403', '?kind=', '409', 'ignored', 'nextCursor', 'message.rejected']) expect(text).toContain(phrase);
  });

  it('is what is on disk, and the case read schemas accept their examples', () => {
    expect(readFileSync(join(__dirname, 'openapi.json'), 'utf8')).toBe(artifacts['openapi.json']);
    const ajv = createAjv();
    expect(ajv.compile(JSON.parse(artifacts['schemas/case-view.v1.json']))(exampleCaseView())).toBe(true);
    expect(ajv.compile(JSON.parse(artifacts['schemas/case-history.v1.json']))(exampleCaseHistory())).toBe(true);
  });
});
