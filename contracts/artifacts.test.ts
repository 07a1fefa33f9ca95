import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { EVENT_TYPES, INBOUND_EVENT_TYPES, OUTBOUND_EVENT_TYPES, createAjv, dataschemaFor, exampleEvent, type EventType } from './index';
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
